/**
 * The lifecycle of Custom::FinSpacePermissionGroup: create, converge to the
 * declaration on update (healing drift and out-of-band deletion), delete.
 *
 * When FinSpace does not answer onEvent, the polls of isComplete do the work, a
 * create included: the Provider framework answers CloudFormation with isComplete's
 * answer spread over onEvent's, so the poll that creates a group answers its id as
 * the PhysicalResourceId. Until then the resource holds a placeholder id that is no
 * FinSpace id (a failed create's rollback then deletes nothing).
 */
import { forEachConcurrently } from './concurrency';
import { DeploymentFailure } from './failure';
import { isFinSpaceError, isTransient, listAllUsersByPermissionGroup, type FinSpaceDataClient, type PermissionGroup } from './finspace';
import type { InvocationContext } from './handler-context';
import { idempotencyToken } from './idempotency';
import { refuseLossOfOwnPrivilege } from './own-privilege';
import { describeGroupIds, groupsNamed } from './permission-groups-by-name';
import { shouldPollAgain } from './poll-again';
import { parsePermissionGroupProperties, type PermissionGroupProperties } from './properties';
import type { IsCompleteRequest, IsCompleteResponse, Lifecycle, OnEventRequest, OnEventResponse } from './provider-types';
import { PRIVILEGED_PERMISSION } from '../contract/application-permissions';
import { isValidId } from '../contract/finspace-ids';

/** Logged when a create FinSpace did not answer may have made a group that cannot be told apart. */
const MAYBE_LEFT_BEHIND = "a group made by this create may be left behind: FinSpace did not say which, and a group of the name may be someone else's";

export function permissionGroupLifecycle(context: InvocationContext): Lifecycle {
  return {
    onEvent: event => onEvent(event, context),
    isComplete: event => isComplete(event, context),
  };
}

async function onEvent(event: OnEventRequest, context: InvocationContext): Promise<OnEventResponse> {
  const props = parsePermissionGroupProperties(event.ResourceProperties);
  const client = context.clientFor(props.environmentId);
  switch (event.RequestType) {
    case 'Create':
      try {
        return created(await createOrAdopt(client, props, event, context));
      } catch (error) {
        if (!isTransient(error)) throw error;
        context.log('FinSpace did not answer; the polls create the group', { error: (error as Error).name });
        return { PhysicalResourceId: placeholderId(event), CreateInPolls: true, CreateStartedAt: context.time.now() };
      }
    case 'Update': {
      try {
        return await update(client, props, parsePermissionGroupProperties(event.OldResourceProperties), event, context);
      } catch (error) {
        if (!isTransient(error)) throw error;
        // An outage must not fail the event (a failed rollback cannot be undone):
        // the polls of isComplete converge the group once FinSpace answers.
        context.log('FinSpace did not answer; the polls converge the group', { error: (error as Error).name });
        return { ...created(event.PhysicalResourceId!), ConvergeInPolls: true, ConvergeStartedAt: context.time.now() };
      }
    }
    case 'Delete':
      try {
        return await deleteGroup(client, props, event, context);
      } catch (error) {
        if (!isTransient(error)) throw error;
        context.log('FinSpace did not answer; the polls delete the group', { error: (error as Error).name });
        return { PhysicalResourceId: event.PhysicalResourceId, DeleteAfterMembersLeave: true, DeleteStartedAt: context.time.now() };
      }
  }
}

async function isComplete(event: IsCompleteRequest, context: InvocationContext): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Create' && event.CreateInPolls) return createInPoll(event, context);
  if (event.RequestType === 'Update' && event.ConvergeInPolls) {
    return convergeInPoll(event, parsePermissionGroupProperties(event.OldResourceProperties), context);
  }
  if (event.RequestType !== 'Delete' || !event.DeleteAfterMembersLeave) return { IsComplete: true };
  // The service refused to delete a group that still had members, or did not answer:
  // ask the members to leave, and delete once they are gone.
  const props = parsePermissionGroupProperties(event.ResourceProperties);
  const client = context.clientFor(props.environmentId);
  const groupId = event.PhysicalResourceId!;
  try {
    // onEvent may not have got as far as this check.
    if (grants(props.applicationPermissions)) await refuseLossOfOwnPrivilege(client, groupId, 'deleting', context);
    const members = await listAllUsersByPermissionGroup(client, groupId);
    if (members.length > 0) {
      await removeMembers(client, groupId, members.filter(m => m.membershipStatus !== 'REMOVAL_IN_PROGRESS').map(m => m.userId!), context);
      return { IsComplete: false };
    }
    await client.deletePermissionGroup({ permissionGroupId: groupId });
  } catch (error) {
    if (isFinSpaceError(error, 'ResourceNotFoundException')) return { IsComplete: true };
    if (isFinSpaceError(error, 'ConflictException')) return { IsComplete: false };
    if (shouldPollAgain(error, event.DeleteStartedAt, context)) return { IsComplete: false };
    throw error;
  }
  return { IsComplete: true };
}

