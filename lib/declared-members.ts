/**
 * The index of declared members that the provider publishes to the handler as a
 * Lambda layer (see HandlerProvider.publishDeclaredMembers), shared by both sides.
 */

/** Where the index sits in the layer, and so under /opt in the function. */
export const DECLARED_MEMBERS_FILE = 'finspace/declared-members.json';

export interface DeclaredMembersIndex {
  /** For each group (by group key), each declared user and the resource that declares it. */
  readonly groups: Record<string, Record<string, string>>;
}

/** How the index names a resource: the membership's key and the shard's index. */
export function declaringResource(membershipKey: string, shardIndex: number): string {
  return `${membershipKey}/${shardIndex}`;
}
