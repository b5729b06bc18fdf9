/**
 * The CloudFormation resource types of this library: the constructs declare them,
 * the handler dispatches on them.
 */
export const PERMISSION_GROUP_RESOURCE_TYPE = 'Custom::FinSpacePermissionGroup';
export const GROUP_MEMBERSHIP_RESOURCE_TYPE = 'Custom::FinSpaceGroupMembership';
export const FINSPACE_USER_RESOURCE_TYPE = 'Custom::FinSpaceUser';
export const PERMISSION_GROUP_BY_NAME_RESOURCE_TYPE = 'Custom::FinSpacePermissionGroupByName';

export type ResourceType =
  | typeof PERMISSION_GROUP_RESOURCE_TYPE
  | typeof GROUP_MEMBERSHIP_RESOURCE_TYPE
  | typeof FINSPACE_USER_RESOURCE_TYPE
  | typeof PERMISSION_GROUP_BY_NAME_RESOURCE_TYPE;
