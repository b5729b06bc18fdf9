/**
 * clientToken idempotency per (environment, operation, token), for tokens in
 * the body and in the query string.
 */
import { associate, createGroup, deleteGroup, disassociate, errorOf, memberStatuses, newGroupId } from './support/api';
import { IAM, OTHER_ENV, World, startWorld } from './support/fixtures';
import { IdempotencyCache } from '../../../local/emulator/idempotency';
import { SignedClient } from '../../../local/emulator/signed-client';

let world: World;
let admin: SignedClient;

beforeEach(async () => {
  world = await startWorld({ behaviour: { additionDelayMs: 0, removalDelayMs: 0 } });
  admin = await world.session(IAM.admin);
});

afterEach(() => world.emulator.stop());

const groupCount = () => world.emulator.snapshot().environments[0].permissionGroups.length;
const TOKEN_REUSED = (operation: string) => ({
  status: 409,
  type: 'ConflictException',
  body: { message: `The clientToken was already used for ${operation} with different parameters.`, reason: 'CLIENT_TOKEN_REUSED' },
});

test('the same token with the same parameters replays the first answer and has no new effect', async () => {
  const first = await createGroup(admin, 'traders', { clientToken: 'token-1' });
  const again = await createGroup(admin, 'traders', { clientToken: 'token-1' });
  expect(again.status).toBe(200);
  expect(again.body).toEqual(first.body);
  expect(again.headers['x-amzn-requestid']).not.toBe(first.headers['x-amzn-requestid']);
  expect(groupCount()).toBe(3);
  expect(world.emulator.calls.slice(-2)).toEqual([
    expect.objectContaining({ operation: 'CreatePermissionGroup', clientToken: 'token-1', statusCode: 200 }),
    expect.objectContaining({ operation: 'CreatePermissionGroup', clientToken: 'token-1', statusCode: 200, replayed: true }),
  ]);
  expect(world.emulator.calls[world.emulator.calls.length - 2].replayed).toBeUndefined();
});

test('the same token with other parameters is a ConflictException', async () => {
  await createGroup(admin, 'traders', { clientToken: 'token-1' });
  expect(errorOf(await createGroup(admin, 'brokers', { clientToken: 'token-1' }))).toEqual(TOKEN_REUSED('CreatePermissionGroup'));
  expect(groupCount()).toBe(3);
});

test('the order of JSON members does not make parameters different', async () => {
  const first = await admin.send({
    method: 'POST',
    path: '/permission-group',
    body: '{"name":"traders","applicationPermissions":["CreateDataset"],"clientToken":"token-1"}',
  });
  const again = await admin.send({
    method: 'POST',
    path: '/permission-group',
    body: '{"clientToken":"token-1","applicationPermissions":["CreateDataset"],"name":"traders"}',
  });
  expect(again.body).toEqual(first.body);
});

test('a token is forgotten after 10 minutes: the request then takes effect again', async () => {
  const first = await createGroup(admin, 'traders', { clientToken: 'token-1', description: 'first' });
  world.clock.advance(10 * 60_000 - 1);
  expect((await createGroup(admin, 'traders', { clientToken: 'token-1', description: 'first' })).body).toEqual(first.body);
  world.clock.advance(1);
  // The old token is gone, so this is a new request: the group name is now taken.
  expect(errorOf(await createGroup(admin, 'traders', { clientToken: 'token-1', description: 'first' }))).toMatchObject({
    status: 409,
    body: { reason: 'PERMISSION_GROUP_NAME_EXISTS' },
  });
  const renamed = await createGroup(admin, 'traders-2', { clientToken: 'token-1' });
  expect(renamed.status).toBe(200);
  expect(renamed.body.permissionGroupId).not.toBe(first.body.permissionGroupId);
});

test('the token lifetime is configurable', async () => {
  world.emulator.setBehaviour({ clientTokenTtlMs: 1000 });
  await createGroup(admin, 'traders', { clientToken: 'token-1' });
  world.clock.advance(1000);
  expect((await createGroup(admin, 'brokers', { clientToken: 'token-1' })).status).toBe(200);
});

test('tokens are scoped per operation', async () => {
  const groupId = (await createGroup(admin, 'traders', { clientToken: 'shared' })).body.permissionGroupId;
  const userResponse = await admin.send({ method: 'POST', path: '/user', body: { emailAddress: 'erin@example.com', type: 'APP_USER', clientToken: 'shared' } });
  expect(userResponse.status).toBe(200);
  expect(userResponse.body.userId).not.toBe(groupId);
});

