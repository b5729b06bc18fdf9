/**
 * The FinSpace environments every chaos sequence starts from, and what one revision
 * of the chaos app declares in them, as plain data. Users come in disjoint pools: the
 * stack declares only DECLARED_USERS; members someone else added (OUTSIDE_USERS, the
 * handler's own user) are never declared, so additive memberships must leave them
 * alone and exclusive ones must remove them (but the handler's own user).
 */
import { ApplicationPermission } from '../../lib/application-permission';
import type { EmulatorSeed, SeedEnvironment } from '../emulator';

/** The two FinSpace environments of the chaos world: a group moving between them is replaced. */
export type EnvironmentKey = 'a' | 'b';
export const ENVIRONMENT_KEYS: readonly EnvironmentKey[] = ['a', 'b'];
export const ENVIRONMENT_IDS: Readonly<Record<EnvironmentKey, string>> = { a: 'chaosenva', b: 'chaosenvb' };

/** The FinSpace user the handler role is registered on; exclusive memberships never remove it. */
export const HANDLER_USER = 'automation';
/** A superuser for changes made outside CloudFormation, with IAM keys of its own. */
const OPERATOR_USER = 'operator';

export const DECLARED_USERS: readonly string[] = Array.from({ length: 8 }, (_, i) => `user0${i + 1}`);
export const OUTSIDE_USERS: readonly string[] = ['outsider01', 'outsider02', 'outsider03'];
/** Declared only by steps that must fail: FinSpace refuses a user that does not exist. */
export const UNKNOWN_USER = 'ghost01';
/** Disabled outside CloudFormation before the steps that declare it, which must fail: FinSpace refuses it. */
export const DISABLED_USER = 'retired01';

/** Where the handler's user gets ManageUsersAndGroups from: a superuser, or an app user in BOOTSTRAP_GROUPS, then ADMIN_GROUP. */
export type HandlerPrivilege = 'superuser' | 'group';
export const HANDLER_PRIVILEGES: readonly HandlerPrivilege[] = ['superuser', 'group'];
export const MANAGE_USERS_AND_GROUPS = 'ManageUsersAndGroups';

/** With HandlerPrivilege 'group': the group someone else made in each environment that grants it before the stack exists. */
export const BOOTSTRAP_GROUPS: Readonly<Record<EnvironmentKey, { readonly permissionGroupId: string; readonly name: string }>> = {
  a: { permissionGroupId: 'chaosbootstrapa00000000001', name: 'bootstrap-admins-a' },
  b: { permissionGroupId: 'chaosbootstrapb00000000001', name: 'bootstrap-admins-b' },
};
/** With HandlerPrivilege 'group': the stack's group that grants it, once deployed; only lockout attempts take that away. */
export const ADMIN_GROUP = { id: 'Admins', environment: 'a', name: 'stack-admins' } as const;

/** Groups created before the stack, which memberships may import; each starts with outside members. */
type ImportedGroup = Readonly<{ permissionGroupId: string; environment: EnvironmentKey; name: string; members: readonly string[] }>;
export const IMPORTED_GROUPS: readonly ImportedGroup[] = [
  { permissionGroupId: 'chaosdeskgroup000000000001', environment: 'a', name: 'trading-desk', members: ['outsider01', HANDLER_USER] },
  { permissionGroupId: 'chaosfloorgroup00000000001', environment: 'b', name: 'risk-floor', members: ['outsider02', HANDLER_USER] },
];

/** A group someone else created in each environment: renaming a stack group to its name must fail. */
export const RESERVED_GROUP_NAMES: Readonly<Record<EnvironmentKey, string>> = { a: 'reserved-a', b: 'reserved-b' };

export const HANDLER_ROLE_KEYS = { accessKeyId: 'AKIACHAOSHANDLERROLE', secretAccessKey: 'chaos-handler-role-secret' } as const;
const OPERATOR_ROLE_ARN = 'arn:aws:iam::111122223333:role/finspace-operator';
export const OPERATOR_KEYS = { accessKeyId: 'AKIACHAOSOPERATOR001', secretAccessKey: 'chaos-operator-secret' } as const;

