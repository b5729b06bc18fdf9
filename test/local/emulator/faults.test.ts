/**
 * Fault injection: each kind of fault, its effect or lack of one, the
 * operations filter, the rate limit, and determinism by seed.
 */
import { createGroup, errorOf } from './support/api';
import { ENV, IAM, World, startWorld } from './support/fixtures';
import { CallRecord, FaultOptions, FinSpaceEmulator } from '../../../local/emulator';
import { ApiRequest, SignedClient } from '../../../local/emulator/signed-client';

let world: World;
let admin: SignedClient;

beforeEach(async () => {
  world = await startWorld();
  admin = await world.session(IAM.admin);
  world.emulator.resetCalls();
});

afterEach(() => world.emulator.stop());

const LIST_USERS: ApiRequest = { method: 'GET', path: '/user', query: { maxResults: 1 } };
const groupCount = () => world.emulator.snapshot().environments[0].permissionGroups.length;
const lastCall = (): CallRecord => world.emulator.calls[world.emulator.calls.length - 1];

test('throttling answers 429 ThrottlingException and has no effect', async () => {
  world.emulator.setFaults({ throttleRate: 1 });
  const response = await createGroup(admin, 'traders');
  expect(errorOf(response)).toEqual({ status: 429, type: 'ThrottlingException', body: { message: 'Rate exceeded' } });
  expect(groupCount()).toBe(2);
  expect(lastCall()).toMatchObject({ operation: 'CreatePermissionGroup', statusCode: 429, errorType: 'ThrottlingException', fault: 'throttle' });
});

test('a server error answers 500 InternalServerException and has no effect', async () => {
  world.emulator.setFaults({ serverErrorRate: 1 });
  const response = await createGroup(admin, 'traders');
  expect(errorOf(response)).toEqual({
    status: 500,
    type: 'InternalServerException',
    body: { message: 'An internal error occurred (injected fault).' },
  });
  expect(groupCount()).toBe(2);
  expect(lastCall()).toMatchObject({ statusCode: 500, fault: 'server-error' });
});

