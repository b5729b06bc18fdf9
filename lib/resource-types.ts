/**
 * The CloudFormation resource types of this library: the contract between the
 * constructs and the handler (lambda/resource-types.ts dispatches on them).
 */
export const PERMISSION_GROUP_RESOURCE_TYPE = 'Custom::FinSpacePermissionGroup';
export const GROUP_MEMBERSHIP_RESOURCE_TYPE = 'Custom::FinSpaceGroupMembership';