export function chaosSeed(handlerRoleArn: string, handlerPrivilege: HandlerPrivilege = 'superuser'): EmulatorSeed {
  const apiUser = (userId: string, principal: string, type: 'SUPER_USER' | 'APP_USER') => ({
    userId, type, emailAddress: `${userId}@example.com`, apiAccess: 'ENABLED' as const, apiAccessPrincipalArn: principal,
  });
  const environment = (key: EnvironmentKey): SeedEnvironment => ({
    environmentId: ENVIRONMENT_IDS[key],
    users: [
      apiUser(HANDLER_USER, handlerRoleArn, handlerPrivilege === 'superuser' ? 'SUPER_USER' : 'APP_USER'),
      apiUser(OPERATOR_USER, OPERATOR_ROLE_ARN, 'SUPER_USER'),
      ...[...DECLARED_USERS, ...OUTSIDE_USERS, DISABLED_USER].map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
    ],
    permissionGroups: [
      ...IMPORTED_GROUPS.filter(group => group.environment === key).map(({ permissionGroupId, name, members }) => ({
        permissionGroupId, name, applicationPermissions: ['AccessNotebooks'], members: [...members],
      })),
      { permissionGroupId: `chaosreserved${key}00000000001`, name: RESERVED_GROUP_NAMES[key], applicationPermissions: [] },
      ...handlerPrivilege === 'group' ? [{ ...BOOTSTRAP_GROUPS[key], applicationPermissions: [MANAGE_USERS_AND_GROUPS], members: [HANDLER_USER] }] : [],
    ],
  });
  return {
    iamPrincipals: [{ ...HANDLER_ROLE_KEYS, roleArn: handlerRoleArn }, { ...OPERATOR_KEYS, roleArn: OPERATOR_ROLE_ARN }],
    environments: ENVIRONMENT_KEYS.map(environment),
  };
}

/** In the declarations, `id` is the construct id in the stack, and `retain` means RemovalPolicy.RETAIN. */
export interface GroupDeclaration {
  readonly id: string;
  readonly environment: EnvironmentKey;
  readonly name: string;
  readonly description?: string;
  readonly permissions: readonly ApplicationPermission[];
  /** RemovalPolicy.RETAIN: removed from the stack (or replaced), the group stays in FinSpace. */
  readonly retain: boolean;
}

/** A group the stack creates (by construct id) or imports (by FinSpace id). */
export type GroupRef = { readonly created: string } | { readonly imported: string };

export interface MembershipDeclaration {
  readonly id: string;
  readonly group: GroupRef;
  readonly users: readonly string[];
  readonly exclusive: boolean;
  /** RemovalPolicy.RETAIN: removed from the stack (or moved), its users stay members. */
  readonly retain: boolean;
  /** Memberships (construct ids) that CloudFormation must change before this one. */
  readonly after?: readonly string[];
  /** FinSpaceUsers of the revision (construct ids) that are members too, by the construct. */
  readonly people?: readonly string[];
}

/** A FinSpace user of the stack (FinSpaceUser): created, or adopted when its address exists already. */
export interface PersonDeclaration {
  readonly id: string;
  readonly environment: EnvironmentKey;
  /** Fixed for the life of the construct id: FinSpace cannot change a user's address. */
  readonly email: string;
  readonly firstName: string;
  /** Undefined: never declared (FinSpace keeps what the user had). */
  readonly lastName?: string;
  readonly type: 'APP_USER' | 'SUPER_USER';
  /** RemovalPolicy.RETAIN: removed from the stack, the user stays enabled; otherwise it is disabled. */
  readonly retain: boolean;
}

/** One revision of the chaos app: the plan (plan.ts) makes it, the app (app.ts) synthesizes it, the expectation checks it. */
export interface Declaration {
  readonly groups: readonly GroupDeclaration[];
  readonly memberships: readonly MembershipDeclaration[];
  /** FinSpaceUsers of the stack; none when absent. */
  readonly people?: readonly PersonDeclaration[];
}

export const EMPTY_DECLARATION: Declaration = { groups: [], memberships: [] };

/** Where a group lives in FinSpace, across revisions: one moved to another environment is another group. */
export function groupIdentity(declaration: Declaration, ref: GroupRef): string {
  if ('imported' in ref) return `imported:${ref.imported}`;
  const group = declaration.groups.find(g => g.id === ref.created);
  if (!group) throw new Error(`membership refers to group ${ref.created}, which the revision does not declare`);
  return `${group.id}@${group.environment}`;
}

export function environmentOf(declaration: Declaration, ref: GroupRef): EnvironmentKey {
  if ('imported' in ref) return IMPORTED_GROUPS.find(g => g.permissionGroupId === ref.imported)!.environment;
  return declaration.groups.find(g => g.id === ref.created)!.environment;
}

export function sameRef(a: GroupRef, b: GroupRef): boolean {
  return 'imported' in a ? 'imported' in b && a.imported === b.imported : 'created' in b && a.created === b.created;
}

/** The address of the n-th person the plan declares: no seeded user has one of this form. */
export function personEmail(n: number): string {
  return `person${n}@example.com`;
}

export function isPersonEmail(email: string): boolean {
  return /^person\d+@example\.com$/i.test(email);
}

/** One line per group, membership and person, for failure reports. */
export function describeDeclaration(declaration: Declaration): string[] {
  return [...declaration.groups, ...declaration.memberships, ...declaration.people ?? []].map(item => JSON.stringify(item));
}