test('a connection reset drops the connection before any effect', async () => {
  world.emulator.setFaults({ connectionResetRate: 1 });
  await expect(createGroup(admin, 'traders', { clientToken: 'create-1' })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
  expect(groupCount()).toBe(2);
  expect(lastCall()).toMatchObject({ operation: 'CreatePermissionGroup', statusCode: 0, fault: 'reset' });
});

test('a reset after write takes effect, drops the answer, and a retry with the same token is answered from the first', async () => {
  world.emulator.setFaults({ resetAfterWriteRate: 1 });
  await expect(createGroup(admin, 'traders', { clientToken: 'create-1' })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
  const created = world.emulator.snapshot().environments[0].permissionGroups.find((group) => group.name === 'traders');
  expect(created).toBeDefined();
  expect(lastCall()).toMatchObject({ statusCode: 200, fault: 'reset-after-write', clientToken: 'create-1' });

  world.emulator.setFaults(undefined);
  const retried = await createGroup(admin, 'traders', { clientToken: 'create-1' });
  expect(retried.status).toBe(200);
  expect(retried.body.permissionGroupId).toBe(created?.permissionGroupId);
  expect(groupCount()).toBe(3);
  expect(lastCall()).toMatchObject({ replayed: true });
});

test('a retry without a token after a reset after write meets the effect of the first attempt', async () => {
  world.emulator.setFaults({ resetAfterWriteRate: 1, operations: ['CreatePermissionGroup'] });
  await expect(createGroup(admin, 'traders')).rejects.toThrow();
  world.emulator.setFaults(undefined);
  expect((await createGroup(admin, 'traders')).status).toBe(409);
});

test('latency delays the answer', async () => {
  world.emulator.setFaults({ latencyMs: 60 });
  const started = process.hrtime.bigint();
  expect((await admin.send(LIST_USERS)).status).toBe(200);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  expect(elapsedMs).toBeGreaterThanOrEqual(55);
});

test('the operations filter limits faults to the operations named', async () => {
  world.emulator.setFaults({ throttleRate: 1, operations: ['CreatePermissionGroup'] });
  expect((await admin.send(LIST_USERS)).status).toBe(200);
  expect((await createGroup(admin, 'traders')).status).toBe(429);
});

test('GetProgrammaticAccessCredentials is subject to faults too', async () => {
  world.emulator.setFaults({ serverErrorRate: 1 });
  const response = await world.iam(IAM.admin).send({ method: 'GET', path: '/credentials/programmatic', query: { environmentId: ENV } });
  expect(response.status).toBe(500);
});

test('maxRequestsPerSecond: a token bucket of one second, refilled by the emulator clock', async () => {
  world.emulator.setFaults({ maxRequestsPerSecond: 3 });
  const statuses = async (count: number) => {
    const result: number[] = [];
    for (let index = 0; index < count; index++) result.push((await admin.send(LIST_USERS)).status);
    return result;
  };
  expect(await statuses(4)).toEqual([200, 200, 200, 429]);
  expect(lastCall()).toMatchObject({ fault: 'rate-limit', errorType: 'ThrottlingException' });
  world.clock.advance(334);
  expect(await statuses(2)).toEqual([200, 429]);
  world.clock.advance(1000);
  expect(await statuses(4)).toEqual([200, 200, 200, 429]);
});

test('faultCounts counts faults by kind since setFaults', async () => {
  world.emulator.setFaults({ seed: 7, throttleRate: 0.3, serverErrorRate: 0.3 });
  for (let index = 0; index < 40; index++) await admin.send(LIST_USERS);
  const counts = world.emulator.faultCounts();
  const fromCalls = (fault: string) => world.emulator.calls.filter((call) => call.fault === fault).length;
  expect(counts).toEqual({
    'throttle': fromCalls('throttle'),
    'server-error': fromCalls('server-error'),
    'reset': 0,
    'reset-after-write': 0,
    'rate-limit': 0,
  });
  expect(counts.throttle).toBeGreaterThan(0);
  expect(counts['server-error']).toBeGreaterThan(0);
  world.emulator.setFaults({ throttleRate: 0 });
  expect(world.emulator.faultCounts().throttle).toBe(0);
});

describe('determinism', () => {
  const options: FaultOptions = { seed: 42, throttleRate: 0.2, serverErrorRate: 0.2, latencyMs: { min: 0, max: 5 } };

  async function faultSequence(faults: FaultOptions): Promise<(string | undefined)[]> {
    const emulator = await FinSpaceEmulator.start({ seed: { iamPrincipals: [{ ...IAM.admin }] }, faults });
    try {
      const client = new SignedClient(emulator.endpoint, IAM.admin);
      for (let index = 0; index < 30; index++) await client.send({ method: 'GET', path: '/credentials/programmatic', query: { environmentId: ENV } });
      return emulator.calls.map((call) => call.fault);
    } finally {
      await emulator.stop();
    }
  }

  test('the same seed gives the same faults for the same requests', async () => {
    const first = await faultSequence(options);
    const second = await faultSequence(options);
    expect(second).toEqual(first);
    expect(first.filter((fault) => fault !== undefined).length).toBeGreaterThan(0);
  });

  test('another seed gives other faults', async () => {
    expect(await faultSequence({ ...options, seed: 43 })).not.toEqual(await faultSequence(options));
  });

  test('setFaults restarts the sequence from the seed', async () => {
    world.emulator.setFaults(options);
    for (let index = 0; index < 20; index++) await admin.send(LIST_USERS);
    const first = world.emulator.calls.map((call) => call.fault);
    world.emulator.resetCalls();
    world.emulator.setFaults(options);
    for (let index = 0; index < 20; index++) await admin.send(LIST_USERS);
    expect(world.emulator.calls.map((call) => call.fault)).toEqual(first);
  });
});

describe('fault options are checked', () => {
  test.each<[unknown, string]>([
    [{ throttleRate: 1.5 }, 'throttleRate must be a number from 0 to 1'],
    [{ throttleRate: 0.6, serverErrorRate: 0.6 }, 'the fault rates must add up to at most 1'],
    [{ latencyMs: { min: 10, max: 5 } }, 'latencyMs must be a number >= 0 or { min, max } with 0 <= min <= max'],
    [{ maxRequestsPerSecond: 0 }, 'maxRequestsPerSecond must be a number > 0'],
    [{ operations: ['CreateDataset'] }, "unknown operation 'CreateDataset'"],
    [{ throttle: 1 }, "unknown fault option 'throttle'"],
  ])('%j', (options, message) => {
    expect(() => world.emulator.setFaults(options as FaultOptions)).toThrow(message);
  });

  test('a refused change keeps the previous options', async () => {
    world.emulator.setFaults({ throttleRate: 1 });
    expect(() => world.emulator.setFaults({ throttleRate: 2 })).toThrow();
    expect(world.emulator.faults).toEqual({ throttleRate: 1 });
    expect((await admin.send(LIST_USERS)).status).toBe(429);
  });

  test('faults can be given at start', async () => {
    const emulator = await FinSpaceEmulator.start({ seed: { iamPrincipals: [{ ...IAM.admin }] }, faults: { throttleRate: 1 } });
    try {
      const response = await new SignedClient(emulator.endpoint, IAM.admin).send({ method: 'GET', path: '/credentials/programmatic', query: { environmentId: ENV } });
      expect(response.status).toBe(429);
    } finally {
      await emulator.stop();
    }
  });
});

test('stop() drops requests waiting out injected latency', async () => {
  world.emulator.setFaults({ latencyMs: 5000 });
  const outcome = createGroup(admin, 'traders').then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  await world.emulator.stop();
  expect(await outcome).toBe('ECONNRESET');
  expect(groupCount()).toBe(2);
});
