/**
 * How a large membership declaration is split over several custom resources: the
 * construct assigns the users, and the handler of a template without a declared-members
 * index tells from the same hash which users another shard holds.
 *
 * Each resource's event travels through the Provider framework's Step Functions
 * waiter, whose state limit is 256 KiB, and carries the user ids twice on an update
 * (new and old properties). A user id is at most 26 characters, 29 bytes as a JSON
 * array element: about 4,470 ids per resource fill the state exactly (see the
 * test). 3,000 leave a third of it for growth of the event and the answer.
 */
export const MAX_USERS_PER_RESOURCE = 3000;

/**
 * What 3,000 of the longest ids take as JSON array elements (26 characters, quotes
 * and comma). Members declared by e-mail can be longer (up to 320 characters): a
 * resource holds fewer of them, so that its event fits the waiter state alike.
 */
export const MAX_MEMBER_BYTES_PER_RESOURCE = MAX_USERS_PER_RESOURCE * 29;

/**
 * The number of resources for `userCount` users: a power of two, so that growing
 * past a limit splits each resource's users in two instead of reshuffling them all.
 */
export function shardCountFor(userCount: number): number {
  let shards = 1;
  while (shards * MAX_USERS_PER_RESOURCE < userCount) shards *= 2;
  return shards;
}

/** The resource (0-based) that owns `userId` when there are `shardCount` of them. */
export function shardOf(userId: string, shardCount: number): number {
  // FNV-1a: stable across Node versions and platforms, unlike anything seeded.
  /* eslint-disable no-bitwise */
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shardCount;
  /* eslint-enable no-bitwise */
}

/**
 * Splits users into resources. Hash buckets may be uneven (and e-mail members long),
 * so the count doubles until every bucket fits both limits.
 */
export function assignShards(userIds: readonly string[]): string[][] {
  let count = shardCountFor(userIds.length);
  for (;;) {
    const shards: string[][] = Array.from({ length: count }, () => []);
    for (const userId of userIds) shards[shardOf(userId, count)].push(userId);
    if (shards.every(shard => shard.length <= MAX_USERS_PER_RESOURCE && memberBytes(shard) <= MAX_MEMBER_BYTES_PER_RESOURCE)) {
      return shards.map(shard => shard.sort());
    }
    count *= 2;
  }
}

/** The bytes of the members' keys as JSON array elements (an e-mail key is longer than the e-mail it carries). */
function memberBytes(keys: readonly string[]): number {
  let bytes = 0;
  for (const key of keys) bytes += key.length + 3;
  return bytes;
}
