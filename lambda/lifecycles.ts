/**
 * Dispatch on the resource type: which lifecycle serves each of the contract's
 * resource types.
 */
import { groupMembershipLifecycle } from './group-membership';
import type { InvocationContext } from './handler-context';
import { permissionGroupLifecycle } from './permission-group';
import type { Lifecycle } from './provider-types';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE, type ResourceType } from '../contract/resource-types';

/** The custom resource types this handler serves, and how each is described in reasons. */
const LIFECYCLES: Record<ResourceType, { readonly noun: string; readonly create: (context: InvocationContext) => Lifecycle }> = {
  [PERMISSION_GROUP_RESOURCE_TYPE]: { noun: 'permission group', create: permissionGroupLifecycle },
  [GROUP_MEMBERSHIP_RESOURCE_TYPE]: { noun: 'group membership', create: groupMembershipLifecycle },
};

export function lifecycleFor(resourceType: string, context: InvocationContext): Lifecycle {
  const entry = LIFECYCLES[resourceType as ResourceType];
  if (!entry) {
    throw new Error(`unsupported resource type ${resourceType}: this handler serves ${Object.keys(LIFECYCLES).join(' and ')}`);
  }
  return entry.create(context);
}

export function nounFor(resourceType: string): string {
  return LIFECYCLES[resourceType as ResourceType]?.noun ?? 'resource';
}
