/**
 * The FinSpace environment a benchmark starts from: the handler's registered
 * FinSpace user, the users to declare, and the permission group they join.
 */
import type { EmulatorSeed } from '../../local/emulator';

/** The role the handler runs as, registered in FinSpace (README, "Letting the handler in"). */
export const HANDLER_ROLE_ARN = 'arn:aws:iam::111122223333:role/finspace-bench-handler';
/** What Lambda hands the handler for that role in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
export const HANDLER_ROLE_KEYS = { accessKeyId: 'AKIABENCHHANDLER0001', secretAccessKey: 'bench-handler-role-secret' } as const;
export const ENVIRONMENT_ID = 'benchenvironment01';
export const GROUP_ID = 'benchgroup0000000000001';

/** `count` user ids shaped like real ones: member00001, member00002, ... */
export function userIds(count: number, from = 1): string[] {
  return Array.from({ length: count }, (_, i) => `member${String(from + i).padStart(5, '0')}`);
}

export interface EnvironmentSeedOptions {
  /** Users that exist in the environment. */
  readonly users: readonly string[];
  /** Members the group already has (ADDITION_SUCCESS). */
  readonly members?: readonly string[];
  /** More empty groups, by id. */
  readonly extraGroups?: readonly string[];
}

export function environmentSeed(options: EnvironmentSeedOptions): EmulatorSeed {
  return {
    iamPrincipals: [{ ...HANDLER_ROLE_KEYS, roleArn: HANDLER_ROLE_ARN }],
    environments: [{
      environmentId: ENVIRONMENT_ID,
      users: [
        {
          userId: 'automation',
          type: 'SUPER_USER',
          emailAddress: 'automation@example.com',
          apiAccess: 'ENABLED',
          apiAccessPrincipalArn: HANDLER_ROLE_ARN,
        },
        ...options.users.map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
      ],
      permissionGroups: [
        { permissionGroupId: GROUP_ID, name: 'bench-analysts', applicationPermissions: ['AccessNotebooks'], members: [...(options.members ?? [])] },
        ...(options.extraGroups ?? []).map(permissionGroupId => ({ permissionGroupId, name: permissionGroupId, applicationPermissions: [] })),
      ],
    }],
  };
}
