/**
 * The FinSpace environments every chaos sequence starts from: who exists, which
 * groups exist before the stack, and who besides the stack may add members.
 *
 * Users come in disjoint pools. The stack declares only DECLARED_USERS; members that
 * someone else added (OUTSIDE_USERS, and the handler's own user) are never declared,
 * so additive memberships must leave them alone and exclusive ones must remove them
 * (but the handler's own user).
 *
 * The handler's user is a superuser in some sequences; in others an app user whose
 * ManageUsersAndGroups comes from groups: a bootstrap group someone else made, then
 * (once deployed) the stack's own admin group, so a step can try to take it away.
 */
import type { EnvironmentKey, ImportedGroup } from './declaration';
import type { EmulatorSeed, SeedEnvironment } from '../emulator';

export const ENVIRONMENT_IDS: Readonly<Record<EnvironmentKey, string>> = { a: 'chaosenva', b: 'chaosenvb' };

/** The FinSpace user the handler role is registered on; exclusive memberships never remove it. */
export const HANDLER_USER = 'automation';
/** A superuser for changes made outside CloudFormation, with IAM keys of its own. */
export const OPERATOR_USER = 'operator';

export const DECLARED_USERS: readonly string[] = Array.from({ length: 8 }, (_, i) => `user0${i + 1}`);
export const OUTSIDE_USERS: readonly string[] = ['outsider01', 'outsider02', 'outsider03'];
/** Declared only by steps that must fail: FinSpace refuses a user that does not exist. */
export const UNKNOWN_USER = 'ghost01';
/** Disabled outside CloudFormation before the steps that declare it, which must fail: FinSpace refuses it. */
export const DISABLED_USER = 'retired01';

/** Where the handler's user gets ManageUsersAndGroups from. */
export type HandlerPrivilege = 'superuser' | 'group';
export const HANDLER_PRIVILEGES: readonly HandlerPrivilege[] = ['superuser', 'group'];
export const MANAGE_USERS_AND_GROUPS = 'ManageUsersAndGroups';

/**
 * With HandlerPrivilege 'group': the group someone else made in each environment
 * that grants the handler's user ManageUsersAndGroups before the stack exists.
 */
export const BOOTSTRAP_GROUPS: Readonly<Record<EnvironmentKey, { readonly permissionGroupId: string; readonly name: string }>> = {
  a: { permissionGroupId: 'chaosbootstrapa00000000001', name: 'bootstrap-admins-a' },
  b: { permissionGroupId: 'chaosbootstrapb00000000001', name: 'bootstrap-admins-b' },
};
/**
 * With HandlerPrivilege 'group': the stack's group that grants ManageUsersAndGroups,
 * to which the operator hands the handler's user once it is deployed. Only steps
 * that must fail (lockout attempts) take the permission away or delete it.
 */
export const ADMIN_GROUP = { id: 'Admins', environment: 'a', name: 'stack-admins' } as const;

/** Groups created before the stack, which memberships may import; each starts with outside members. */
export const IMPORTED_GROUPS: readonly ImportedGroup[] = [
  { permissionGroupId: 'chaosdeskgroup000000000001', environment: 'a', name: 'trading-desk' },
  { permissionGroupId: 'chaosfloorgroup00000000001', environment: 'b', name: 'risk-floor' },
];
export const IMPORTED_GROUP_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  chaosdeskgroup000000000001: ['outsider01', HANDLER_USER],
  chaosfloorgroup00000000001: ['outsider02', HANDLER_USER],
};

/** A group someone else created in each environment: renaming a stack group to its name must fail. */
export const RESERVED_GROUP_NAMES: Readonly<Record<EnvironmentKey, string>> = { a: 'reserved-a', b: 'reserved-b' };

export const HANDLER_ROLE_KEYS = { accessKeyId: 'AKIACHAOSHANDLERROLE', secretAccessKey: 'chaos-handler-role-secret' } as const;
export const OPERATOR_ROLE_ARN = 'arn:aws:iam::111122223333:role/finspace-operator';
export const OPERATOR_KEYS = { accessKeyId: 'AKIACHAOSOPERATOR001', secretAccessKey: 'chaos-operator-secret' } as const;

export function chaosSeed(handlerRoleArn: string, handlerPrivilege: HandlerPrivilege = 'superuser'): EmulatorSeed {
  return {
    iamPrincipals: [
      { ...HANDLER_ROLE_KEYS, roleArn: handlerRoleArn },
      { ...OPERATOR_KEYS, roleArn: OPERATOR_ROLE_ARN },
    ],
    environments: (Object.keys(ENVIRONMENT_IDS) as EnvironmentKey[]).map(key => environmentSeed(key, handlerRoleArn, handlerPrivilege)),
  };
}

function environmentSeed(key: EnvironmentKey, handlerRoleArn: string, handlerPrivilege: HandlerPrivilege): SeedEnvironment {
  const apiUser = (userId: string, principal: string, type: 'SUPER_USER' | 'APP_USER') => ({
    userId, type, emailAddress: `${userId}@example.com`, apiAccess: 'ENABLED' as const, apiAccessPrincipalArn: principal,
  });
  const bootstrap = BOOTSTRAP_GROUPS[key];
  return {
    environmentId: ENVIRONMENT_IDS[key],
    users: [
      apiUser(HANDLER_USER, handlerRoleArn, handlerPrivilege === 'superuser' ? 'SUPER_USER' : 'APP_USER'),
      apiUser(OPERATOR_USER, OPERATOR_ROLE_ARN, 'SUPER_USER'),
      ...[...DECLARED_USERS, ...OUTSIDE_USERS, DISABLED_USER].map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
    ],
    permissionGroups: [
      ...IMPORTED_GROUPS.filter(group => group.environment === key).map(group => ({
        permissionGroupId: group.permissionGroupId,
        name: group.name,
        applicationPermissions: ['AccessNotebooks'],
        members: [...IMPORTED_GROUP_MEMBERS[group.permissionGroupId]],
      })),
      { permissionGroupId: `chaosreserved${key}00000000001`, name: RESERVED_GROUP_NAMES[key], applicationPermissions: [] },
      ...handlerPrivilege === 'group'
        ? [{ ...bootstrap, applicationPermissions: [MANAGE_USERS_AND_GROUPS], members: [HANDLER_USER] }]
        : [],
    ],
  };
}
