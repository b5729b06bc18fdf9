/**
 * Every user the stack declares per group, and which resource declares it, read
 * from the layer the provider publishes (lib/handler-provider.ts
 * publishDeclaredMembers): a resource never removes a user that another resource of
 * the stack declares, whichever of them CloudFormation processes first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DECLARED_MEMBERS_FILE, DEPLOY_TIME_ENVIRONMENTS_VARIABLE, type DeclaredGroup, type DeclaredMembersIndex } from '../lib/declared-members';

export interface DeclaredMembers {
  /** The resource that declares `userId` for the group in that environment, if any does. */
  declaringResource(groupKey: string, environmentId: string, userId: string): string | undefined;
  /** Every user declared for the group in that environment, with the resource that declares it. */
  declaredUsers(groupKey: string, environmentId: string): ReadonlyArray<readonly [string, string]>;
}

/**
 * The index in the function's layers (Lambda mounts them at /opt; the local runner
 * names its stand-in in LOCAL_LAMBDA_OPT), or undefined when the function has none.
 */
export function declaredMembersFromLayer(
  optDirectory = process.env.LOCAL_LAMBDA_OPT || '/opt',
  deployTimeEnvironments = process.env[DEPLOY_TIME_ENVIRONMENTS_VARIABLE],
): DeclaredMembers | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(optDirectory, DECLARED_MEMBERS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  return declaredMembersOf(JSON.parse(text) as DeclaredMembersIndex, deployTimeEnvironments ? JSON.parse(deployTimeEnvironments) : []);
}

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
