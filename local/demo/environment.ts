/**
 * The FinSpace environment the demo starts from: the users the example app
 * declares (and one it adds later), and the automation superuser that the stack's
 * handler role is registered on, with the IAM keys the handler runs with. This is
 * the README's one-time setup, done by seeding the emulator.
 */
import type { EmulatorSeed } from '../emulator';

export const ENVIRONMENT_ID = 'exampleenvironment01';
export const AUTOMATION_USER = 'automation';
export const ROLE_KEYS = { accessKeyId: 'AKIADEMOHANDLERROLE1', secretAccessKey: 'demo-handler-role-secret' } as const;

const APP_USERS = ['analyst01', 'analyst02', 'analyst03', 'analyst04', 'analyst05', 'engineer01', 'engineer02', 'engineer03'];

export function demoSeed(handlerRoleArn: string): EmulatorSeed {
  return {
    iamPrincipals: [{ ...ROLE_KEYS, roleArn: handlerRoleArn }],
    environments: [{
      environmentId: ENVIRONMENT_ID,
      users: [
        {
          userId: AUTOMATION_USER,
          type: 'SUPER_USER',
          emailAddress: 'automation@example.com',
          apiAccess: 'ENABLED',
          apiAccessPrincipalArn: handlerRoleArn,
        },
        ...APP_USERS.map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
        // The example declares this one by e-mail address.
        { userId: 'research01', type: 'APP_USER', emailAddress: 'head.of.research@example.com', firstName: 'Head', lastName: 'Research' },
      ],
    }],
  };
}

export const APP_USER_COUNT = APP_USERS.length + 1;
