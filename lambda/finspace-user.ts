/**
 * The lifecycle of Custom::FinSpaceUser: create (or adopt, when asked) a FinSpace
 * user, keep it as declared and ENABLED, and disable it on delete, as FinSpace has no
 * DeleteUser. The user's e-mail cannot change: an update to another address creates
 * a new user, and CloudFormation then deletes (disables) the old one. E-mails are
 * sensitive in the model: reasons and logs show them masked.
 */
import { DeploymentFailure } from './failure';
import { isFinSpaceError, isTransient, type FinSpaceDataClient, type User } from './finspace';
import type { InvocationContext } from './handler-context';
import { idempotencyToken } from './idempotency';
import { shouldPollAgain } from './poll-again';
import { InvalidPropertiesError } from './properties';
import type { IsCompleteRequest, IsCompleteResponse, Lifecycle, OnEventRequest, OnEventResponse } from './provider-types';
import { ROLLBACK_CLEANUP_STATUSES, stackIsIn } from './stack-status';
import { loadUserDirectory } from './user-directory';
import { isValidId } from '../contract/finspace-ids';
import { maskEmail, normalizeEmail } from '../contract/finspace-users';
import type { FinSpaceUserWireProperties } from '../contract/resource-properties';

interface FinSpaceUserProperties {
  readonly environmentId: string;
  readonly emailAddress: string;
  readonly type: 'SUPER_USER' | 'APP_USER';
  readonly firstName?: string;
  readonly lastName?: string;
  readonly apiAccess: 'ENABLED' | 'DISABLED';
  readonly apiAccessPrincipalArn?: string;
  readonly adopt: boolean;
}

export function finSpaceUserLifecycle(context: InvocationContext): Lifecycle {
  return {
    onEvent: event => onEvent(event, context),
    isComplete: event => isComplete(event, context),
  };
}

async function onEvent(event: OnEventRequest, context: InvocationContext): Promise<OnEventResponse> {
  const props = parseProperties(event.ResourceProperties);
  const client = context.clientFor(props.environmentId);
  const startedAt = context.time.now();
  switch (event.RequestType) {
    case 'Create':
      return createOrLeaveToPolls(client, props, event, context, startedAt);
    case 'Update': {
      const old = parseProperties(event.OldResourceProperties);
      if (normalizeEmail(old.emailAddress) !== normalizeEmail(props.emailAddress) || old.environmentId !== props.environmentId) {
        // FinSpace cannot change an address: a new user, and CloudFormation disables the old one.
        context.log('the e-mail address or environment changed: replacing the user', { userId: event.PhysicalResourceId });
        return createOrLeaveToPolls(client, props, event, context, startedAt);
      }
      const userId = event.PhysicalResourceId!;
      try {
        await converge(client, userId, props, event, context);
      } catch (error) {
        if (!isTransient(error)) throw error;
        context.log('FinSpace did not answer; the polls update the user', { error: (error as Error).name });
        return { ...answer(userId, startedAt), ConvergeInPolls: true };
      }
      return answer(userId, startedAt);
    }
    case 'Delete':
      if (props.adopt && await stackIsIn(event, context, ROLLBACK_CLEANUP_STATUSES)) {
        // The rollback of the deploy that created this resource: with ADOPT it may have
        // adopted a user that was there, enabled, before that deploy; a rollback puts
        // FinSpace back as it was, so the user stays (one it created stays enabled too).
        context.log('the rollback of a failed deploy leaves the user of an adopting declaration enabled', { userId: event.PhysicalResourceId });
        return { PhysicalResourceId: event.PhysicalResourceId! };
      }
      return disable(client, event.PhysicalResourceId!, context, startedAt);
  }
}

/**
 * An outage must not fail the event: the polls create the user with the same
 * clientToken (FinSpace answers with the user a lost create made) and answer its id,
 * which the Provider framework gives CloudFormation in place of onEvent's placeholder.
 */
async function createOrLeaveToPolls(
  client: FinSpaceDataClient, props: FinSpaceUserProperties, event: OnEventRequest, context: InvocationContext, startedAt: number,
): Promise<OnEventResponse> {
  try {
    return answer(await createOrAdopt(client, props, event, context), startedAt);
  } catch (error) {
    if (!isTransient(error)) throw error;
    context.log('FinSpace did not answer; the polls create the user', { error: (error as Error).name });
    return { PhysicalResourceId: `pending-creation-${event.RequestId}`, StartedAt: startedAt, CreateInPolls: true };
  }
}

