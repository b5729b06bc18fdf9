/**
 * The FinSpace environments every chaos sequence starts from: who exists, which
 * groups exist before the stack, and who besides the stack may add members.
 *
 * Users come in disjoint pools. The stack declares only DECLARED_USERS; members that
 * someone else added (OUTSIDE_USERS, and the handler's own user) are never declared,
 * so additive memberships must leave them alone and exclusive ones must remove them
 * (but the handler's own user).
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

export function chaosSeed(handlerRoleArn: string): EmulatorSeed {
  return {
    iamPrincipals: [
      { ...HANDLER_ROLE_KEYS, roleArn: handlerRoleArn },
      { ...OPERATOR_KEYS, roleArn: OPERATOR_ROLE_ARN },
    ],
    environments: (Object.keys(ENVIRONMENT_IDS) as EnvironmentKey[]).map(key => environmentSeed(key, handlerRoleArn)),
  };
}

function environmentSeed(key: EnvironmentKey, handlerRoleArn: string): SeedEnvironment {
  const superuser = (userId: string, principal: string) => ({
    userId, type: 'SUPER_USER' as const, emailAddress: `${userId}@example.com`, apiAccess: 'ENABLED' as const, apiAccessPrincipalArn: principal,
  });
  return {
    environmentId: ENVIRONMENT_IDS[key],
    users: [
      superuser(HANDLER_USER, handlerRoleArn),
      superuser(OPERATOR_USER, OPERATOR_ROLE_ARN),
      ...[...DECLARED_USERS, ...OUTSIDE_USERS].map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
    ],
    permissionGroups: [
      ...IMPORTED_GROUPS.filter(group => group.environment === key).map(group => ({
        permissionGroupId: group.permissionGroupId,
        name: group.name,
        applicationPermissions: ['AccessNotebooks'],
        members: [...IMPORTED_GROUP_MEMBERS[group.permissionGroupId]],
      })),
      { permissionGroupId: `chaosreserved${key}00000000001`, name: RESERVED_GROUP_NAMES[key], applicationPermissions: [] },
    ],
  };
}
