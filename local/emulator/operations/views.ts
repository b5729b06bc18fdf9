/**
 * Records as the output shapes of the model show them. Optional members that
 * are unset are left out, as rest-json services do.
 */
import { MembershipRecord, PermissionGroupRecord, UserRecord } from '../state';

/** The `User` shape (also the members of GetUserResponse). */
export function userView(user: UserRecord): Record<string, unknown> {
  return {
    userId: user.userId,
    status: user.status,
    firstName: user.firstName,
    lastName: user.lastName,
    emailAddress: user.emailAddress,
    type: user.type,
    apiAccess: user.apiAccess,
    apiAccessPrincipalArn: user.apiAccessPrincipalArn,
    createTime: user.createTime,
    lastEnabledTime: user.lastEnabledTime,
    lastDisabledTime: user.lastDisabledTime,
    lastModifiedTime: user.lastModifiedTime,
    lastLoginTime: user.lastLoginTime,
  };
}

/** The `UserByPermissionGroup` shape. */
export function memberView(user: UserRecord, membership: MembershipRecord): Record<string, unknown> {
  return {
    userId: user.userId,
    status: user.status,
    firstName: user.firstName,
    lastName: user.lastName,
    emailAddress: user.emailAddress,
    type: user.type,
    apiAccess: user.apiAccess,
    apiAccessPrincipalArn: user.apiAccessPrincipalArn,
    membershipStatus: membership.status,
  };
}

/** The `PermissionGroup` shape; its membershipStatus only has a meaning relative to a user, so it is left out. */
export function groupView(group: PermissionGroupRecord): Record<string, unknown> {
  return {
    permissionGroupId: group.permissionGroupId,
    name: group.name,
    description: group.description,
    applicationPermissions: [...group.applicationPermissions],
    createTime: group.createTime,
    lastModifiedTime: group.lastModifiedTime,
  };
}

/** The `PermissionGroupByUser` shape. */
export function groupOfUserView(group: PermissionGroupRecord, membership: MembershipRecord): Record<string, unknown> {
  return {
    permissionGroupId: group.permissionGroupId,
    name: group.name,
    membershipStatus: membership.status,
  };
}
