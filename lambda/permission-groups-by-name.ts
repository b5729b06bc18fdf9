/**
 * Finding permission groups by name, which FinSpace may or may not keep unique (the
 * API does not say): the handler lists the groups and decides on what it finds,
 * never on whether a create of a taken name would fail. Names are sensitive in the
 * model: reasons and logs name groups by id only.
 */
import { DeploymentFailure } from './failure';
import { listAllPermissionGroups, type FinSpaceDataClient, type PermissionGroup } from './finspace';
import type { InvocationContext } from './handler-context';
import { parsePermissionGroupByNameProperties } from './properties';
import type { Lifecycle, OnEventRequest, OnEventResponse } from './provider-types';

/** How many group ids a reason names. */
const NAMED_IN_REASON = 10;

/** Every group of the environment with exactly this name. */
export async function groupsNamed(client: FinSpaceDataClient, name: string): Promise<PermissionGroup[]> {
  return (await listAllPermissionGroups(client)).filter(group => group.name === name && group.permissionGroupId);
}

export function describeGroupIds(groups: readonly PermissionGroup[]): string {
  const ids = groups.slice(0, NAMED_IN_REASON).map(group => group.permissionGroupId).join(', ');
  return groups.length > NAMED_IN_REASON ? `${ids} and ${groups.length - NAMED_IN_REASON} more` : ids;
}

/**
 * The lifecycle of Custom::FinSpacePermissionGroupByName: its physical id is the id
 * of the one group with the declared name, found when the resource is created or its
 * name or environment changes. It owns nothing, so a delete does nothing.
 */
export function permissionGroupByNameLifecycle(context: InvocationContext): Lifecycle {
  return {
    onEvent: event => onEvent(event, context),
    isComplete: async () => ({ IsComplete: true }),
  };
}

async function onEvent(event: OnEventRequest, context: InvocationContext): Promise<OnEventResponse> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const props = parsePermissionGroupByNameProperties(event.ResourceProperties);
  const groups = await groupsNamed(context.clientFor(props.environmentId), props.name);
  if (groups.length === 0) {
    throw new DeploymentFailure(`no permission group of environment ${props.environmentId} has the declared name; create it, or correct the name.`);
  }
  if (groups.length > 1) {
    throw new DeploymentFailure(`${groups.length} permission groups of environment ${props.environmentId} have the declared name (${describeGroupIds(groups)}); ` +
      'refer to the one you mean with PermissionGroup.fromPermissionGroupId().');
  }
  const permissionGroupId = groups[0].permissionGroupId!;
  context.log('permission group found by name', { permissionGroupId });
  return { PhysicalResourceId: permissionGroupId, Data: { PermissionGroupId: permissionGroupId } };
}
