/**
 * The ResourceProperties of each resource type as they travel through
 * CloudFormation: the constructs build them with these types, the handler parses
 * them by the same keys. CloudFormation hands every scalar over as a string, so
 * booleans and numbers travel as strings.
 */

/** Properties of Custom::FinSpacePermissionGroup. */
export type PermissionGroupWireProperties = {
  readonly EnvironmentId: string;
  readonly PermissionGroupName: string;
  readonly Description?: string;
  readonly ApplicationPermissions: readonly string[];
};

/**
 * Properties of Custom::FinSpaceGroupMembership: a declared set of members (a shard of
 * one in templates of earlier versions). The ids are either inline (UserIds) or in an
 * S3 object (UserIdsBucket, UserIdsKey, UserIdsSha256), see contract/user-ids-object.ts.
 */
export type GroupMembershipWireProperties = {
  readonly EnvironmentId: string;
  readonly PermissionGroupId: string;
  /** The declared users, when they are few enough for the template. */
  readonly UserIds?: readonly string[];
  /** The bucket of the object that holds the declared users otherwise. */
  readonly UserIdsBucket?: string;
  /** Its key. */
  readonly UserIdsKey?: string;
  /** The SHA-256 of its content, lowercase hex: the handler reads these bytes or fails. */
  readonly UserIdsSha256?: string;
  /** How many users the object holds: what `cdk diff` shows of a change to them. */
  readonly UserCount?: string;
  readonly Exclusive: 'true' | 'false';
  /** Names the membership in the shard's physical id and in the declared-members index. */
  readonly MembershipKey: string;
  /** Where the handler looks the group up in the declared-members index (absent from older templates). */
  readonly GroupKey?: string;
  /** A whole number below ShardCount. */
  readonly ShardIndex: string;
  /** A whole number of at least 1. */
  readonly ShardCount: string;
  /** Only on exclusive memberships: the FinSpace users of this role are never removed. */
  readonly HandlerRoleArn?: string;
};

/** Booleans as CloudFormation carries them. */
export function wireBoolean(value: boolean): 'true' | 'false' {
  return value ? 'true' : 'false';
}
