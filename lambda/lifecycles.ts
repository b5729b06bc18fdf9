/**
 * Dispatch on the resource type: which lifecycle serves each of the contract's
 * resource types.
 */
import { finSpaceUserLifecycle } from './finspace-user';
import { groupMembershipLifecycle } from './group-membership';
import type { InvocationContext } from './handler-context';
import { permissionGroupLifecycle } from './permission-group';
import { permissionGroupByNameLifecycle } from './permission-groups-by-name';
import type { Lifecycle } from './provider-types';
import {
  FINSPACE_USER_RESOURCE_TYPE,
  GROUP_MEMBERSHIP_RESOURCE_TYPE,
  PERMISSION_GROUP_BY_NAME_RESOURCE_TYPE,
  PERMISSION_GROUP_RESOURCE_TYPE,
  type ResourceType,
} from '../contract/resource-types';

/** The custom resource types this handler serves, and how each is described in reasons. */
const LIFECYCLES: Record<ResourceType, { readonly noun: string; readonly create: (context: InvocationContext) => Lifecycle }> = {
  [PERMISSION_GROUP_RESOURCE_TYPE]: { noun: 'permission group', create: permissionGroupLifecycle },
  [GROUP_MEMBERSHIP_RESOURCE_TYPE]: { noun: 'group membership', create: groupMembershipLifecycle },
  [FINSPACE_USER_RESOURCE_TYPE]: { noun: 'FinSpace user', create: finSpaceUserLifecycle },
  [PERMISSION_GROUP_BY_NAME_RESOURCE_TYPE]: { noun: 'permission group by name', create: permissionGroupByNameLifecycle },
};

export function lifecycleFor(resourceType: string, context: InvocationContext): Lifecycle {
  const entry = LIFECYCLES[resourceType as ResourceType];
  if (!entry) {
    throw new Error(`unsupported resource type ${resourceType}: this handler serves ${Object.keys(LIFECYCLES).join(', ')}`);
  }
  return entry.create(context);
}

export function nounFor(resourceType: string): string {
  return LIFECYCLES[resourceType as ResourceType]?.noun ?? 'resource';
}
