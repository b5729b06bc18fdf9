/**
 * The unsigned admin routes under /_emulator/, as an out-of-process tool
 * would use them.
 */
import { createGroup } from './support/api';
import { ENV, IAM, World, startWorld } from './support/fixtures';
import { DEFAULT_BEHAVIOUR } from '../../../local/emulator';
import { ApiResponse, sendRaw } from '../../../local/emulator/signed-client';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(() => world.emulator.stop());

function admin(method: string, route: string, body?: unknown): Promise<ApiResponse> {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return sendRaw(world.emulator.endpoint, method, `/_emulator/${route}`, { 'content-type': 'application/json' }, text);
}

test('GET state returns the snapshot', async () => {
  const response = await admin('GET', 'state');
  expect(response.status).toBe(200);
  expect(response.body).toEqual(world.emulator.snapshot());
  expect(response.body.environments.map((environment: { environmentId: string }) => environment.environmentId)).toEqual([ENV, 'env-secondary']);
});

test('POST seed adds to the state and answers the new snapshot', async () => {
  const response = await admin('POST', 'seed', {
    environments: [{ environmentId: 'env-third', users: [{ userId: 'zed', type: 'APP_USER', emailAddress: 'zed@example.com' }] }],
  });
  expect(response.status).toBe(200);
  expect(response.body.environments).toHaveLength(3);
  expect(world.emulator.snapshot().environments[2]).toMatchObject({ environmentId: 'env-third', users: [{ userId: 'zed', status: 'ENABLED' }] });
});

test('POST seed with an invalid seed answers 400 with every problem and changes nothing', async () => {
  const before = world.emulator.snapshot();
  const response = await admin('POST', 'seed', { environments: [{ environmentId: ENV, users: [{ userId: 'admin', type: 'BOSS', emailAddress: 'x@example.com' }] }] });
  expect(response.status).toBe(400);
  expect(response.body.message).toBe(
    'Invalid seed (seed):\n' +
      '  - $.environments[0].users[0].type: Member must satisfy enum value set: [SUPER_USER, APP_USER]\n' +
      "  - $.environments[0].users[0].userId: user 'admin' appears more than once",
  );
  expect(world.emulator.snapshot()).toEqual(before);
});

test('GET and POST behaviour', async () => {
  expect((await admin('GET', 'behaviour')).body).toEqual(DEFAULT_BEHAVIOUR);
  const changed = await admin('POST', 'behaviour', { associateExistingMember: 'success', maxPermissionGroups: 5 });
  expect(changed.status).toBe(200);
  expect(changed.body).toEqual({ ...DEFAULT_BEHAVIOUR, associateExistingMember: 'success', maxPermissionGroups: 5 });
  expect(world.emulator.behaviour.associateExistingMember).toBe('success');
  const refused = await admin('POST', 'behaviour', { associateExistingMember: 'ignore' });
  expect(refused.status).toBe(400);
  expect(refused.body.message).toBe("Invalid behaviour: associateExistingMember must be one of 'conflict', 'success'");
});

test('POST faults sets them, GET faults shows them with their counts, null clears them', async () => {
  const set = await admin('POST', 'faults', { throttleRate: 1, operations: ['ListUsers'] });
  expect(set.body).toEqual({
    options: { throttleRate: 1, operations: ['ListUsers'] },
    counts: { 'throttle': 0, 'server-error': 0, 'reset': 0, 'reset-after-write': 0, 'rate-limit': 0 },
  });
  const session = await world.session(IAM.admin);
  expect((await session.send({ method: 'GET', path: '/user', query: { maxResults: 1 } })).status).toBe(429);
  expect((await admin('GET', 'faults')).body.counts.throttle).toBe(1);
  expect((await admin('POST', 'faults', 'null')).body).toEqual({ options: null, counts: expect.objectContaining({ throttle: 0 }) });
  expect((await session.send({ method: 'GET', path: '/user', query: { maxResults: 1 } })).status).toBe(200);
  expect((await admin('POST', 'faults', { throttleRate: 3 })).status).toBe(400);
});

test('GET calls lists API calls only; DELETE calls clears them', async () => {
  const session = await world.session(IAM.admin);
  await createGroup(session, 'traders', { clientToken: 'create-1' });
  await admin('GET', 'state');
  const calls = await admin('GET', 'calls');
  expect(calls.body.map((call: { operation: string }) => call.operation)).toEqual(['GetProgrammaticAccessCredentials', 'CreatePermissionGroup']);
  expect(calls.body[1]).toMatchObject({ environmentId: ENV, statusCode: 200, clientToken: 'create-1', time: world.clock.now() });
  expect((await admin('DELETE', 'calls')).body).toEqual([]);
  expect(world.emulator.calls).toEqual([]);
});

test('POST expire-credentials expires vended credentials', async () => {
  const session = await world.session(IAM.admin);
  expect((await admin('POST', 'expire-credentials', { environmentId: ENV })).status).toBe(200);
  const response = await session.send({ method: 'GET', path: '/user', query: { maxResults: 1 } });
  expect(response.headers['x-amzn-errortype']).toBe('ExpiredTokenException');
});

test('POST clock moves the emulator clock forward', async () => {
  const start = world.clock.now();
  expect((await admin('GET', 'clock')).body).toEqual({ now: start });
  expect((await admin('POST', 'clock', { advanceMs: 1500 })).body).toEqual({ now: start + 1500 });
  expect(world.emulator.now()).toBe(start + 1500);
  expect((await admin('POST', 'clock', { advanceMs: -1 })).status).toBe(400);
});

test('unknown routes, methods and bodies', async () => {
  const unknown = await admin('GET', 'reset');
  expect(unknown.status).toBe(404);
  expect(unknown.body.message).toContain('/_emulator/state');
  const wrongMethod = await admin('PUT', 'state');
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.body.message).toBe('/_emulator/state accepts GET');
  expect((await admin('POST', 'behaviour', '{oops')).status).toBe(400);
});
