/**
 * Retries under injected faults, counted on the server side (emulator.calls):
 * transient failures end in success, permanent ones are sent exactly once.
 */
import { RequestMetrics } from './support/request-metrics';
import { clientOf, PLAIN_READ, plainRead, startEmulator } from './support/world';
import { isFinSpaceError, type OperationName } from '../../../lambda/finspace';
import type { FinSpaceEmulator } from '../../../local/emulator';

let emulator: FinSpaceEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
beforeEach(() => {
  emulator.setFaults(undefined);
  emulator.resetCalls();
});
afterAll(() => emulator.stop());

const callsOf = (operation: OperationName) => emulator.calls.filter((call) => call.operation === operation);

test.each([
  ['throttleRate', 'throttle'],
  ['serverErrorRate', 'server-error'],
  ['connectionResetRate', 'reset'],
] as const)('%s: every call succeeds after retries', async (rate, kind) => {
  emulator.setFaults({ seed: 7, [rate]: 0.5, operations: [PLAIN_READ] });
  const metrics = new RequestMetrics();
  const client = clientOf(emulator, { logger: metrics.logger });
  for (let i = 0; i < 12; i++) {
    await expect(plainRead(client)).resolves.toEqual({ permissionGroups: [] });
  }
  const calls = callsOf(PLAIN_READ);
  expect(emulator.faultCounts()[kind]).toBeGreaterThan(0);
  expect(calls.filter((call) => call.statusCode === 200)).toHaveLength(12);
  expect(calls).toHaveLength(12 + emulator.faultCounts()[kind]);
  expect(metrics.count(PLAIN_READ)).toBe(calls.length);
});

test('a write whose answer is lost is retried with the same clientToken and happens once', async () => {
  emulator.setFaults({ seed: 3, resetAfterWriteRate: 0.5, operations: ['CreatePermissionGroup'] });
  const client = clientOf(emulator);
  const ids = [];
  for (let i = 0; i < 6; i++) {
    ids.push((await client.createPermissionGroup({ name: `retried group ${i}`, applicationPermissions: [] })).permissionGroupId);
  }
  expect(emulator.faultCounts()['reset-after-write']).toBeGreaterThan(0);
  const calls = callsOf('CreatePermissionGroup');
  expect(new Set(calls.map((call) => call.clientToken)).size).toBe(6);
  expect(calls.filter((call) => call.replayed)).toHaveLength(emulator.faultCounts()['reset-after-write']);
  const created = emulator.snapshot().environments.flatMap((environment) => environment.permissionGroups);
  expect(created.filter((group) => group.name.startsWith('retried group')).map((group) => group.permissionGroupId).sort()).toEqual(
    [...ids].sort(),
  );
});

test.each([
  ['LimitExceededException', () => emulator.setBehaviour({ maxPermissionGroups: 0 })],
  ['ValidationException', () => undefined],
])('%s is sent exactly once', async (name, prepare) => {
  prepare();
  try {
    const client = clientOf(emulator);
    const applicationPermissions = name === 'ValidationException' ? (['NotAPermission'] as never) : [];
    const error = await client.createPermissionGroup({ name: `refused ${name}`, applicationPermissions }).catch((e: unknown) => e);
    expect(isFinSpaceError(error, name)).toBe(true);
    expect(callsOf('CreatePermissionGroup')).toHaveLength(1);
  } finally {
    emulator.setBehaviour({ maxPermissionGroups: null });
  }
});

test('attempts stop at the configured maxAttempts', async () => {
  emulator.setFaults({ serverErrorRate: 1, operations: [PLAIN_READ] });
  const error = await plainRead(clientOf(emulator, { retryStrategy: undefined, maxAttempts: 3, retryMode: 'standard' })).catch((e: unknown) => e);
  expect(isFinSpaceError(error, 'InternalServerException')).toBe(true);
  expect(callsOf(PLAIN_READ)).toHaveLength(3);
});

test('the default adaptive strategy, real backoff included, rides out a throttle', async () => {
  emulator.setFaults({ seed: 2, throttleRate: 0.5, operations: [PLAIN_READ] }); // seed 2: throttle, then success
  await plainRead(clientOf(emulator, { retryStrategy: undefined }));
  expect(callsOf(PLAIN_READ).map((call) => call.statusCode)).toEqual([429, 200]);
});

test('concurrent callers over a server rate limit all succeed with the default strategy and backoff', async () => {
  emulator.setFaults({ maxRequestsPerSecond: 10, operations: [PLAIN_READ] });
  // The send window limits calls in flight, not their rate: the backoff spreads the retries over time.
  const client = clientOf(emulator, { retryStrategy: undefined, backoff: undefined });
  await Promise.all(Array.from({ length: 15 }, () => plainRead(client)));
  expect(emulator.faultCounts()['rate-limit']).toBeGreaterThan(0);
  expect(callsOf(PLAIN_READ).filter((call) => call.statusCode === 200)).toHaveLength(15);
}, 30_000);
