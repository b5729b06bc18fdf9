import { assignShards, MAX_MEMBER_BYTES_PER_RESOURCE, MAX_USERS_PER_RESOURCE, shardCountFor, shardOf } from '../../contract/membership-shards';

/** The Provider framework's Step Functions waiter holds the whole event in one state. */
const STEP_FUNCTIONS_STATE_LIMIT = 256 * 1024;

/** The largest event one resource can produce: an update whose old and new lists are full of 26-character ids. */
function worstCaseEventBytes(usersPerResource: number): number {
  const ids = (prefix: string) => Array.from({ length: usersPerResource }, (_, i) => `${prefix}${String(i).padStart(25, '0')}`);
  const properties = (userIds: string[]) => ({
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:FinSpaceGroupsExample-FinSpaceDataProviderframewor-AbCdEfGhIjKl',
    EnvironmentId: 'abcdefghijklmnopqrstuvwxyz',
    PermissionGroupId: 'abcdefghijklmnopqrstuvwxyz',
    UserIds: userIds,
    Exclusive: 'false',
    MembershipKey: '0123abcd',
    ShardIndex: '0',
    ShardCount: '1',
    ServiceTimeout: '2100',
  });
  const event = {
    RequestType: 'Update',
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:FinSpaceGroupsExample-FinSpaceDataProviderframewor-AbCdEfGhIjKl',
    ResponseURL: `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/${'x'.repeat(1200)}`,
    StackId: `arn:aws:cloudformation:us-east-1:111122223333:stack/${'s'.repeat(128)}/${'0'.repeat(36)}`,
    RequestId: '0'.repeat(36),
    LogicalResourceId: 'L'.repeat(255),
    PhysicalResourceId: 'p'.repeat(26 + 1 + 8 + 1 + 4),
    ResourceType: 'Custom::FinSpaceGroupMembership',
    ResourceProperties: properties(ids('n')),
    OldResourceProperties: properties(ids('o')),
    // What onEvent adds for isComplete.
    Data: { PermissionGroupId: 'abcdefghijklmnopqrstuvwxyz', Members: usersPerResource },
    ReconcileStartedAt: Date.now(),
  };
  return Buffer.byteLength(JSON.stringify(event));
}

test('a full resource keeps its worst-case event within 60% to 75% of the largest that fits the 256 KiB waiter state', () => {
  let largest = 0;
  for (let step = 4096; step >= 1; step /= 2) {
    if (worstCaseEventBytes(largest + step) <= STEP_FUNCTIONS_STATE_LIMIT) largest += step;
  }
  expect(largest).toBe(4468);
  expect(MAX_USERS_PER_RESOURCE).toBeLessThanOrEqual(largest * 0.75);
  expect(MAX_USERS_PER_RESOURCE).toBeGreaterThanOrEqual(largest * 0.6);
});

test.each([
  [0, 1], [1, 1], [3000, 1], [3001, 2], [6000, 2], [6001, 4], [20_000, 8],
])('%i users need %i resources', (users, shards) => {
  expect(shardCountFor(users)).toBe(shards);
});

test('a user always lands in the same shard, and splitting divides a shard in two', () => {
  for (const userId of ['alice', 'bob', 'u'.repeat(26), 'Ωmega']) {
    expect(shardOf(userId, 4)).toBe(shardOf(userId, 4));
    expect(shardOf(userId, 4) % 2).toBe(shardOf(userId, 2));
  }
  expect(shardOf('alice', 1)).toBe(0);
});

test('assignShards keeps every user once and no shard above the limit', () => {
  const users = Array.from({ length: 7_500 }, (_, i) => `user${i}`);
  const shards = assignShards(users);
  expect(shards).toHaveLength(4);
  expect(shards.flat().sort()).toEqual([...users].sort());
  expect(Math.max(...shards.map(s => s.length))).toBeLessThanOrEqual(MAX_USERS_PER_RESOURCE);
});

test('members with long e-mail addresses go to more resources, each within the bytes 3,000 of the longest ids take', () => {
  const keys = Array.from({ length: 3000 }, (_, i) => `email:${'someone.with.a.long.name'}${i}@example-corporation.com`);
  const shards = assignShards(keys);
  expect(shards.length).toBe(4);
  for (const shard of shards) expect(shard.reduce((bytes, key) => bytes + key.length + 3, 0)).toBeLessThanOrEqual(MAX_MEMBER_BYTES_PER_RESOURCE);
  expect(shards.flat().sort()).toEqual([...keys].sort());
});