/**
 * A poll of a create that FinSpace did not answer in onEvent: the same clientToken as
 * onEvent's, so that a create FinSpace made but did not answer answers the same group.
 */
async function createInPoll(event: IsCompleteRequest, context: InvocationContext): Promise<IsCompleteResponse> {
  const props = parsePermissionGroupProperties(event.ResourceProperties);
  try {
    return { IsComplete: true, ...created(await createOrAdopt(context.clientFor(props.environmentId), props, event, context)) };
  } catch (error) {
    if (shouldPollAgain(error, event.CreateStartedAt, context)) return { IsComplete: false };
    throw error;
  }
}

/** A poll of an update that FinSpace did not answer in onEvent; its answer may carry a new group's id. */
async function convergeInPoll(event: IsCompleteRequest, old: PermissionGroupProperties, context: InvocationContext): Promise<IsCompleteResponse> {
  const props = parsePermissionGroupProperties(event.ResourceProperties);
  try {
    return { IsComplete: true, ...await update(context.clientFor(props.environmentId), props, old, event, context) };
  } catch (error) {
    if (shouldPollAgain(error, event.ConvergeStartedAt, context)) return { IsComplete: false };
    throw error;
  }
}

async function update(
  client: FinSpaceDataClient, props: PermissionGroupProperties, old: PermissionGroupProperties, event: OnEventRequest, context: InvocationContext,
) {
  if (old.environmentId !== props.environmentId && !(await exists(client, event.PhysicalResourceId!))) {
    // Another environment is another group: CloudFormation deletes the old one
    // (with its old properties) once this answer carries a new id. (When the group
    // is already there, this is the rollback of a failed move: converge it.)
    return created(await createGroup(client, props, event, 'replace'));
  }
  return converge(client, props, event, context);
}

/** The id a group holds until a poll has created it: never a FinSpace id (see isValidId). */
function placeholderId(event: OnEventRequest): string {
  return `pending-creation-${event.RequestId}`;
}

