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
} & PermissionGroupAdoptionWireProperties;

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
  /** Users declared by e-mail, as declared: resolved to user ids at deploy time (absent when none). */
  readonly Emails?: readonly string[];
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

/** What a create does when FinSpace already has the declared object. */
export type IfExistsValue = 'FAIL' | 'ADOPT';

/** Properties of Custom::FinSpacePermissionGroup that adopt an existing group (absent: fail). */
export type PermissionGroupAdoptionWireProperties = {
  readonly IfExists?: IfExistsValue;
};

/** Properties of Custom::FinSpaceUser. */
export type FinSpaceUserWireProperties = {
  readonly EnvironmentId: string;
  readonly EmailAddress: string;
  readonly Type: 'SUPER_USER' | 'APP_USER';
  readonly FirstName?: string;
  readonly LastName?: string;
  readonly ApiAccess: 'ENABLED' | 'DISABLED';
  readonly ApiAccessPrincipalArn?: string;
  readonly IfExists: IfExistsValue;
};

/** Properties of Custom::FinSpacePermissionGroupByName: the one group of that name, found at deploy time. */
export type PermissionGroupByNameWireProperties = {
  readonly EnvironmentId: string;
  readonly PermissionGroupName: string;
};

/** Booleans as CloudFormation carries them. */
export function wireBoolean(value: boolean): 'true' | 'false' {
  return value ? 'true' : 'false';
}
