/**
 * The debug hook: one event per HTTP attempt that agrees with what the server
 * saw, and never a sensitive value.
 */
import { clientOf, ENVIRONMENT_ID, PLAIN_READ, plainRead, ROLE_KEYS, startEmulator } from './support/world';
import type { FinSpaceDebugEvent } from '../../../lambda/finspace';
import type { FinSpaceEmulator } from '../../../local/emulator';

const ALLOWED_FIELDS = ['operation', 'attempt', 'statusCode', 'requestId', 'errorType', 'elapsedMs'];

let emulator: FinSpaceEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.stop());

test('events mirror the attempts the server answered', async () => {
  emulator.setFaults({ seed: 2, throttleRate: 0.5, operations: [PLAIN_READ] }); // seed 2: throttle, then success
  const events: FinSpaceDebugEvent[] = [];
  try {
    await plainRead(clientOf(emulator, { logger: (event) => events.push(event) }));
  } finally {
    emulator.setFaults(undefined);
  }
  expect(events.map(({ operation, statusCode, requestId, errorType }) => ({ operation, statusCode, requestId, errorType }))).toEqual(
    emulator.calls.map(({ operation, statusCode, requestId, errorType }) => ({ operation, statusCode, requestId, errorType })),
  );
  expect(events.map((event) => [event.operation, event.attempt, event.errorType])).toEqual([
    ['GetProgrammaticAccessCredentials', 1, undefined],
    [PLAIN_READ, 1, 'ThrottlingException'],
    [PLAIN_READ, 2, undefined],
  ]);
  expect(events.every((event) => event.elapsedMs >= 0)).toBe(true);
});

test('no name, description, e-mail address or credential reaches the log', async () => {
  const lines: string[] = [];
  const client = clientOf(emulator, { logger: (event) => lines.push(JSON.stringify(event)) });
  const secrets = ['Confidential Desk', 'Reorg plans', 'Grace', 'Hopper', 'grace.hopper@example.com'];

  const vended = await client.getProgrammaticAccessCredentials({ environmentId: 'env-client-tests' });
  const { permissionGroupId } = await client.createPermissionGroup({
    name: 'Confidential Desk',
    description: 'Reorg plans',
    applicationPermissions: ['ViewAuditData'],
  });
  // Names and e-mail addresses of users reach the client in listings of members.
  emulator.seed({
    environments: [
      {
        environmentId: ENVIRONMENT_ID,
        users: [{ userId: 'grace', emailAddress: 'grace.hopper@example.com', firstName: 'Grace', lastName: 'Hopper', type: 'APP_USER' }],
      },
    ],
  });
  await client.associateUserToPermissionGroup({ permissionGroupId: permissionGroupId as string, userId: 'grace' });
  await client.listUsersByPermissionGroup({ permissionGroupId: permissionGroupId as string, maxResults: 10 });
  await client.listPermissionGroupsByUser({ userId: 'grace', maxResults: 10 });
  await client.createPermissionGroup({ name: 'Confidential Desk', description: 'Reorg plans', applicationPermissions: [] }).catch(() => undefined);

  expect(lines).toHaveLength(7);
  for (const line of lines) expect(Object.keys(JSON.parse(line)).every((key) => ALLOWED_FIELDS.includes(key))).toBe(true);
  const log = lines.join('\n');
  const credentials = [ROLE_KEYS.secretAccessKey, ROLE_KEYS.sessionToken, ROLE_KEYS.accessKeyId];
  const vendedValues = Object.values(vended.credentials ?? {});
  expect(vendedValues).toHaveLength(3);
  for (const value of [...secrets, ...credentials, ...vendedValues]) expect(log).not.toContain(value);
});
