/**
 * The emulator the drift-audit runner tests deploy against: one environment whose
 * superuser is the handler's role, four app users, memberships that settle only when
 * a test moves the emulator's clock, and a client acting as an administrator outside
 * CloudFormation.
 */
import { FinSpaceDataClient } from '../../../../lambda/finspace';
import { FinSpaceEmulator } from '../../../../local/emulator';

export const AUDITED_USERS = ['trader01', 'trader02', 'admin01', 'intruder'];

export interface AuditedEnvironment {
  readonly emulator: FinSpaceEmulator;
  readonly administrator: FinSpaceDataClient;
}

export async function startAuditedEnvironment(options: {
  readonly environmentId: string;
  readonly keys: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly roleArn: string;
  readonly settleMs: number;
}): Promise<AuditedEnvironment> {
  const { environmentId, keys, roleArn, settleMs } = options;
  const emulator = await FinSpaceEmulator.start({
    behaviour: { additionDelayMs: settleMs, removalDelayMs: settleMs },
    seed: {
      iamPrincipals: [{ ...keys, roleArn }],
      environments: [{
        environmentId,
        users: [
          { userId: 'automation', type: 'SUPER_USER', emailAddress: 'automation@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: roleArn },
          ...AUDITED_USERS.map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
        ],
      }],
    },
  });
  const administrator = new FinSpaceDataClient({
    environmentId, region: emulator.region, endpoint: emulator.endpoint, credentials: async () => keys,
  });
  return { emulator, administrator };
}