async function exists(client: FinSpaceDataClient, permissionGroupId: string): Promise<boolean> {
  if (!isValidId(permissionGroupId)) return false;
  try {
    await client.getPermissionGroup({ permissionGroupId });
    return true;
  } catch (error) {
    if (isFinSpaceError(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

function created(permissionGroupId: string): OnEventResponse {
  return { PhysicalResourceId: permissionGroupId, Data: { PermissionGroupId: permissionGroupId } };
}

/**
 * Groups of the declared name are looked up first: whether FinSpace refuses a second
 * group of one name is not documented, and the outcome must not depend on it. An
 * existing group is taken over only when the declaration says so, and only when it
 * is the one group of the name.
 */
async function createOrAdopt(client: FinSpaceDataClient, props: PermissionGroupProperties, event: OnEventRequest, context: InvocationContext) {
  const existing = await groupsNamed(client, props.name);
  if (existing.length === 0) return createGroupOrCleanUp(client, props, event, context);
  const own = await groupMadeByThisEvent(client, props, event, existing, context);
  if (own !== undefined) return own;
  const where = `of environment ${props.environmentId}`;
  if (!props.adopt) {
    throw new DeploymentFailure(`${existing.length === 1 ? 'a permission group' : `${existing.length} permission groups`} ${where} already ` +
      `${existing.length === 1 ? 'has' : 'have'} the declared name (${describeGroupIds(existing)}). ` +
      'Set ifExists: IfExists.ADOPT on the PermissionGroup to take the group over, or declare another name.');
  }
  if (existing.length > 1) {
    throw new DeploymentFailure(`${existing.length} permission groups ${where} have the declared name (${describeGroupIds(existing)}): ` +
      'cannot tell which one to adopt. Rename or delete all but one of them, or declare another name.');
  }
  const groupId = existing[0].permissionGroupId!;
  context.log('adopting the existing permission group of the declared name', { permissionGroupId: groupId });
  await converge(client, props, { ...event, PhysicalResourceId: groupId }, context);
  return groupId;
}

/**
 * The group an earlier delivery of this same Create made, if one did: the create's
 * clientToken, asked again, answers with that group. Asked when the token is new, a
 * FinSpace that refuses a taken name answers ConflictException; one that allows it
 * makes another group of the name, which is deleted again at once, so that both
 * end alike.
 */
async function groupMadeByThisEvent(
  client: FinSpaceDataClient,
  props: PermissionGroupProperties,
  event: OnEventRequest,
  existing: readonly PermissionGroup[],
  context: InvocationContext,
): Promise<string | undefined> {
  let groupId: string;
  try {
    groupId = await createGroup(client, props, event, 'create');
  } catch (error) {
    if (isFinSpaceError(error, 'ConflictException')) return undefined;
    if (isTransient(error)) {
      context.log(MAYBE_LEFT_BEHIND);
    }
    throw error;
  }
  if (existing.some(group => group.permissionGroupId === groupId)) return groupId;
  try {
    await client.deletePermissionGroup({ permissionGroupId: groupId, clientToken: idempotencyToken(event, 'delete-second-of-name') });
  } catch (error) {
    // A re-delivered event: the first delivery deleted it already.
    if (!isFinSpaceError(error, 'ResourceNotFoundException')) throw error;
  }
  return undefined;
}

/**
 * A create whose every answer was lost may still have made the group. A failed
 * Create gets no Delete that reaches this handler (the Provider framework drops it),
 * so such a group would be left behind, holding the name the next deploy needs.
 * Only the create's own clientToken tells which group it made: FinSpace answers a
 * repeated token with the first answer (for 10 minutes), so ask once more. A group
 * of the same name found by listing could be anyone's, and is never deleted.
 */
async function createGroupOrCleanUp(client: FinSpaceDataClient, props: PermissionGroupProperties, event: OnEventRequest, context: InvocationContext) {
  try {
    return await createGroup(client, props, event, 'create');
  } catch (error) {
    if (isFinSpaceError(error) && error.name !== 'ThrottlingException' && error.statusCode < 500) throw error;
    context.log('the create was not answered; asking again with its clientToken', { error: (error as Error).name });
    const groupId = await createGroup(client, props, event, 'create').catch(() => undefined);
    if (groupId === undefined) {
      context.log(MAYBE_LEFT_BEHIND);
      throw error;
    }
    // The same token answered: the group is the one this event made, whether
    // the first create made it or this one did.
    return groupId;
  }
}

async function createGroup(client: FinSpaceDataClient, props: PermissionGroupProperties, event: OnEventRequest, purpose: string) {
  const { permissionGroupId } = await client.createPermissionGroup({
    name: props.name,
    description: props.description,
    applicationPermissions: props.applicationPermissions as NonNullable<PermissionGroup['applicationPermissions']>,
    clientToken: idempotencyToken(event, purpose),
  });
  if (!permissionGroupId) throw new Error('CreatePermissionGroup answered without a permissionGroupId');
  return permissionGroupId;
}

/** Read the live group and change only what differs from the declaration. */
async function converge(client: FinSpaceDataClient, props: PermissionGroupProperties, event: OnEventRequest, context: InvocationContext) {
  const groupId = event.PhysicalResourceId!;
  const live = await liveGroup(client, groupId);
  if (!live) {
    context.log('permission group was deleted outside CloudFormation; creating it again', { permissionGroupId: groupId });
    return created(await createGroup(client, props, event, 'recreate'));
  }
  await applyDeclaration(client, props, live, event, context);
  return created(groupId);
}

/**
 * The drift audit's healing of a group (`live` as it just read it): the same
 * convergence as a deploy's, but a deleted group is never created again, since its
 * new id would be one CloudFormation does not know.
 */
export async function healPermissionGroup(event: OnEventRequest, live: PermissionGroup, context: InvocationContext): Promise<void> {
  const props = parsePermissionGroupProperties(event.ResourceProperties);
  await applyDeclaration(context.clientFor(props.environmentId), props, live, event, context);
}

async function liveGroup(client: FinSpaceDataClient, groupId: string): Promise<PermissionGroup | undefined> {
  try {
    return (await client.getPermissionGroup({ permissionGroupId: groupId })).permissionGroup;
  } catch (error) {
    if (!isFinSpaceError(error, 'ResourceNotFoundException')) throw error;
    return undefined;
  }
}

/** Changes what differs between the live group and the declaration, refusing a loss of the handler's own privilege. */
async function applyDeclaration(
  client: FinSpaceDataClient, props: PermissionGroupProperties, live: PermissionGroup, event: OnEventRequest, context: InvocationContext,
): Promise<void> {
  const groupId = event.PhysicalResourceId!;
  const changes: { name?: string; description?: string; applicationPermissions?: PermissionGroup['applicationPermissions'] } = {};
  if (live.name !== props.name) changes.name = props.name;
  // The API cannot clear a description (1..4000 characters): only set one.
  if (props.description !== undefined && live.description !== props.description) changes.description = props.description;
  if (!sameSet(live.applicationPermissions ?? [], props.applicationPermissions)) {
    changes.applicationPermissions = props.applicationPermissions as PermissionGroup['applicationPermissions'];
  }
  if (changes.name !== undefined) {
    // A rename must not depend on whether FinSpace allows two groups of one name either.
    const holders = (await groupsNamed(client, changes.name)).filter(group => group.permissionGroupId !== groupId);
    if (holders.length > 0) {
      throw new DeploymentFailure(`cannot rename permission group ${groupId}: another group of environment ${props.environmentId} ` +
        `already has the declared name (${describeGroupIds(holders)}). Declare another name.`);
    }
  }
  const changed = Object.keys(changes);
  if (grants(live.applicationPermissions) && !grants(props.applicationPermissions)) {
    await refuseLossOfOwnPrivilege(client, groupId, 'removing ManageUsersAndGroups from', context);
  }
  if (changed.length > 0) {
    await client.updatePermissionGroup({ permissionGroupId: groupId, ...changes, clientToken: idempotencyToken(event, 'update') });
  }
  context.log('permission group converged', { permissionGroupId: groupId, changed });
}

async function deleteGroup(
  client: FinSpaceDataClient, props: PermissionGroupProperties, event: OnEventRequest, context: InvocationContext,
): Promise<OnEventResponse> {
  const groupId = event.PhysicalResourceId!;
  // A failed create answers with no group id; nothing to delete then.
  if (!isValidId(groupId)) return { PhysicalResourceId: groupId };
  if (grants(props.applicationPermissions)) await refuseLossOfOwnPrivilege(client, groupId, 'deleting', context);
  try {
    await client.deletePermissionGroup({ permissionGroupId: groupId, clientToken: idempotencyToken(event, 'delete') });
  } catch (error) {
    if (isFinSpaceError(error, 'ResourceNotFoundException')) return { PhysicalResourceId: groupId };
    if (!isFinSpaceError(error, 'ConflictException')) throw error;
    context.log('permission group still has members; removing them before deleting it', { permissionGroupId: groupId });
    return { PhysicalResourceId: groupId, DeleteAfterMembersLeave: true, DeleteStartedAt: context.time.now() };
  }
  return { PhysicalResourceId: groupId };
}

async function removeMembers(client: FinSpaceDataClient, groupId: string, userIds: string[], context: InvocationContext) {
  await forEachConcurrently(userIds, context.settings.maxConcurrency, async userId => {
    try {
      await client.disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId });
    } catch (error) {
      // Already gone, or already leaving.
      if (!isFinSpaceError(error, 'ResourceNotFoundException') && !isFinSpaceError(error, 'ConflictException')) throw error;
    }
  });
}

function grants(permissions: readonly string[] | undefined): boolean {
  return (permissions ?? []).includes(PRIVILEGED_PERMISSION);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every(item => right.has(item));
}
