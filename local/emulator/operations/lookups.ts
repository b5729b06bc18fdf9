/**
 * Finding the group or user a request names, or answering ResourceNotFound.
 */
import { Reason, modeledError } from '../errors';
import { EnvironmentState, PermissionGroupRecord, UserRecord } from '../state';

export function requireGroup(environment: EnvironmentState, permissionGroupId: string): PermissionGroupRecord {
  const group = environment.groups.get(permissionGroupId);
  if (!group) {
    throw modeledError(
      'ResourceNotFoundException',
      `Permission group '${permissionGroupId}' does not exist.`,
      Reason.PERMISSION_GROUP_NOT_FOUND,
    );
  }
  return group;
}

export function requireUser(environment: EnvironmentState, userId: string): UserRecord {
  const user = environment.users.get(userId);
  if (!user) {
    throw modeledError('ResourceNotFoundException', `User '${userId}' does not exist.`, Reason.USER_NOT_FOUND);
  }
  return user;
}
