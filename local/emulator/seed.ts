/**
 * The seed (environments, users, groups, memberships and IAM keys to start from), its
 * checks and how it is added. Values are checked against the model shapes the API uses,
 * so a seed cannot hold what the service would refuse to store.
 */
import * as fs from 'fs';
import type { AccessKeys } from './access';
import { EnvironmentState, PermissionGroupRecord, UserRecord } from './environment';
import { shapeNamed } from './model';
import { validateMember } from './validation';

export interface SeedIamPrincipal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** The role the key stands for; FinSpace users register this ARN for API access. */
  readonly roleArn: string;
  /** Models the IAM policy allowing finspace-api:GetProgrammaticAccessCredentials. Default true. */
  readonly allowGetProgrammaticAccessCredentials?: boolean;
}

/** `status` defaults to ENABLED (a seeded CREATING user stays CREATING), `apiAccess` to DISABLED as for CreateUser. */
export type SeedUser = Readonly<Pick<UserRecord, 'userId' | 'type' | 'emailAddress'>> &
  Partial<Readonly<Pick<UserRecord, 'status' | 'firstName' | 'lastName' | 'apiAccess' | 'apiAccessPrincipalArn'>>>;

export type SeedPermissionGroup = Readonly<Pick<PermissionGroupRecord, 'permissionGroupId' | 'name' | 'description' | 'applicationPermissions'>> & {
  /** userIds of the same environment; they start as ADDITION_SUCCESS. */
  readonly members?: string[];
};

export interface SeedEnvironment {
  readonly environmentId: string;
  readonly users?: SeedUser[];
  readonly permissionGroups?: SeedPermissionGroup[];
}

export interface EmulatorSeed {
  readonly iamPrincipals?: SeedIamPrincipal[];
  readonly environments?: SeedEnvironment[];
}

