/**
 * The two-step authorization over real HTTP: vended credentials are fetched
 * once and shared, renewed before they expire, and renewed transparently when
 * the service rejects them.
 */
import { RequestMetrics } from './support/request-metrics';
import { callNames, clientOf, PLAIN_READ, plainRead, startEmulator } from './support/world';
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
  await Promise.all(Array.from({ length: 10 }, () => plainRead(client)));
  for (let i = 0; i < 10; i++) await plainRead(client);
  expect(exchanges()).toHaveLength(1);
  expect(emulator.calls).toHaveLength(21);
  expect(metrics.snapshot()).toEqual({ GetProgrammaticAccessCredentials: 1, [PLAIN_READ]: 20 });
});

test('clients sharing a cache, as in a warm Lambda, share the credentials', async () => {
  const cache = new VendedCredentialCache();
  await plainRead(clientOf(emulator, { credentialCache: cache }));
  await plainRead(clientOf(emulator, { credentialCache: cache }));
  expect(exchanges()).toHaveLength(1);
});

test('by default clients share the module-wide cache', async () => {
  await plainRead(clientOf(emulator, { credentialCache: undefined }));
  await plainRead(clientOf(emulator, { credentialCache: undefined }));
  expect(exchanges()).toHaveLength(1);
});

test('credentials the service expired are renewed and the call repeated, once', async () => {
  const client = clientOf(emulator);
  await plainRead(client);
  emulator.expireCredentials();
  await expect(plainRead(client)).resolves.toEqual({ permissionGroups: [] });
  expect(emulator.calls.map((call) => [call.operation, call.statusCode, call.errorType])).toEqual([
    ['GetProgrammaticAccessCredentials', 200, undefined],
    [PLAIN_READ, 200, undefined],
    [PLAIN_READ, 403, 'ExpiredTokenException'],
    ['GetProgrammaticAccessCredentials', 200, undefined],
    [PLAIN_READ, 200, undefined],
  ]);
});

test('concurrent callers hit by an expiry renew only once', async () => {
  const client = clientOf(emulator);
  await plainRead(client);
  emulator.expireCredentials();
  await Promise.all(Array.from({ length: 5 }, () => plainRead(client)));
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
  await plainRead(client);

  moveTo(60 * MINUTE - RENEWAL_MARGIN_MS - MINUTE);
  await plainRead(client);
  expect(exchanges()).toHaveLength(1);

  moveTo(60 * MINUTE - RENEWAL_MARGIN_MS + MINUTE);
  await plainRead(client);
  expect(callNames(emulator)).toEqual([
    'GetProgrammaticAccessCredentials',
    PLAIN_READ,
    PLAIN_READ,
    'GetProgrammaticAccessCredentials',
    PLAIN_READ,
  ]);
  expect(emulator.calls.every((call) => call.statusCode === 200)).toBe(true);
});
