/**
 * Strict parsing of the ResourceProperties that the constructs synthesize, by the
 * keys of the contract's wire types. CloudFormation hands every scalar over as a
 * string, lists as lists of strings.
 */
import type {
  GroupMembershipWireProperties,
  PermissionGroupByNameWireProperties,
  PermissionGroupWireProperties,
} from '../contract/resource-properties';

export class InvalidPropertiesError extends Error {
  public override readonly name = 'InvalidPropertiesError';
}

/** Properties of Custom::FinSpacePermissionGroup. */
export interface PermissionGroupProperties {
  readonly environmentId: string;
  readonly name: string;
  readonly description?: string;
  readonly applicationPermissions: string[];
  /** Take over the one existing group of the name instead of failing (IfExists ADOPT). */
  readonly adopt: boolean;
}

/** Properties of Custom::FinSpacePermissionGroupByName. */
export interface PermissionGroupByNameProperties {
  readonly environmentId: string;
  readonly name: string;
}

/** Properties of Custom::FinSpaceGroupMembership (one shard of a declaration). */
export interface GroupMembershipProperties {
  readonly environmentId: string;
  readonly permissionGroupId: string;
  readonly userIds: string[];
  /** Users declared by e-mail, as declared (resolved at deploy time). */
  readonly emails: string[];
  readonly exclusive: boolean;
  readonly membershipKey: string;
  /** The group's key in the stack's declared members (absent from older templates). */
  readonly groupKey?: string;
  readonly shardIndex: number;
  readonly shardCount: number;
}

type Raw = Record<string, unknown> | undefined;
/** The raw properties, read only by the keys of `Wire`. */
type RawOf<Wire> = { readonly [Key in keyof Wire]?: unknown };

export function parsePermissionGroupProperties(raw: Raw): PermissionGroupProperties {
  const props: RawOf<PermissionGroupWireProperties> = raw ?? {};
  return {
    environmentId: requiredString(props, 'EnvironmentId'),
    name: requiredString(props, 'PermissionGroupName'),
    description: optionalString(props, 'Description'),
    applicationPermissions: stringList(props, 'ApplicationPermissions'),
    adopt: ifExists(props, 'IfExists') === 'ADOPT',
  };
}

export function parsePermissionGroupByNameProperties(raw: Raw): PermissionGroupByNameProperties {
  const props: RawOf<PermissionGroupByNameWireProperties> = raw ?? {};
  return {
    environmentId: requiredString(props, 'EnvironmentId'),
    name: requiredString(props, 'PermissionGroupName'),
  };
}

function ifExists<Wire>(props: RawOf<Wire>, key: keyof Wire & string): 'FAIL' | 'ADOPT' {
  const value: unknown = props[key] ?? 'FAIL';
  if (value === 'FAIL' || value === 'ADOPT') return value;
  throw new InvalidPropertiesError(`${key} must be 'FAIL' or 'ADOPT'`);
}

export function parseGroupMembershipProperties(raw: Raw): GroupMembershipProperties {
  const props: RawOf<GroupMembershipWireProperties> = raw ?? {};
  const shardCount = wholeNumber(props, 'ShardCount', 1);
  const shardIndex = wholeNumber(props, 'ShardIndex', 0);
  if (shardIndex >= shardCount) {
    throw new InvalidPropertiesError(`ShardIndex ${shardIndex} is not below ShardCount ${shardCount}`);
  }
  const userIds = stringList(props, 'UserIds');
  const seen = new Set<string>();
  const duplicate = userIds.find(userId => seen.size === seen.add(userId).size);
  if (duplicate !== undefined) {
    throw new InvalidPropertiesError(`UserIds lists '${duplicate}' more than once`);
  }
  const emails = stringList(props, 'Emails');
  const normalized = emails.map(email => email.toLowerCase());
  const repeated = normalized.findIndex((email, index) => normalized.indexOf(email) !== index);
  if (repeated >= 0) {
    throw new InvalidPropertiesError(`Emails lists e-mail #${repeated + 1} more than once`);
  }
  return {
    environmentId: requiredString(props, 'EnvironmentId'),
    permissionGroupId: requiredString(props, 'PermissionGroupId'),
    userIds,
    emails,
    exclusive: booleanString(props, 'Exclusive'),
    membershipKey: requiredString(props, 'MembershipKey'),
    groupKey: optionalString(props, 'GroupKey'),
    shardIndex,
    shardCount,
  };
}

function requiredString<Wire>(props: RawOf<Wire>, key: keyof Wire & string): string {
  const value = props[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidPropertiesError(`${key} must be a non-empty string`);
  }
  return value;
}

function optionalString<Wire>(props: RawOf<Wire>, key: keyof Wire & string): string | undefined {
  return props[key] === undefined ? undefined : requiredString(props, key);
}

function stringList<Wire>(props: RawOf<Wire>, key: keyof Wire & string): string[] {
  const value = props[key] ?? [];
  if (!Array.isArray(value) || value.some(item => typeof item !== 'string' || item.length === 0)) {
    throw new InvalidPropertiesError(`${key} must be a list of non-empty strings`);
  }
  return value;
}

function booleanString<Wire>(props: RawOf<Wire>, key: keyof Wire & string): boolean {
  const value = props[key];
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false || value === undefined) return false;
  throw new InvalidPropertiesError(`${key} must be 'true' or 'false'`);
}

function wholeNumber<Wire>(props: RawOf<Wire>, key: keyof Wire & string, min: number): number {
  const value = props[key];
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < min) {
    throw new InvalidPropertiesError(`${key} must be a whole number of at least ${min}`);
  }
  return Number(text);
}