async function isComplete(event: IsCompleteRequest, context: InvocationContext): Promise<IsCompleteResponse> {
  const props = parseProperties(event.ResourceProperties);
  const client = context.clientFor(props.environmentId);
  let userId = event.PhysicalResourceId!;
  try {
    if (event.RequestType === 'Delete') {
      if (!event.DisableInPolls) return { IsComplete: true };
      const done = await disable(client, userId, context, event.StartedAt as number);
      return { IsComplete: !done.DisableInPolls };
    }
    if (event.CreateInPolls) userId = await createOrAdopt(client, props, event, context);
    if (event.ConvergeInPolls) await converge(client, userId, props, event, context);
    const { status } = await client.getUser({ userId });
    if (status === 'ENABLED') return { IsComplete: true, ...(event.CreateInPolls ? { PhysicalResourceId: userId } : {}), Data: { UserId: userId } };
    // Someone disabled it while it was being made: the declaration wants it enabled.
    if (status === 'DISABLED') await enable(client, userId, context);
  } catch (error) {
    if (shouldPollAgain(error, event.StartedAt, context)) return { IsComplete: false };
    throw error;
  }
  if (context.time.expired(event.StartedAt)) {
    throw new DeploymentFailure(`FinSpace user ${userId} did not become ENABLED in time; deploy again later, or raise the timeout of FinSpaceDataAccess.`);
  }
  return { IsComplete: false };
}

function answer(userId: string, startedAt: number): OnEventResponse {
  return { PhysicalResourceId: userId, Data: { UserId: userId }, StartedAt: startedAt };
}

/**
 * CreateUser first: a re-delivered event repeats its clientToken, and FinSpace answers
 * with the user the first delivery made. Only when the address is taken does the
 * handler look for its holder, which it adopts when the declaration allows.
 */
async function createOrAdopt(
  client: FinSpaceDataClient, props: FinSpaceUserProperties, event: OnEventRequest, context: InvocationContext,
): Promise<string> {
  try {
    const { userId } = await client.createUser({
      emailAddress: props.emailAddress,
      type: props.type,
      firstName: props.firstName,
      lastName: props.lastName,
      apiAccess: props.apiAccess,
      apiAccessPrincipalArn: props.apiAccessPrincipalArn,
      clientToken: idempotencyToken(event, 'create-user'),
    });
    if (!userId) throw new Error('CreateUser answered without a userId');
    context.log('FinSpace user created', { userId });
    return userId;
  } catch (error) {
    if (!isFinSpaceError(error, 'ConflictException')) throw error;
    const holder = (await loadUserDirectory(client)).byEmail(props.emailAddress);
    if (!holder?.userId) throw error; // a conflict of another kind (the principal ARN, say)
    if (!props.adopt) {
      throw new DeploymentFailure(`FinSpace already has a user with the e-mail address ${maskEmail(props.emailAddress)}: ${holder.userId}. ` +
        'Set ifExists: IfExists.ADOPT on the FinSpaceUser to manage that user with this stack, or declare another address.');
    }
    context.log('adopting the FinSpace user that has the declared e-mail address', { userId: holder.userId, status: holder.status });
    await converge(client, holder.userId, props, event, context, holder);
    return holder.userId;
  }
}

