/**
 * How earlier versions of this library split a large membership declaration over
 * several custom resources, by a hash of the user id. A membership is one resource
 * now (its user ids leave the template beyond MAX_INLINE_USER_IDS, see
 * user-ids-object.ts), but stacks deployed with those versions still hold shards: the
 * handler of a template without a declared-members index tells from the same hash
 * which users another shard holds.
 */

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
