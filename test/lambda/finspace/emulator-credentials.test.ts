/**
 * The two-step authorization over real HTTP: vended credentials are fetched
 * once and shared, renewed before they expire, and renewed transparently when
 * the service rejects them.
 */
import { RequestMetrics } from './support/request-metrics';
import { API_USER_ID, callNames, clientOf, startEmulator } from './support/world';
import { RENEWAL_MARGIN_MS, VendedCredentialCache } from '../../../lambda/finspace';
import type { FinSpaceEmulator } from '../../../local/emulator';

const MINUTE = 60_000;

let emulator: FinSpaceEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
beforeEach(() => emulator.resetCalls());
afterAll(() => emulator.stop());

const exchanges = () => emulator.calls.filter((call) => call.operation === 'GetProgrammaticAccessCredentials');

test('many calls, sequential and concurrent, cost one credential exchange', async () => {
  const metrics = new RequestMetrics();
  const client = clientOf(emulator, { logger: metrics.logger });
  await Promise.all(Array.from({ length: 10 }, () => client.getUser({ userId: API_USER_ID })));
  for (let i = 0; i < 10; i++) await client.listUsers({ maxResults: 1 });
  expect(exchanges()).toHaveLength(1);
  expect(emulator.calls).toHaveLength(21);
  expect(metrics.snapshot()).toEqual({ GetProgrammaticAccessCredentials: 1, GetUser: 10, ListUsers: 10 });
});

test('clients sharing a cache, as in a warm Lambda, share the credentials', async () => {
  const cache = new VendedCredentialCache();
  await clientOf(emulator, { credentialCache: cache }).getUser({ userId: API_USER_ID });
  await clientOf(emulator, { credentialCache: cache }).getUser({ userId: API_USER_ID });
  expect(exchanges()).toHaveLength(1);
});

test('by default clients share the module-wide cache', async () => {
  await clientOf(emulator, { credentialCache: undefined }).getUser({ userId: API_USER_ID });
  await clientOf(emulator, { credentialCache: undefined }).getUser({ userId: API_USER_ID });
  expect(exchanges()).toHaveLength(1);
});

test('credentials the service expired are renewed and the call repeated, once', async () => {
  const client = clientOf(emulator);
  await client.getUser({ userId: API_USER_ID });
  emulator.expireCredentials();
  await expect(client.getUser({ userId: API_USER_ID })).resolves.toMatchObject({ userId: API_USER_ID });
  expect(emulator.calls.map((call) => [call.operation, call.statusCode, call.errorType])).toEqual([
    ['GetProgrammaticAccessCredentials', 200, undefined],
    ['GetUser', 200, undefined],
    ['GetUser', 403, 'ExpiredTokenException'],
    ['GetProgrammaticAccessCredentials', 200, undefined],
    ['GetUser', 200, undefined],
  ]);
});

test('concurrent callers hit by an expiry renew only once', async () => {
  const client = clientOf(emulator);
  await client.getUser({ userId: API_USER_ID });
  emulator.expireCredentials();
  await Promise.all(Array.from({ length: 5 }, () => client.getUser({ userId: API_USER_ID })));
  expect(exchanges()).toHaveLength(2);
});

test('credentials are renewed ahead of their expiry, judged by the injected clock', async () => {
  let offset = 0;
  // The client signs with its clock too, so the emulator's moves with it, as AWS's agrees with a real client's.
  const moveTo = (to: number) => {
    emulator.advanceClock(to - offset);
    offset = to;
  };
  const client = clientOf(emulator, { now: () => Date.now() + offset, credentialDurationMinutes: 60 });
  await client.getUser({ userId: API_USER_ID });

  moveTo(60 * MINUTE - RENEWAL_MARGIN_MS - MINUTE);
  await client.getUser({ userId: API_USER_ID });
  expect(exchanges()).toHaveLength(1);

  moveTo(60 * MINUTE - RENEWAL_MARGIN_MS + MINUTE);
  await client.getUser({ userId: API_USER_ID });
  expect(callNames(emulator)).toEqual([
    'GetProgrammaticAccessCredentials',
    'GetUser',
    'GetUser',
    'GetProgrammaticAccessCredentials',
    'GetUser',
  ]);
  expect(emulator.calls.every((call) => call.statusCode === 200)).toBe(true);
});