/** Reads the live user and changes only what differs from the declaration; enables it when disabled. */
async function converge(
  client: FinSpaceDataClient, userId: string, props: FinSpaceUserProperties, event: OnEventRequest, context: InvocationContext, known?: User,
) {
  let live: User;
  try {
    live = known ?? await client.getUser({ userId });
  } catch (error) {
    if (isFinSpaceError(error, 'ResourceNotFoundException')) {
      throw new DeploymentFailure(`FinSpace user ${userId} does not exist in environment ${props.environmentId}.`);
    }
    throw error;
  }
  const changes: { -readonly [Key in 'type' | 'firstName' | 'lastName' | 'apiAccess' | 'apiAccessPrincipalArn']?: User[Key] } = {};
  if (live.type !== props.type) changes.type = props.type;
  // The API cannot clear a name or a principal: only set them.
  if (props.firstName !== undefined && live.firstName !== props.firstName) changes.firstName = props.firstName;
  if (props.lastName !== undefined && live.lastName !== props.lastName) changes.lastName = props.lastName;
  if (live.apiAccess !== props.apiAccess) changes.apiAccess = props.apiAccess;
  if (props.apiAccessPrincipalArn !== undefined && live.apiAccessPrincipalArn !== props.apiAccessPrincipalArn) {
    changes.apiAccessPrincipalArn = props.apiAccessPrincipalArn;
  }
  const changed = Object.keys(changes);
  if (changed.length > 0) {
    refuseLockout(live, context, 'changing the type or API access of');
    await client.updateUser({ userId, ...changes, clientToken: idempotencyToken(event, `update-user:${userId}`) });
  }
  if (live.status === 'DISABLED') await enable(client, userId, context);
  context.log('FinSpace user converged', { userId, changed, enabled: live.status === 'DISABLED' });
}

async function enable(client: FinSpaceDataClient, userId: string, context: InvocationContext) {
  try {
    await client.enableUser({ userId });
    context.log('FinSpace user was DISABLED; enabled it as declared', { userId });
  } catch (error) {
    // Still being created: ENABLED follows by itself.
    if (!isFinSpaceError(error, 'ConflictException')) throw error;
  }
}

/** Disables the user; a user still being created is disabled by the polls once it can be. */
async function disable(client: FinSpaceDataClient, userId: string, context: InvocationContext, startedAt: number): Promise<OnEventResponse> {
  const done = { PhysicalResourceId: userId };
  // A failed create answered without a user id: nothing to disable.
  if (!isValidId(userId)) return done;
  try {
    const live = await client.getUser({ userId });
    refuseLockout(live, context, 'disabling');
    if (live.status === 'DISABLED') return done;
    await client.disableUser({ userId });
    context.log('FinSpace user disabled (FinSpace has no way to delete a user)', { userId });
    return done;
  } catch (error) {
    if (isFinSpaceError(error, 'ResourceNotFoundException')) return done;
    if (isFinSpaceError(error, 'ConflictException') || isTransient(error)) {
      context.log('the user cannot be disabled yet; the polls try again', { userId, error: (error as Error).name });
      return { ...done, DisableInPolls: true, StartedAt: startedAt };
    }
    throw error;
  }
}

/** The handler never takes away its own access: its user is the one registered on its role. */
function refuseLockout(live: User, context: InvocationContext, action: string) {
  const role = context.settings.handlerRoleArn;
  if (role !== undefined && live.apiAccessPrincipalArn === role) {
    throw new DeploymentFailure(`refused ${action} FinSpace user ${live.userId}: it is the user the handler acts as (registered on ${role}), ` +
      'and the stack would lock itself out. Manage that user outside the stack, or with RemovalPolicy.RETAIN.');
  }
}

function parseProperties(raw: Record<string, unknown> | undefined): FinSpaceUserProperties {
  const props: { readonly [Key in keyof FinSpaceUserWireProperties]?: unknown } = raw ?? {};
  const text = (key: keyof FinSpaceUserWireProperties, required: boolean): string | undefined => {
    const value = props[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.length === 0) throw new InvalidPropertiesError(`${key} must be a non-empty string`);
    return value;
  };
  const oneOf = <T extends string>(key: keyof FinSpaceUserWireProperties, values: readonly T[]): T => {
    const value = text(key, true) as T;
    if (!values.includes(value)) throw new InvalidPropertiesError(`${key} must be one of ${values.join(', ')}`);
    return value;
  };
  return {
    environmentId: text('EnvironmentId', true)!,
    emailAddress: text('EmailAddress', true)!,
    type: oneOf('Type', ['SUPER_USER', 'APP_USER'] as const),
    firstName: text('FirstName', false),
    lastName: text('LastName', false),
    apiAccess: oneOf('ApiAccess', ['ENABLED', 'DISABLED'] as const),
    apiAccessPrincipalArn: text('ApiAccessPrincipalArn', false),
    adopt: oneOf('IfExists', ['FAIL', 'ADOPT'] as const) === 'ADOPT',
  };
}
