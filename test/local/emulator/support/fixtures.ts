/**
 * A standard world for the emulator tests: two environments, users of every
 * kind the authorization rules distinguish, IAM keys for their roles, and a
 * clock the tests move by hand.
 */
import { EmulatorOptions, EmulatorSeed, FinSpaceEmulator } from '../../../../local/emulator';
import { Keys, SignedClient } from '../../../../local/emulator/signed-client';

export const ENV = 'env-primary';
export const OTHER_ENV = 'env-secondary';
export const ACCOUNT = '123456789012';

export const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;

/** IAM keys, one per role; the roles are registered on the users below. */
export const IAM = {
  admin: { accessKeyId: 'AKIAADMIN00000000001', secretAccessKey: 'admin-secret-key', roleArn: role('finspace-admin') },
  manager: { accessKeyId: 'AKIAMANAGER000000001', secretAccessKey: 'manager-secret-key', roleArn: role('finspace-manager') },
  analyst: { accessKeyId: 'AKIAANALYST000000001', secretAccessKey: 'analyst-secret-key', roleArn: role('finspace-analyst') },
  disabled: { accessKeyId: 'AKIADISABLED00000001', secretAccessKey: 'disabled-secret-key', roleArn: role('finspace-disabled') },
  noApi: { accessKeyId: 'AKIANOAPI00000000001', secretAccessKey: 'noapi-secret-key', roleArn: role('finspace-noapi') },
  unregistered: { accessKeyId: 'AKIAUNREGISTERED0001', secretAccessKey: 'unregistered-secret', roleArn: role('nobody') },
  denied: {
    accessKeyId: 'AKIADENIED0000000001',
    secretAccessKey: 'denied-secret-key',
    roleArn: role('finspace-admin'),
    allowGetProgrammaticAccessCredentials: false,
  },
  withSession: {
    accessKeyId: 'ASIASESSION000000001',
    secretAccessKey: 'session-secret-key',
    sessionToken: 'session-token-of-the-role',
    roleArn: role('finspace-admin'),
  },
} as const;

/** Group whose members may manage users and groups. */
export const MANAGERS_GROUP = 'grpManagers';
/** Group without ManageUsersAndGroups. */
export const READERS_GROUP = 'grpReaders';

export function standardSeed(): EmulatorSeed {
  return {
    iamPrincipals: Object.values(IAM).map((keys) => ({ ...keys })),
    environments: [
      {
        environmentId: ENV,
        users: [
          { userId: 'admin', type: 'SUPER_USER', emailAddress: 'admin@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: IAM.admin.roleArn },
          { userId: 'manager', type: 'APP_USER', emailAddress: 'manager@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: IAM.manager.roleArn },
          { userId: 'analyst', type: 'APP_USER', emailAddress: 'analyst@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: IAM.analyst.roleArn },
          {
            userId: 'retired',
            type: 'SUPER_USER',
            status: 'DISABLED',
            emailAddress: 'retired@example.com',
            apiAccess: 'ENABLED',
            apiAccessPrincipalArn: IAM.disabled.roleArn,
          },
          { userId: 'noapi', type: 'SUPER_USER', emailAddress: 'noapi@example.com', apiAccess: 'DISABLED', apiAccessPrincipalArn: IAM.noApi.roleArn },
          { userId: 'alice', type: 'APP_USER', firstName: 'Alice', lastName: 'Doe', emailAddress: 'alice@example.com' },
          { userId: 'bob', type: 'APP_USER', emailAddress: 'bob@example.com' },
          { userId: 'carol', type: 'APP_USER', status: 'DISABLED', emailAddress: 'carol@example.com' },
          { userId: 'dave', type: 'APP_USER', status: 'CREATING', emailAddress: 'dave@example.com' },
          { userId: 'root', type: 'SUPER_USER', emailAddress: 'root@example.com' },
        ],
        permissionGroups: [
          { permissionGroupId: MANAGERS_GROUP, name: 'managers', applicationPermissions: ['ManageUsersAndGroups'], members: ['manager'] },
          { permissionGroupId: READERS_GROUP, name: 'readers', applicationPermissions: ['ViewAuditData'], members: ['analyst'] },
        ],
      },
      {
        environmentId: OTHER_ENV,
        users: [
          { userId: 'admin2', type: 'SUPER_USER', emailAddress: 'admin@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: IAM.admin.roleArn },
        ],
      },
    ],
  };
}

/** A clock that only moves when told to. Starts at 2024-01-15T12:00:00Z. */
export class ManualClock {
  private time = Date.UTC(2024, 0, 15, 12, 0, 0);

  readonly now = (): number => this.time;

  advance(ms: number): void {
    this.time += ms;
  }
}

export interface World {
  readonly emulator: FinSpaceEmulator;
  readonly clock: ManualClock;
  /** A client signed with one of the IAM keys above. */
  iam(keys: Keys): SignedClient;
  /** Vends credentials with the IAM key and returns a client signed with them. */
  session(keys: Keys, environmentId?: string): Promise<SignedClient>;
}

/**
 * Starts an emulator on the standard seed with the manual clock. Clients sign
 * with the same clock, as a real client's clock agrees with AWS's.
 */
export async function startWorld(options: Omit<EmulatorOptions, 'now' | 'seed'> = {}): Promise<World> {
  const clock = new ManualClock();
  const emulator = await FinSpaceEmulator.start({ ...options, now: clock.now, seed: standardSeed() });
  const iam = (keys: Keys) => new SignedClient(emulator.endpoint, keys, { now: clock.now });
  return {
    emulator,
    clock,
    iam,
    session: async (keys, environmentId = ENV) => {
      const vended = await iam(keys).vendCredentials(environmentId);
      return new SignedClient(emulator.endpoint, vended, { now: clock.now });
    },
  };
}
