/**
 * The handler's own privilege: the FinSpace user it acts as (the one registered for
 * its role) needs ManageUsersAndGroups for every later call. A change that takes the
 * last grant of it away succeeds, and then every change, rollback and delete of the
 * stack fails with AccessDenied. So such a change is refused before any write.
 */
import { DeploymentFailure } from './failure';
import { isFinSpaceError, listAllPermissionGroupsByUser, listAllUsersByPermissionGroup, type FinSpaceDataClient } from './finspace';
import type { InvocationContext } from './handler-context';
import { PRIVILEGED_PERMISSION } from '../contract/application-permissions';

/**
 * Throws, naming the group, when `change` (the group's delete, or an update that
 * drops ManageUsersAndGroups from it) would leave the handler's user without the
 * permission: it is a member of the group, not a superuser, and no other group it
 * has joined grants the permission.
 *
 * Cost: the group's member listing, and only when the handler's user is among
 * them, its groups and a read of each until one grants the permission.
 */
export async function refuseLossOfOwnPrivilege(
  client: FinSpaceDataClient,
  groupId: string,
  change: 'deleting' | 'removing ManageUsersAndGroups from',
  context: InvocationContext,
): Promise<void> {
  const roleArn = context.settings.handlerRoleArn;
  if (!roleArn) return; // templates of earlier versions: the role is not known
  const members = await listAllUsersByPermissionGroup(client, groupId).catch(error => {
    if (isFinSpaceError(error, 'ResourceNotFoundException')) return [];
    throw error;
  });
  const own = members.find(member => member.apiAccessPrincipalArn === roleArn);
  if (!own?.userId || own.type === 'SUPER_USER' || own.membershipStatus !== 'ADDITION_SUCCESS') return;
  if (await grantedElsewhere(client, own.userId, groupId)) return;
  throw new DeploymentFailure(
    `refused: ${change} permission group ${groupId} would take ManageUsersAndGroups from FinSpace user ${own.userId}, ` +
    'which this handler acts as and which no other group grants it; every later change, rollback and delete would then fail with AccessDenied. ' +
    'First grant the user ManageUsersAndGroups through another group (or make it a superuser).');
}

/** Whether a group other than `groupId` that the user has fully joined grants the permission. */
async function grantedElsewhere(client: FinSpaceDataClient, userId: string, groupId: string): Promise<boolean> {
  const others = (await listAllPermissionGroupsByUser(client, userId))
    .filter(group => group.permissionGroupId !== groupId && group.membershipStatus === 'ADDITION_SUCCESS');
  for (const other of others) {
    const { permissionGroup } = await client.getPermissionGroup({ permissionGroupId: other.permissionGroupId! });
    if (permissionGroup?.applicationPermissions?.includes(PRIVILEGED_PERMISSION)) return true;
  }
  return false;
}