test('tokens are scoped per environment', async () => {
  const secondary = await world.session(IAM.admin, OTHER_ENV);
  const first = await createGroup(admin, 'traders', { clientToken: 'shared' });
  const other = await createGroup(secondary, 'traders', { clientToken: 'shared' });
  expect(other.status).toBe(200);
  expect(other.body.permissionGroupId).not.toBe(first.body.permissionGroupId);
});

describe('tokens in the query string', () => {
  test('DeletePermissionGroup replays its success for the same token', async () => {
    const groupId = await newGroupId(admin, 'traders');
    expect((await deleteGroup(admin, groupId, 'delete-1')).body).toEqual({ permissionGroupId: groupId });
    const retried = await deleteGroup(admin, groupId, 'delete-1');
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ permissionGroupId: groupId });
    expect((await deleteGroup(admin, groupId)).status).toBe(404);
  });

  test('a token with characters that need encoding survives signing and decoding', async () => {
    const groupId = await newGroupId(admin, 'traders');
    const token = 'a+b/c=d e~f*g';
    expect((await deleteGroup(admin, groupId, token)).status).toBe(200);
    expect((await deleteGroup(admin, groupId, token)).status).toBe(200);
    expect(world.emulator.calls.slice(-2).map((call) => [call.clientToken, call.replayed])).toEqual([
      [token, undefined],
      [token, true],
    ]);
  });

  test('DeletePermissionGroup with the same token for another group is a ConflictException', async () => {
    const first = await newGroupId(admin, 'traders');
    const second = await newGroupId(admin, 'brokers');
    await deleteGroup(admin, first, 'delete-1');
    expect(errorOf(await deleteGroup(admin, second, 'delete-1'))).toEqual(TOKEN_REUSED('DeletePermissionGroup'));
  });

  test('DisassociateUserFromPermissionGroup replays for the same token instead of answering not-a-member', async () => {
    const groupId = await newGroupId(admin, 'traders');
    await associate(admin, groupId, 'alice');
    expect((await disassociate(admin, groupId, 'alice', 'remove-1')).status).toBe(200);
    expect((await disassociate(admin, groupId, 'alice', 'remove-1')).status).toBe(200);
    expect((await disassociate(admin, groupId, 'alice', 'remove-2')).status).toBe(404);
  });
});

test('AssociateUserToPermissionGroup replays for the same token instead of answering already-a-member', async () => {
  const groupId = await newGroupId(admin, 'traders');
  expect((await associate(admin, groupId, 'alice', 'add-1')).status).toBe(200);
  expect((await associate(admin, groupId, 'alice', 'add-1')).status).toBe(200);
  expect((await associate(admin, groupId, 'alice', 'add-2')).status).toBe(409);
  expect(errorOf(await associate(admin, groupId, 'bob', 'add-1'))).toEqual(TOKEN_REUSED('AssociateUserToPermissionGroup'));
});

test('failures are not remembered: the same token may succeed later', async () => {
  const groupId = await newGroupId(admin, 'traders');
  world.emulator.setBehaviour({ associateDisabledUser: 'conflict' });
  expect((await associate(admin, groupId, 'carol', 'add-carol')).status).toBe(409);
  world.emulator.setBehaviour({ associateDisabledUser: 'allowed' });
  expect((await associate(admin, groupId, 'carol', 'add-carol')).status).toBe(200);
  expect(await memberStatuses(admin, groupId)).toEqual({ carol: 'ADDITION_SUCCESS' });
});

test('without a token every request takes effect', async () => {
  await createGroup(admin, 'a');
  await createGroup(admin, 'b');
  expect(groupCount()).toBe(4);
});

test('remembering a token sweeps out the expired ones', () => {
  const cache = new IdempotencyCache();
  cache.remember('first', 'params', { permissionGroupId: 'g1' }, 0, 100);
  expect(cache.check('first', 'params', 50, 100)).toEqual({ kind: 'replay', output: { permissionGroupId: 'g1' } });
  cache.remember('second', 'params', { permissionGroupId: 'g2' }, 100, 100);
  // Asked with an earlier clock, 'first' would still be valid; it is gone because the sweep removed it.
  expect(cache.check('first', 'params', 50, 100)).toEqual({ kind: 'new' });
  expect(cache.check('second', 'params', 150, 100)).toEqual({ kind: 'replay', output: { permissionGroupId: 'g2' } });
});
