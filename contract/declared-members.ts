/**
 * The index of declared members that the provider publishes to the handler as a
 * Lambda layer (lib/handler-provider.ts publishDeclaredMembers): every user the
 * stack declares per group, and which resource declares it.
 */

/** Where the index sits in the layer, and so under /opt in the function. */
export const DECLARED_MEMBERS_FILE = 'finspace/declared-members.json';

/**
 * The handler's environment variable that lists, as JSON, the environment ids only
 * the deployment knows (tokens at synth time), which the index refers to by position.
 */
export const DEPLOY_TIME_ENVIRONMENTS_VARIABLE = 'DECLARED_MEMBERS_ENVIRONMENTS';

export interface DeclaredMembersIndex {
  /** Each group the stack declares members for, by group key. */
  readonly groups: Record<string, DeclaredGroup>;
}

export interface DeclaredGroup {
  /**
   * The group's environment: its id, or the position of the id in the list of
   * DEPLOY_TIME_ENVIRONMENTS_VARIABLE. A group key names a group construct, and a
   * construct whose environment changes is a new group in FinSpace: the old one, which
   * CloudFormation deletes or retains, has no declared members.
   */
  readonly environment: string | number;
  /** Each declared user, and the resource that declares it. */
  readonly users: Record<string, string>;
}

/** How the index names a resource: the membership's key and the shard's index. */
export function declaringResource(membershipKey: string, shardIndex: number): string {
  return `${membershipKey}/${shardIndex}`;
}

/** The index as the handler queries it. */
export interface DeclaredMembers {
  /** The resource that declares `userId` for the group in that environment, if any does. */
  declaringResource(groupKey: string, environmentId: string, userId: string): string | undefined;
  /** Every user declared for the group in that environment, with the resource that declares it. */
  declaredUsers(groupKey: string, environmentId: string): ReadonlyArray<readonly [string, string]>;
}

/** Queries `index`, resolving positions with the deployment's environment ids. */
export function declaredMembersOf(index: DeclaredMembersIndex, deployTimeEnvironments: readonly string[] = []): DeclaredMembers {
  const groupIn = (groupKey: string, environmentId: string): DeclaredGroup | undefined => {
    const group = index.groups[groupKey];
    if (!group) return undefined;
    const environment = typeof group.environment === 'number' ? deployTimeEnvironments[group.environment] : group.environment;
    return environment === environmentId ? group : undefined;
  };
  return {
    declaringResource: (groupKey, environmentId, userId) => groupIn(groupKey, environmentId)?.users[userId],
    declaredUsers: (groupKey, environmentId) => Object.entries(groupIn(groupKey, environmentId)?.users ?? {}),
  };
}