export class SeedError extends Error {
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super(`Invalid seed (${source}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

/** Reads and checks a seed file. Errors name the file and every problem, with its JSON path. */
export function loadSeedFile(path: string): EmulatorSeed {
  const attempt = <T>(step: () => T, problem: string): T => {
    try {
      return step();
    } catch (error) {
      throw new SeedError(path, [`${problem}: ${(error as Error).message}`]);
    }
  };
  const text = attempt(() => fs.readFileSync(path, 'utf8'), 'cannot read the file');
  return validateSeed(attempt((): unknown => JSON.parse(text), 'not valid JSON'), path);
}

interface FieldRule {
  readonly kind: 'string' | 'boolean' | 'string-list' | 'list';
  readonly required?: boolean;
  /** Model shape the value must satisfy. */
  readonly shape?: string;
}

/** Fields that hold a member of a model structure are checked against that member's shape. */
function modelFields(structure: string, names: string[], required: string[]): Record<string, FieldRule> {
  const members = shapeNamed(structure).members ?? {};
  return Object.fromEntries(names.map((name) => {
    const shape = members[name].shape;
    return [name, { kind: shapeNamed(shape).type === 'list' ? 'string-list' : 'string', shape, required: required.includes(name) }];
  }));
}

const PRINCIPAL_FIELDS: Record<string, FieldRule> = {
  accessKeyId: { kind: 'string', required: true, shape: 'stringValueLength1to255' },
  secretAccessKey: { kind: 'string', required: true, shape: 'stringValueLength1to255' },
  sessionToken: { kind: 'string', shape: 'stringValueMaxLength1000' },
  roleArn: { kind: 'string', required: true, shape: 'RoleArn' },
  allowGetProgrammaticAccessCredentials: { kind: 'boolean' },
};

const ENVIRONMENT_FIELDS: Record<string, FieldRule> = {
  environmentId: { kind: 'string', required: true, shape: 'IdType' },
  users: { kind: 'list' },
  permissionGroups: { kind: 'list' },
};

const USER_FIELDS = modelFields(
  'User',
  ['userId', 'type', 'status', 'firstName', 'lastName', 'emailAddress', 'apiAccess', 'apiAccessPrincipalArn'],
  ['userId', 'type', 'emailAddress'],
);

const GROUP_FIELDS: Record<string, FieldRule> = {
  ...modelFields('PermissionGroup', ['permissionGroupId', 'name', 'description', 'applicationPermissions'], ['permissionGroupId', 'name', 'applicationPermissions']),
  members: { kind: 'string-list' },
};

/** The state a seed is added to: checked against it, so ids and keys stay unique. */
export interface SeedTarget {
  readonly environments: Map<string, EnvironmentState>;
  readonly keys: AccessKeys;
}

/**
 * Adds a seed after checking all of it, so a bad seed changes nothing.
 * Environments already present are added to, not replaced.
 */
export function addSeed(value: unknown, target: SeedTarget, now: number): void {
  const seed = validateSeed(value, 'seed', target);
  for (const principal of seed.iamPrincipals ?? []) target.keys.addIamPrincipal(principal);
  for (const seeded of seed.environments ?? []) {
    const environment = target.environments.get(seeded.environmentId) ?? new EnvironmentState(seeded.environmentId);
    target.environments.set(seeded.environmentId, environment);
    for (const user of seeded.users ?? []) environment.addUser({ ...user, status: user.status ?? 'ENABLED' }, now);
    for (const { members = [], ...seededGroup } of seeded.permissionGroups ?? []) {
      const group = environment.addGroup(seededGroup, now);
      for (const userId of members) environment.addMember(group, userId, now, 0);
    }
  }
}

/**
 * Checks a seed's form, its values against the model, and its references
 * (members, duplicates), also against `existing` state when given.
 */
export function validateSeed(value: unknown, source = 'seed', existing?: SeedTarget): EmulatorSeed {
  const problems: string[] = [];
  /** Reports a value met before in this seed, or already in the state. */
  const unique = (seen: Set<string>, key: string, inState: unknown, problem: string) => {
    if (seen.size === seen.add(key).size || inState) problems.push(problem);
  };
  /** Each element of a list that can be read as an object of `rules`, with its path. */
  const readable = <T>(list: readonly T[] | undefined, rules: Record<string, FieldRule>, path: string, each: (item: T, itemPath: string) => void) =>
    (list ?? []).forEach((item, index) => {
      if (checkObject(item, rules, `${path}[${index}]`, problems)) each(item, `${path}[${index}]`);
    });
  if (!checkObject(value, { iamPrincipals: { kind: 'list' }, environments: { kind: 'list' } }, '$', problems)) {
    throw new SeedError(source, problems);
  }
  const seed = value as EmulatorSeed;
  const [accessKeys, environmentIds] = [new Set<string>(), new Set<string>()];
  readable(seed.iamPrincipals, PRINCIPAL_FIELDS, '$.iamPrincipals', ({ accessKeyId }, path) => {
    unique(accessKeys, accessKeyId, existing?.keys.find(accessKeyId), `${path}.accessKeyId: access key '${accessKeyId}' appears more than once`);
  });
  readable(seed.environments, ENVIRONMENT_FIELDS, '$.environments', (environment, path) => {
    const { environmentId } = environment;
    unique(environmentIds, environmentId, false, `${path}.environmentId: environment '${environmentId}' appears more than once`);
    const inState = existing?.environments.get(environmentId);
    const [userIds, emails, groupIds] = [new Set<string>(), new Set<string>(), new Set<string>()];
    readable(environment.users, USER_FIELDS, `${path}.users`, (user, userPath) => {
      unique(userIds, user.userId, inState?.users.has(user.userId), `${userPath}.userId: user '${user.userId}' appears more than once`);
      // The address itself is sensitive, so the message points at the entry only.
      const email = user.emailAddress.toLowerCase();
      unique(emails, email, inState?.findUserByEmail(email), `${userPath}.emailAddress: this email address is used by another user`);
    });
    readable(environment.permissionGroups, GROUP_FIELDS, `${path}.permissionGroups`, (group, groupPath) => {
      const { permissionGroupId } = group;
      const duplicate = `${groupPath}.permissionGroupId: group '${permissionGroupId}' appears more than once`;
      unique(groupIds, permissionGroupId, inState?.groups.has(permissionGroupId), duplicate);
      const members = new Set<string>();
      (group.members ?? []).forEach((userId, memberIndex) => {
        const memberPath = `${groupPath}.members[${memberIndex}]`;
        if (!userIds.has(userId) && !inState?.users.has(userId)) problems.push(`${memberPath}: no user '${userId}' in environment '${environmentId}'`);
        unique(members, userId, false, `${memberPath}: user '${userId}' is listed twice`);
      });
    });
  });
  if (problems.length > 0) throw new SeedError(source, problems);
  return seed;
}

const TYPE_CHECKS: Record<FieldRule['kind'], [(value: unknown) => boolean, string]> = {
  'string': [(value) => typeof value === 'string', 'must be a string'],
  'boolean': [(value) => typeof value === 'boolean', 'must be true or false'],
  'string-list': [(value) => Array.isArray(value) && value.every((item) => typeof item === 'string'), 'must be a list of strings'],
  'list': [Array.isArray, 'must be a list'],
};

/**
 * Checks an object's keys and field types, then model constraints. Returns
 * false when the object cannot be read further (not an object, a field of the
 * wrong type or missing); unknown fields and broken constraints do not stop the
 * checks of what the object contains.
 */
function checkObject(value: unknown, rules: Record<string, FieldRule>, path: string, problems: string[]): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: must be an object`);
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!rules[key]) problems.push(`${path}.${key}: unknown field (expected one of ${Object.keys(rules).join(', ')})`);
  }
  let readable = true;
  for (const [key, rule] of Object.entries(rules)) {
    const [field, fieldPath] = [record[key], `${path}.${key}`];
    const [hasType, typeProblem] = TYPE_CHECKS[rule.kind];
    if (field === undefined ? rule.required : !hasType(field)) {
      problems.push(`${fieldPath}: ${field === undefined ? 'required' : typeProblem}`);
      readable = false;
    } else if (field !== undefined && rule.shape) {
      for (const violation of validateMember({ shape: rule.shape }, field, fieldPath)) problems.push(`${fieldPath}: ${violation.constraint}`);
    }
  }
  return readable;
}
