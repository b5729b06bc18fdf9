/**
 * What an operation on users and groups runs with, and the lookups and update
 * rule the operations share.
 */
import { EmulatorBehaviour } from '../behaviour';
import { EnvironmentState, PermissionGroupRecord, UserRecord } from '../environment';
import { modeledError } from '../errors';
import { PageTokens } from '../pagination';
import { OperationOutput } from '../protocol';

/** The environment the vended credentials stand for, this request's clock reading and the behaviours. */
export interface OperationContext {
  readonly environment: EnvironmentState;
  /** One clock reading per request, so a request sees a single instant. */
  readonly now: number;
  readonly behaviour: EmulatorBehaviour;
  readonly pages: PageTokens;
}

/** An operation's logic. The input has passed the model's validation, so its type can be trusted. */
export type OperationHandler<Input> = (context: OperationContext, input: Input) => OperationOutput;

export function requireGroup(environment: EnvironmentState, permissionGroupId: string): PermissionGroupRecord {
  const group = environment.groups.get(permissionGroupId);
  if (!group) throw modeledError('ResourceNotFoundException', `Permission group '${permissionGroupId}' does not exist.`, 'PERMISSION_GROUP_NOT_FOUND');
  return group;
}

export function requireUser(environment: EnvironmentState, userId: string): UserRecord {
  const user = environment.users.get(userId);
  if (!user) throw modeledError('ResourceNotFoundException', `User '${userId}' does not exist.`, 'USER_NOT_FOUND');
  return user;
}

/**
 * Sets the members an Update request gives and leaves the others as they are;
 * `lastModifiedTime` moves only when something was given.
 */
export function applyUpdate<T extends { lastModifiedTime: number }>(record: T, input: Partial<T>, members: readonly (keyof T)[], now: number): void {
  const given = members.filter((name) => input[name] !== undefined);
  for (const name of given) record[name] = input[name] as T[keyof T];
  if (given.length > 0) record.lastModifiedTime = now;
}
