import { groupMembershipLifecycle } from './group-membership';
import type { HandlerContext } from './handler-context';
import { permissionGroupLifecycle } from './permission-group';
import type { Lifecycle } from './provider-types';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE } from '../lib/resource-types';

/** The custom resource types this handler serves, and how each is described in reasons. */
const LIFECYCLES: Record<string, { readonly noun: string; readonly create: (context: HandlerContext) => Lifecycle }> = {
  [PERMISSION_GROUP_RESOURCE_TYPE]: { noun: 'permission group', create: permissionGroupLifecycle },
  [GROUP_MEMBERSHIP_RESOURCE_TYPE]: { noun: 'group membership', create: groupMembershipLifecycle },
};

export function lifecycleFor(resourceType: string, context: HandlerContext): Lifecycle {
  const entry = LIFECYCLES[resourceType];
  if (!entry) {
    throw new Error(`unsupported resource type ${resourceType}: this handler serves ${Object.keys(LIFECYCLES).join(' and ')}`);
  }
  return entry.create(context);
}

export function nounFor(resourceType: string): string {
  return LIFECYCLES[resourceType]?.noun ?? 'resource';
}
