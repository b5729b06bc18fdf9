/**
 * Memberships whose user ids are in an S3 object: the handler reads the object the
 * properties name (new and old), checks its digest, and reconciles as with inline
 * ids, over HTTP against the emulator.
 */
import { createHash } from 'crypto';
import { cfnEvent, ENV, GROUP_MEMBERSHIP, groupProps, membershipProps, membersOf, PERMISSION_GROUP, seedWith, startWorld, type World } from './support/handler-world';
import { declaredMembersOf } from '../../contract/declared-members';
import { userIdsObjectContent } from '../../contract/user-ids-object';
import { handle } from '../../lambda';
import type { OnEventResponse } from '../../lambda/provider-types';
import type { ObjectReader, UserIdsObjectLocation } from '../../lambda/user-ids-object';
import { provideInProcess } from '../../local/runner/in-process-provider';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const BUCKET = 'cdk-hnb659fds-assets-111122223333-us-east-1';
let world: World;
let groupId: string;
/** The bucket: object key to content. */
let bucket: Map<string, string>;
let reads: string[];

const readObject: ObjectReader = async (location: UserIdsObjectLocation) => {
  reads.push(location.key);
  const content = bucket.get(location.key);
  if (content === undefined) throw new Error(`no object ${location.key}`);
  return Buffer.from(content, 'utf8');
};

/** Uploads the ids as cdk deploy would, and returns the properties that name them. */
function objectProps(userIds: string[], overrides: Record<string, unknown> = {}) {
  const content = userIdsObjectContent(userIds);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const key = `${sha256}.finspace-user-ids`;
  bucket.set(key, content);
  const { UserIds: _inline, ...props } = membershipProps(groupId, []);
  return { ...props, UserIdsBucket: BUCKET, UserIdsKey: key, UserIdsSha256: sha256, UserCount: String(userIds.length), ...overrides };
}

const deploy = (event: ReturnType<typeof cfnEvent>) => provideInProcess(event, {
  onEvent: e => handle(e, world.context({ readObject }), 'onEvent'),
  isComplete: e => handle(e, world.context({ readObject }), 'isComplete'),
}, { intervalMs: 25, maxAttempts: 400, sleep: world.clock.sleep });

beforeEach(async () => {
  world = await startWorld({ seed: seedWith(USERS) });
  groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  world.emulator.resetCalls();
  bucket = new Map();
  reads = [];
});
afterEach(() => world.stop());

test('a create adds the users of the object, and the object is read once per container', async () => {
  const result = await deploy(cfnEvent('Create', GROUP_MEMBERSHIP, objectProps(['carol', 'alice', 'bob'])));

  expect(membersOf(world.emulator, groupId)).toEqual([['alice', 'ADDITION_SUCCESS'], ['bob', 'ADDITION_SUCCESS'], ['carol', 'ADDITION_SUCCESS']]);
  expect(result.data).toEqual({ PermissionGroupId: groupId, Members: 3 });
  expect(result.polls).toBeGreaterThan(1);
  // The object is content-addressed: onEvent's read serves every poll.
  expect(reads).toHaveLength(1);
});

test('an update reads the old object too, and removes the users dropped from it; its rollback puts them back', async () => {
  const before = objectProps(['alice', 'bob', 'carol']);
  await deploy(cfnEvent('Create', GROUP_MEMBERSHIP, before));
  const after = objectProps(['alice', 'bob', 'dave']);

  await deploy(cfnEvent('Update', GROUP_MEMBERSHIP, after, { old: before, physicalResourceId: `${groupId}/abcd1234/0` }));
  expect(membersOf(world.emulator, groupId).map(([userId]) => userId)).toEqual(['alice', 'bob', 'dave']);

  // The rollback: CloudFormation sends the previous properties, which name the previous object.
  await deploy(cfnEvent('Update', GROUP_MEMBERSHIP, before, { old: after, physicalResourceId: `${groupId}/abcd1234/0` }));
  expect(membersOf(world.emulator, groupId).map(([userId]) => userId)).toEqual(['alice', 'bob', 'carol']);
});

test('ids known only at deploy time, inline beside the object, are declared too', async () => {
  await deploy(cfnEvent('Create', GROUP_MEMBERSHIP, objectProps(['alice', 'bob'], { UserIds: ['erin'] })));
  expect(membersOf(world.emulator, groupId).map(([userId]) => userId)).toEqual(['alice', 'bob', 'erin']);
});

test('an object that does not match its digest fails the event before any call to FinSpace', async () => {
  const props = objectProps(['alice']);
  bucket.set(props.UserIdsKey, userIdsObjectContent(['alice', 'mallory']));
  await expect(handle<OnEventResponse>(cfnEvent('Create', GROUP_MEMBERSHIP, props, { logicalResourceId: 'Members' }), world.context({ readObject }), 'onEvent'))
    .rejects.toThrow(new RegExp(`^group membership Members: the user ids in s3://${BUCKET}/${props.UserIdsKey} do not match their digest ` +
      `\\(SHA-256 [0-9a-f]{64}, expected ${props.UserIdsSha256}\\): the object was changed after cdk deploy uploaded it. Deploy again to upload it anew.$`));
  expect(world.emulator.calls).toEqual([]);
});

test('an object named in part is refused as invalid properties', async () => {
  const { UserIdsSha256: _digest, ...props } = objectProps(['alice']);
  await expect(handle(cfnEvent('Create', GROUP_MEMBERSHIP, props, { logicalResourceId: 'Members' }), world.context({ readObject }), 'onEvent'))
    .rejects.toThrow('group membership Members: invalid resource properties: UserIdsBucket and UserIdsKey must be non-empty strings and ' +
      'UserIdsSha256 64 lowercase hex digits, all three or none.');
});

test('the delete of a shard merged into its membership\'s one resource makes no call at all', async () => {
  // A stack of an earlier version held users in two shards; the new template holds them in one resource.
  await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob', 'carol'])));
  world.emulator.resetCalls();
  const declaredMembers = declaredMembersOf({ groups: { g1: { environment: 0, users: { alice: 'abcd1234/0', bob: 'abcd1234/0', carol: 'abcd1234/0' } } } }, [ENV]);
  const shard = membershipProps(groupId, ['bob'], { GroupKey: 'g1', ShardIndex: '1', ShardCount: '2' });
  for (const exclusive of ['false', 'true']) {
    const event = cfnEvent('Delete', GROUP_MEMBERSHIP, { ...shard, Exclusive: exclusive }, { physicalResourceId: `${groupId}/abcd1234/1` });
    const context = { ...world.context(), settings: { ...world.settings, declaredMembers } };
    expect(await handle(event, context, 'onEvent')).toMatchObject({ NothingToDo: true });
  }
  expect(world.emulator.calls).toEqual([]);
  expect(membersOf(world.emulator, groupId).map(([userId]) => userId)).toEqual(['alice', 'bob', 'carol']);
});
