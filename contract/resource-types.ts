/**
 * The CloudFormation resource types of this library: the constructs declare them,
 * the handler dispatches on them.
 */
export const PERMISSION_GROUP_RESOURCE_TYPE = 'Custom::FinSpacePermissionGroup';
export const GROUP_MEMBERSHIP_RESOURCE_TYPE = 'Custom::FinSpaceGroupMembership';

export type ResourceType = typeof PERMISSION_GROUP_RESOURCE_TYPE | typeof GROUP_MEMBERSHIP_RESOURCE_TYPE;
