import { shardOf } from '../../contract/membership-shards';

test('a user always lands in the same shard, and splitting divides a shard in two', () => {
  for (const userId of ['alice', 'bob', 'u'.repeat(26), 'Ωmega']) {
    expect(shardOf(userId, 4)).toBe(shardOf(userId, 4));
    expect(shardOf(userId, 4) % 2).toBe(shardOf(userId, 2));
  }
  expect(shardOf('alice', 1)).toBe(0);
});
