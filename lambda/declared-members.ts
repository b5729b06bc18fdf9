/**
 * Every user the stack declares per group, and which resource declares it, read
 * from the layer the provider publishes (lib/handler-provider.ts
 * publishDeclaredMembers): a resource never removes a user that another resource of
 * the stack declares, whichever of them CloudFormation processes first.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  DECLARED_MEMBERS_FILE,
  DEPLOY_TIME_ENVIRONMENTS_VARIABLE,
  declaredMembersOf,
  type DeclaredMembers,
  type DeclaredMembersIndex,
} from '../contract/declared-members';

/** The index in the function's layer, which Lambda mounts at /opt; undefined when the function has none. */
export function declaredMembersFromLayer(
  optDirectory = '/opt',
  deployTimeEnvironments = process.env[DEPLOY_TIME_ENVIRONMENTS_VARIABLE],
): DeclaredMembers | undefined {
  let text: string;
  try {
    text = readFileSync(join(optDirectory, DECLARED_MEMBERS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  return declaredMembersOf(JSON.parse(text) as DeclaredMembersIndex, deployTimeEnvironments ? JSON.parse(deployTimeEnvironments) : []);
}
