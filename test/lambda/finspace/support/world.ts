/**
 * The emulated FinSpace the client tests run against: one environment whose
 * API user (a superuser) is registered for the test role, and a client wired to
 * it over real HTTP through the default keep-alive handler.
 */
import { retryWithoutBackoff } from './retry';
import { FinSpaceDataClient, VendedCredentialCache, type FinSpaceDataClientConfig } from '../../../../lambda/finspace';
import { FinSpaceEmulator, type EmulatorOptions, type EmulatorSeed } from '../../../../local/emulator';

export const ENVIRONMENT_ID = 'env-client-tests';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/finspace-custom-resource';
export const API_USER_ID = 'apiUser';

export const ROLE_KEYS = {
  accessKeyId: 'AKIACLIENTTEST000001',
  secretAccessKey: 'role-secret-access-key-for-tests',
  sessionToken: 'role-session-token-for-tests',
} as const;

export function baseSeed(): EmulatorSeed {
  return {
    iamPrincipals: [{ ...ROLE_KEYS, roleArn: ROLE_ARN, allowGetProgrammaticAccessCredentials: true }],
    environments: [
      {
        environmentId: ENVIRONMENT_ID,
        users: [
          {
            userId: API_USER_ID,
            type: 'SUPER_USER',
            emailAddress: 'api-user@example.com',
            apiAccess: 'ENABLED',
            apiAccessPrincipalArn: ROLE_ARN,
          },
        ],
      },
    ],
  };
}

/** Memberships settle at once unless a test wants to watch them in progress. */
export function startEmulator(options: EmulatorOptions = {}): Promise<FinSpaceEmulator> {
  return FinSpaceEmulator.start({
    seed: baseSeed(),
    behaviour: { additionDelayMs: 0, removalDelayMs: 0 },
    ...options,
  });
}

/**
 * A client of `emulator` with its own credential cache (tests stay independent)
 * and, unless overridden, retries without backoff delays.
 */
export function clientOf(emulator: FinSpaceEmulator, config: Partial<FinSpaceDataClientConfig> = {}): FinSpaceDataClient {
  return new FinSpaceDataClient({
    environmentId: ENVIRONMENT_ID,
    region: emulator.region,
    endpoint: emulator.endpoint,
    credentials: async () => ROLE_KEYS,
    retryStrategy: retryWithoutBackoff(8),
    backoff: () => 0,
    credentialCache: new VendedCredentialCache(),
    ...config,
  });
}

/**
 * A call that needs nothing but the seed, for tests of how calls are made
 * rather than of what they do: the API user's permission groups (none).
 */
export const PLAIN_READ = 'ListPermissionGroupsByUser';
export function plainRead(client: FinSpaceDataClient) {
  return client.listPermissionGroupsByUser({ userId: API_USER_ID, maxResults: 1 });
}

/** Operation names of the calls the emulator answered, in order. */
export function callNames(emulator: FinSpaceEmulator): string[] {
  return emulator.calls.map((call) => call.operation);
}
