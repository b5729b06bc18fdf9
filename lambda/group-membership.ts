/**
 * The lifecycle of Custom::FinSpaceGroupMembership: one shard of a declared set of
 * members. onEvent lists the group and makes the calls the declaration needs;
 * isComplete lists the group once per poll, repeats whatever did not take, and is
 * done when every declared user is ADDITION_SUCCESS and every user to remove is gone.
 * When onEvent changed fewer users than a listing has pages, isComplete watches just
 * those users instead (see usersToWatch). onEvent starts the writes it can before the
 * listing ends (early-writes.ts), and isComplete checks a change in flight again within
 * the same invocation before it answers "not yet" (settle-wait.ts).
 */
import { forEachConcurrently } from './concurrency';
import { EarlyWrites, type EarlyWritten } from './early-writes';
import { DeploymentFailure } from './failure';
import {
  DEFAULT_PAGE_SIZE,
  FinSpaceDataError,
  isFinSpaceError,
  isTransient,
  listAllPermissionGroupsByUser,
  paginate,
  type FinSpaceDataClient,
  type UserByPermissionGroup,
} from './finspace';
import type { InvocationContext } from './handler-context';
import { idempotencyToken } from './idempotency';
import { shouldPollAgain } from './poll-again';
import { parseGroupMembershipProperties, type GroupMembershipProperties } from './properties';
import type { IsCompleteRequest, IsCompleteResponse, Lifecycle, OnEventRequest, OnEventResponse } from './provider-types';
import { settlePause } from './settle-wait';
import { ROLLBACK_CLEANUP_STATUSES, stackIsIn, UPDATE_ROLLBACK_IN_PROGRESS } from './stack-status';
import type { Phase } from './time-budget';
import { directoryOfMembers, refuseUnresolvable, resolveEmails, userDirectoryOnce, type UserDirectory } from './user-directory';
import { declaringResource } from '../contract/declared-members';
import { emailMemberKey, emailOfMemberKey } from '../contract/finspace-users';
import { shardOf } from '../contract/membership-shards';

const UNDO_ROUND_PAUSE_MS = 1_000;
/** The most early additions that each read the user's groups first (one call each) while a rollback record is kept. */
const EARLY_ADDITIONS_CHECKED = 20;
/** How many user ids a failure reason names. */
const NAMED_IN_REASON = 10;
/**
 * The most users onEvent hands isComplete to watch. They travel in the Provider
 * framework's waiter state, which the user ids already fill up to 70% (see
 * MAX_INLINE_USER_IDS): 100 ids take under 3 KiB.
 */
const MAX_WATCHED_USERS = 100;

type MembershipStatus = NonNullable<UserByPermissionGroup['membershipStatus']>;

/** What one event asks of the group. */
interface Target {
  readonly props: GroupMembershipProperties;
  /** Users that must end as ADDITION_SUCCESS. */
  readonly keep: ReadonlySet<string>;
  /** True when this event adds users to a group that did not have them (Create). */
  readonly undoAddsOnFailure: boolean;
  /**
   * Users this resource declared before but another resource of the stack declares
   * now (a membership renamed, split, merged, or handing a user to another of the
   * group): never removed here.
   */
  readonly handedOver: readonly string[];
  /** Users the declarations add (declared now, not before): known without a listing. */
  readonly declaredAdditions: readonly string[];
  /** Users that must end absent, given the live members. */
  remove(live: ReadonlyMap<string, UserByPermissionGroup>): string[];
}

/**
 * What the polls still do about members found already present (see withPreexisting):
 * `pending`, onEvent did not list the group, so the first poll that does records them
 * (or, in a rollback, reads them); `sparing`, this is a rollback that keeps some.
 */
type PreexistingState = 'pending' | 'sparing';

/** An event's target once members found already present are accounted for. */
interface WithPreexisting {
  readonly target: Target;
  readonly state?: 'sparing';
  /** The record could not be made: this poll writes nothing (a later poll would take this event's additions for members found there). */
  readonly holdWrites?: boolean;
}

/** Users whose change onEvent made or found in flight, for isComplete to see settle. */
interface WatchedUsers {
  /** To end ADDITION_SUCCESS. */
  readonly add: string[];
  /** To end absent. */
  readonly remove: string[];
}

/** The state of one reconcile pass, for the answer and the log. */
interface Pass {
  readonly added: string[];
  readonly removed: string[];
  readonly pendingAdd: string[];
  readonly pendingRemove: string[];
  readonly waitingToReAdd: string[];
}

export function groupMembershipLifecycle(context: InvocationContext): Lifecycle {
  return {
    onEvent: event => onEvent(event, context),
    isComplete: event => isComplete(event, context),
  };
}

export function physicalIdOf(props: GroupMembershipProperties): string {
  return `${props.permissionGroupId}/${props.membershipKey}/${props.shardIndex}`;
}

async function onEvent(event: OnEventRequest, context: InvocationContext): Promise<OnEventResponse> {
  const props = parseGroupMembershipProperties(event.ResourceProperties);
  const physicalId = event.RequestType === 'Delete' ? event.PhysicalResourceId! : physicalIdOf(props);
  const base = { PhysicalResourceId: physicalId, ReconcileStartedAt: context.time.now() };
  if (event.RequestType === 'Delete' && physicalId !== physicalIdOf(props)) {
    // A failed create answered without an id of ours: nothing was left behind.
    return { ...base, NothingToDo: true };
  }
  const client = context.clientFor(props.environmentId);
  let data = { PermissionGroupId: props.permissionGroupId, Members: props.userIds.length + props.emails.length };
  let target: Target;
  let live: Map<string, UserByPermissionGroup> | undefined;
  let pass: Pass;
  let preexisting: WithPreexisting | undefined;
  let written: EarlyWritten | undefined;
  // A rollback may keep members that the failed deploy found already there, which only
  // the record and the whole listing tell (withPreexisting): its removals wait for both.
  const rollingBack = context.preexistingMembers !== undefined && event.RequestType !== 'Create' && await stackIsIn(
    event, context, event.RequestType === 'Update' ? [UPDATE_ROLLBACK_IN_PROGRESS] : ROLLBACK_CLEANUP_STATUSES);
  // The rollback record names the declared users found already there, never those this
  // event added: with a record to make, an early addition first reads the user's groups,
  // and many additions wait for the listing instead.
  const recording = context.preexistingMembers !== undefined && !rollingBack && event.RequestType !== 'Delete';
  try {
    target = await targetOf(event, context, userDirectoryOnce(client), 'onEvent');
    const declared = target;
    data = { ...data, Members: target.keep.size };
    if (target.handedOver.length > 0) {
      context.log('users left to the resource that declares them now', { userIds: target.handedOver });
    }
    if (event.RequestType === 'Delete' && target.keep.size === 0 && target.handedOver.length === target.props.userIds.length) {
      // Every user is another resource's now (a membership renamed, or the shards of an
      // earlier version merged into one): nothing to remove, so nothing to list.
      return { ...base, NothingToDo: true };
    }
    const early = new EarlyWrites(client, {
      groupId: declared.props.permissionGroupId,
      additions: recording && declared.declaredAdditions.length > EARLY_ADDITIONS_CHECKED ? [] : declared.declaredAdditions,
      removalsOf: page => rollingBack ? [] : declared.remove(page),
      token: (action, userId) => idempotencyToken(event, `${action}:${userId}`),
      mayAdd: recording ? async userId => await membershipStatusOf(client, declared.props.permissionGroupId, userId) === undefined : undefined,
    }, context);
    try {
      live = await liveMembers(client, target.props, event, context, page => early.onPage(page));
    } finally {
      written = await early.settled();
    }
    if (!live) return { ...base, NothingToDo: true };
    preexisting = await withPreexisting(event, target, live, context, undefined, { rollingBack, askedToAdd: written.askedToAdd });
    pass = await reconcile(client, preexisting.target, live, event, context, 'write', written);
  } catch (error) {
    if (!isTransient(error)) throw error;
    // An outage must not fail the event (a failed rollback cannot be undone): the
    // polls of isComplete list the group and make what is left, until the timeout.
    context.log('FinSpace did not answer; the polls make the remaining changes', { error: (error as Error).name });
    const state: PreexistingState | undefined = preexisting ? preexisting.state : context.preexistingMembers && 'pending';
    // The poll that makes the record must not take the users this event asked to add for
    // members found there, even when FinSpace did not answer whether it added them.
    const askedToAdd = recording && state === 'pending' ? [...written?.askedToAdd ?? []] : [];
    return { ...base, ...(state ? { Preexisting: state } : {}), ...(askedToAdd.length > 0 ? { AskedToAdd: askedToAdd } : {}), Data: data };
  }
  context.log('membership reconciled', summary(event, target.props, pass, target));
  if (target.props.exclusive && event.RequestType === 'Create' && pass.removed.length > 0) {
    // A new exclusive declaration found members that no declaration of this stack
    // names: someone else manages this group too, and each deploy undoes the other's.
    context.log('an exclusive membership removed members that this stack does not declare; if another stack or app also declares members ' +
      'of this group, their deploys remove each other\'s users: keep one owner per group', { userIds: pass.removed.slice(0, NAMED_IN_REASON) });
  }
  const watched = usersToWatch(pass, live.size);
  return {
    ...base,
    ...(watched ? { WatchedUsers: watched } : {}),
    ...(preexisting.state ? { Preexisting: preexisting.state } : {}),
    Data: data,
  };
}

async function isComplete(event: IsCompleteRequest, context: InvocationContext): Promise<IsCompleteResponse> {
  const answer = await poll(event, context);
  if (answer.IsComplete && event.RequestType === 'Delete') await forgetPreexisting(event, context);
  return answer;
}

async function poll(event: IsCompleteRequest, context: InvocationContext): Promise<IsCompleteResponse> {
  if (event.NothingToDo) return { IsComplete: true };
  const props = parseGroupMembershipProperties(event.ResourceProperties);
  const client = context.clientFor(props.environmentId);
  let watched = watchedUsersOf(event);
  let target: Target | undefined;
  const users = userDirectoryOnce(client);
  for (let check = 0; ; check++) {
    let pass: Pass | undefined;
    try {
      if (watched) pass = await watch(client, props.permissionGroupId, watched, context);
      if (!pass) {
        const live = await liveMembers(client, props, event, context);
        if (!live) return { IsComplete: true };
        target = await targetOf(event, context, users, 'isComplete', live);
        const state = preexistingStateOf(event);
        const preexisting: WithPreexisting = state
          ? await withPreexisting(event, target, live, context, state, { askedToAdd: askedToAddOf(event) })
          : { target };
        if (preexisting.holdWrites) {
          if (context.time.expired(event.ReconcileStartedAt)) {
            throw new DeploymentFailure('Parameter Store did not take the record of the declared users found already in permission group ' +
              `${props.permissionGroupId}, which a rollback needs; nothing was changed in FinSpace. Deploy again later.`);
          }
          return { IsComplete: false };
        }
        pass = await reconcile(client, preexisting.target, live, event, context, 'repair');
        // What is left in flight after a listing is checked again like onEvent's changes.
        watched = usersToWatch(pass, live.size);
      }
    } catch (error) {
      if (shouldPollAgain(error, event.ReconcileStartedAt, context)) return { IsComplete: false };
      throw error;
    }
    const waiting = pass.pendingAdd.length + pass.pendingRemove.length + pass.waitingToReAdd.length + pass.added.length + pass.removed.length;
    if (waiting === 0) return { IsComplete: true };

    if (context.time.expired(event.ReconcileStartedAt)) {
      throw new DeploymentFailure(stuckReason(pass, context.time.changeStartedAt(event.ReconcileStartedAt), context));
    }
    const pause = settlePause(check);
    if (!context.time.mayWaitInside(pause)) {
      context.log('waiting for FinSpace', summary(event, props, pass, target));
      return {
        IsComplete: false,
        MembershipProgress: {
          adding: pass.added.length + pass.pendingAdd.length,
          removing: pass.removed.length + pass.pendingRemove.length,
          waitingToReAdd: pass.waitingToReAdd.length,
        },
      };
    }
    await context.sleep(pause);
  }
}

/**
 * The drift audit's healing of one membership resource: the reconcile pass of a
 * deploy, for an update that declares what is declared already, against the
 * listing the audit just made (`live`, the group's members by user id). Every rule
 * of a deploy holds: only declared users are added, only an exclusive membership
 * removes users no resource of the stack declares, never the handler's own user.
 *
 * @returns the users it could not change yet: still leaving the group (FinSpace
 * takes them back only once gone), or not reached before the invocation's time ran out
 */
export async function healMembership(
  event: OnEventRequest, live: ReadonlyMap<string, UserByPermissionGroup>, context: InvocationContext,
): Promise<{ readonly stillLeaving: readonly string[]; readonly notReached: readonly string[] }> {
  const props = parseGroupMembershipProperties(event.ResourceProperties);
  const client = context.clientFor(props.environmentId);
  const target = await targetOf(event, context, userDirectoryOnce(client), 'isComplete', live);
  const pass = await reconcile(client, target, live, event, context, 'write');
  context.log('membership healed', summary(event, target.props, pass, target));
  const inFlight = (userId: string) => ['ADDITION_IN_PROGRESS', 'REMOVAL_IN_PROGRESS'].includes(live.get(userId)?.membershipStatus ?? '');
  return {
    stillLeaving: pass.waitingToReAdd,
    notReached: [...pass.pendingAdd, ...pass.pendingRemove].filter(userId => !inFlight(userId)),
  };
}

/**
 * What the event asks, from its properties (and the previous ones on update), with
 * the users declared by e-mail resolved to their ids, when the event or the stack's
 * declaration of the group names users by e-mail. onEvent lists the environment's
 * users (it starts writes before the group is listed); a poll resolves from its
 * listing of the group, which carries each member's address, and lists the users
 * only when an address it must add is not among the members (see emailsToAdd).
 * Addresses it only removes or leaves alone need no listing: a user not in the
 * group is nothing to remove or spare.
 *
 * @param users the environment's users, listed at most once per invocation
 * @param live the poll's listing of the group; undefined in onEvent
 */
async function targetOf(
  event: OnEventRequest, context: InvocationContext, users: () => Promise<UserDirectory>, phase: Phase,
  live?: ReadonlyMap<string, UserByPermissionGroup>,
): Promise<Target> {
  const declared = parseGroupMembershipProperties(event.ResourceProperties);
  const declaredOld = event.RequestType === 'Update' ? parseGroupMembershipProperties(event.OldResourceProperties) : undefined;
  const othersEmails = emailsOthersDeclare(declared, context);
  if (declared.emails.length === 0 && !declaredOld?.emails.length && othersEmails.length === 0) {
    return targetFor(event, context, declared, declaredOld, undefined);
  }
  const members = live && directoryOfMembers(live);
  const directory = members?.coversEmails(emailsToAdd(event, declared, declaredOld, othersEmails)) ? members : await users();
  const resolved = resolveEmails(declared.emails, directory);
  // A Delete removes the users it can still find; the others cannot be members.
  if (event.RequestType !== 'Delete') refuseUnresolvable(resolved, declared.emails, declared.userIds, directory);
  if (phase === 'onEvent' && resolved.disabled.length > 0 && event.RequestType !== 'Delete') {
    context.log('users declared by e-mail are DISABLED in FinSpace; adding them as far as FinSpace accepts it', { userIds: resolved.disabled });
  }
  const withResolved = (props: GroupMembershipProperties, userIds: string[]): GroupMembershipProperties =>
    ({ ...props, userIds: [...new Set([...props.userIds, ...userIds])] });
  const props = withResolved(declared, resolved.userIds);
  const old = declaredOld && withResolved(declaredOld, resolveEmails(declaredOld.emails, directory).userIds);
  return targetFor(event, context, props, old, directory);
}

/** The addresses other resources of the stack declare for the group (see othersDeclared and ownerOf). */
function emailsOthersDeclare(props: GroupMembershipProperties, context: InvocationContext): string[] {
  const index = context.settings.declaredMembers;
  if (!index || !props.groupKey) return [];
  const me = declaringResource(props.membershipKey, props.shardIndex);
  return index.declaredUsers(props.groupKey, props.environmentId)
    .filter(([, resource]) => resource !== me)
    .map(([key]) => emailOfMemberKey(key))
    .filter((email): email is string => email !== undefined);
}

/**
 * The addresses whose users the event may have to add, and so must resolve even
 * when they are not members: its own (unless it deletes), and, for an exclusive
 * membership, those other resources declare (which it may put back).
 */
function emailsToAdd(
  event: OnEventRequest, props: GroupMembershipProperties, old: GroupMembershipProperties | undefined, othersEmails: readonly string[],
): string[] {
  return [
    ...event.RequestType === 'Delete' ? [] : props.emails,
    ...props.exclusive || old?.exclusive ? othersEmails : [],
  ];
}

function targetFor(
  event: OnEventRequest,
  context: InvocationContext,
  props: GroupMembershipProperties,
  old: GroupMembershipProperties | undefined,
  directory: UserDirectory | undefined,
): Target {
  const mine = (userId: string) => shardOf(userId, props.shardCount) === props.shardIndex;
  const isProtected = (member: UserByPermissionGroup | undefined) =>
    context.settings.handlerRoleArn !== undefined && member?.apiAccessPrincipalArn === context.settings.handlerRoleArn;
  const present = (live: ReadonlyMap<string, UserByPermissionGroup>, userId: string) => live.has(userId) && !isProtected(live.get(userId));
  const owner = ownerOf(props, context, directory);

  if (event.RequestType === 'Delete') {
    const handedOver = props.userIds.filter(userId => owner(userId) === 'another');
    return {
      props,
      // An exclusive membership that goes puts back what the stack's other resources
      // declare for the group: when this is the rollback of a failed deploy that
      // replaced an exclusive membership with this one, its sweep removed the users of
      // the one it replaced, which stays. Otherwise they are there already.
      keep: new Set(props.exclusive && !mergedIntoAnother(props, context) ? othersDeclared(props, context, directory) : []),
      undoAddsOnFailure: false,
      handedOver,
      declaredAdditions: [],
      remove: live => props.userIds.filter(userId => owner(userId) !== 'another' && present(live, userId)),
    };
  }

  const keep = new Set(props.userIds);
  let dropped: string[] = [];
  let handedOver: string[] = [];
  let undoAddsOnFailure = true;
  let declaredAdditions: string[] = [];
  if (event.RequestType === 'Update' && old) {
    const sameGroup = old.permissionGroupId === props.permissionGroupId && old.environmentId === props.environmentId;
    if (sameGroup) {
      undoAddsOnFailure = false;
      const letGo = old.userIds.filter(userId => !keep.has(userId));
      dropped = letGo.filter(userId => owner(userId) !== 'another');
      handedOver = letGo.filter(userId => owner(userId) === 'another');
      const before = new Set(old.userIds);
      declaredAdditions = props.userIds.filter(userId => !before.has(userId));
      if (old.exclusive && !props.exclusive) {
        for (const userId of othersDeclared(props, context, directory)) keep.add(userId);
      }
    }
  }
  return {
    props,
    keep,
    undoAddsOnFailure,
    handedOver,
    declaredAdditions,
    remove: live => props.exclusive
      ? [...live.keys()].filter(userId => !keep.has(userId) && mine(userId) && owner(userId) !== 'another' && present(live, userId))
      : dropped.filter(userId => present(live, userId)),
  };
}

/**
 * The users other resources of the stack declare for this group. A membership that
 * stops being exclusive puts them back: the exclusive sweep may have removed them
 * when this is the rollback of a failed switch to exclusive that also removed those
 * memberships (CloudFormation never got to delete them, and rolls back the layer,
 * so they are declared again).
 */
function othersDeclared(props: GroupMembershipProperties, context: InvocationContext, directory: UserDirectory | undefined): string[] {
  const index = context.settings.declaredMembers;
  if (!index || !props.groupKey) return [];
  const me = declaringResource(props.membershipKey, props.shardIndex);
  const userIdOf = (key: string): string | undefined => {
    const email = emailOfMemberKey(key);
    return email === undefined ? key : directory?.byEmail(email)?.userId;
  };
  return index.declaredUsers(props.groupKey, props.environmentId)
    .filter(([, resource]) => resource !== me)
    .map(([key]) => userIdOf(key))
    .filter((userId): userId is string => userId !== undefined);
}

/**
 * Whether the stack declares this resource's membership in another resource now: a
 * shard of an earlier version whose membership is one resource today. Its users
 * stay with that resource, which sweeps for itself when it is exclusive.
 */
function mergedIntoAnother(props: GroupMembershipProperties, context: InvocationContext): boolean {
  const index = context.settings.declaredMembers;
  if (!index || !props.groupKey) return false;
  const me = declaringResource(props.membershipKey, props.shardIndex);
  const sameMembership = `${props.membershipKey}/`;
  return index.declaredUsers(props.groupKey, props.environmentId).some(([, resource]) => resource !== me && resource.startsWith(sameMembership));
}

/**
 * Whether another resource of the stack declares a user for this group now: then
 * this one must not remove it. From the stack's declared members when the function
 * has them; from the shard layout alone otherwise (templates of earlier versions).
 */
function ownerOf(
  props: GroupMembershipProperties, context: InvocationContext, directory: UserDirectory | undefined,
): (userId: string) => 'this' | 'another' | 'none' {
  const index = context.settings.declaredMembers;
  const me = declaringResource(props.membershipKey, props.shardIndex);
  if (index && props.groupKey) {
    return userId => {
      // A user is declared by its id, or by its e-mail address.
      const email = directory?.emailOf(userId);
      const declaring = index.declaringResource(props.groupKey!, props.environmentId, userId) ??
        (email === undefined ? undefined : index.declaringResource(props.groupKey!, props.environmentId, emailMemberKey(email)));
      return declaring === undefined ? 'none' : declaring === me ? 'this' : 'another';
    };
  }
  return userId => shardOf(userId, props.shardCount) === props.shardIndex ? 'none' : 'another';
}

/**
 * The group's members by user id; undefined when the group is gone and there is
 * nothing to put back: a Delete, or an Update that rolls back a failed deploy.
 */
async function liveMembers(
  client: FinSpaceDataClient,
  props: GroupMembershipProperties,
  event: OnEventRequest,
  context: InvocationContext,
  onPage?: (page: ReadonlyMap<string, UserByPermissionGroup>) => void,
) {
  try {
    const members = new Map<string, UserByPermissionGroup>();
    for await (const { users } of paginate(client, 'ListUsersByPermissionGroup', { permissionGroupId: props.permissionGroupId })) {
      const page = new Map((users ?? []).filter(m => m.userId).map(m => [m.userId!, m]));
      for (const [userId, member] of page) members.set(userId, member);
      onPage?.(page);
    }
    return members;
  } catch (error) {
    if (!isFinSpaceError(error, 'ResourceNotFoundException')) throw error;
    if (event.RequestType === 'Delete') return undefined;
    if (event.RequestType === 'Update' && await stackIsIn(event, context)) {
      // The forward deploy failed on this missing group; failing its rollback too would
      // leave the stack in UPDATE_ROLLBACK_FAILED, with no members to restore anyway.
      context.log('permission group gone during a rollback: no members to put back', {
        logicalResourceId: event.LogicalResourceId,
        permissionGroupId: props.permissionGroupId,
      });
      return undefined;
    }
    throw new DeploymentFailure(
      `permission group ${props.permissionGroupId} does not exist in FinSpace environment ${props.environmentId}. ` +
      'If it was deleted outside CloudFormation, change the PermissionGroup (its description, say) in the next deploy so that it is created again.');
  }
}

/**
 * Members found already present, before an event's first write. A deploy (Create or
 * Update) records the users it declares anew that are already in the group; the
 * rollback of that deploy (an Update back, or the Delete of what it created) reads
 * the record, and the users it would remove that the record names stay, as they were
 * before. Parameter Store failures never fail the event: a record not read removes
 * those users as the declaration says (logged); a record not made by onEvent is
 * logged (its rollback would remove them), and one not made by a poll holds that
 * poll's writes, because the next poll would take this event's additions for members
 * found there.
 *
 * @param state what onEvent left for the polls; undefined in onEvent itself
 * @param known what onEvent already knows: whether the stack rolls back, and the users
 *   its early writes asked to add (in the listing, yet not found there), also those
 *   whose answer was lost
 */
async function withPreexisting(
  event: OnEventRequest,
  target: Target,
  live: ReadonlyMap<string, UserByPermissionGroup>,
  context: InvocationContext,
  state: PreexistingState | undefined,
  known: { readonly rollingBack?: boolean; readonly askedToAdd?: ReadonlySet<string> } = {},
): Promise<WithPreexisting> {
  const memory = context.preexistingMembers;
  const inPoll = state !== undefined;
  if (!memory) return { target };
  const logicalId = event.LogicalResourceId;
  const fields = { logicalResourceId: logicalId, permissionGroupId: target.props.permissionGroupId };

  if (event.RequestType !== 'Create') {
    const candidates = target.remove(live);
    const isRollback = state === 'sparing' || (known.rollingBack ?? (
      (event.RequestType === 'Update' || candidates.length > 0) &&
      await stackIsIn(event, context, event.RequestType === 'Update' ? [UPDATE_ROLLBACK_IN_PROGRESS] : ROLLBACK_CLEANUP_STATUSES)));
    if (event.RequestType === 'Delete' || isRollback) {
      if (!isRollback || candidates.length === 0) return { target };
      // The failed deploy's declaration: the one an Update leaves, or the created one a Delete takes away.
      // As declared, e-mail addresses unresolved: the record is made for the declaration, not for what it resolved to.
      const failed = parseGroupMembershipProperties(event.RequestType === 'Update' ? event.OldResourceProperties : event.ResourceProperties);
      let recorded: string[];
      try {
        recorded = await memory.recorded(logicalId, failed);
      } catch (error) {
        context.log('could not read which users the failed deploy found already present; the rollback removes them as the declaration says',
          { ...fields, error: (error as Error).name });
        return { target };
      }
      const spared = new Set(recorded.filter(userId => candidates.includes(userId)));
      if (spared.size === 0) return { target };
      if (!inPoll) context.log('users the failed deploy found already present stay', { ...fields, userIds: [...spared].slice(0, NAMED_IN_REASON), count: spared.size });
      return { target: { ...target, remove: members => target.remove(members).filter(userId => !spared.has(userId)) }, state: 'sparing' };
    }
  }

  const found = foundPresent(event, target.props, live).filter(userId => !known.askedToAdd?.has(userId));
  try {
    if (inPoll && await memory.isRecordedBy(logicalId, event.RequestId)) return { target };
    await memory.record(logicalId, parseGroupMembershipProperties(event.ResourceProperties), event.RequestId, found);
  } catch (error) {
    if (inPoll) {
      context.log('could not record the declared users found already present; this poll changes nothing', { ...fields, error: (error as Error).name });
      return { target, holdWrites: true };
    }
    context.log('could not record the declared users found already present: should this deploy fail, its rollback removes them',
      { ...fields, count: found.length, error: (error as Error).name });
  }
  return { target };
}

/** The users an event declares anew (not declared in this group before) that are already in it. */
function foundPresent(event: OnEventRequest, props: GroupMembershipProperties, live: ReadonlyMap<string, UserByPermissionGroup>): string[] {
  let before = new Set<string>();
  if (event.RequestType === 'Update') {
    const old = parseGroupMembershipProperties(event.OldResourceProperties);
    if (old.permissionGroupId === props.permissionGroupId && old.environmentId === props.environmentId) before = new Set(old.userIds);
  }
  return props.userIds.filter(userId => !before.has(userId) && live.has(userId) && live.get(userId)!.membershipStatus !== 'REMOVAL_IN_PROGRESS');
}

function preexistingStateOf(event: IsCompleteRequest): PreexistingState | undefined {
  return event.Preexisting === 'pending' || event.Preexisting === 'sparing' ? event.Preexisting : undefined;
}

/** The users onEvent asked FinSpace to add before the record was made, if the event carries a well-formed list. */
function askedToAddOf(event: IsCompleteRequest): ReadonlySet<string> {
  const asked = event.AskedToAdd;
  return new Set(Array.isArray(asked) ? asked.filter((userId): userId is string => typeof userId === 'string') : []);
}

/** A membership that is gone needs no record; a failure only leaves a record that nothing trusts again. */
async function forgetPreexisting(event: IsCompleteRequest, context: InvocationContext): Promise<void> {
  try {
    await context.preexistingMembers?.forget(event.LogicalResourceId);
  } catch (error) {
    context.log('could not delete the record of users found already present', { logicalResourceId: event.LogicalResourceId, error: (error as Error).name });
  }
}

/**
 * Makes the calls that bring the live members towards the target. `write` is the
 * first pass of an event (idempotency tokens derived from it, so a re-delivered
 * event repeats nothing); `repair` passes let the client pick fresh tokens, because
 * a call repeated then is a new attempt, not a retry. `written`: what onEvent's early
 * writes made while the group was listed, which the listing may not show yet.
 */
async function reconcile(
  client: FinSpaceDataClient,
  target: Target,
  live: ReadonlyMap<string, UserByPermissionGroup>,
  event: OnEventRequest,
  context: InvocationContext,
  mode: 'write' | 'repair',
  written?: EarlyWritten,
): Promise<Pass> {
  const status = (userId: string): MembershipStatus | undefined => live.get(userId)?.membershipStatus;
  const added: string[] = [];
  const removed: string[] = [];
  const toAdd: string[] = [];
  const pendingAdd: string[] = [];
  const waitingToReAdd: string[] = [];
  for (const userId of target.keep) {
    const state = status(userId);
    if (written?.added.has(userId)) {
      if (state !== 'ADDITION_SUCCESS') added.push(userId);
    } else if (state === undefined) {toAdd.push(userId);} else if (state === 'ADDITION_IN_PROGRESS') {pendingAdd.push(userId);} else if (state === 'REMOVAL_IN_PROGRESS') {waitingToReAdd.push(userId);}
  }
  const toRemove: string[] = [];
  const pendingRemove: string[] = [];
  for (const userId of target.remove(live)) {
    if (written?.removed.has(userId)) removed.push(userId);
    else if (status(userId) === 'REMOVAL_IN_PROGRESS') pendingRemove.push(userId);
    else toRemove.push(userId);
  }

  const groupId = target.props.permissionGroupId;
  const token = (action: string, userId: string) => mode === 'write' ? idempotencyToken(event, `${action}:${userId}`) : undefined;
  const refused: string[] = [];

  try {
    // A user still leaving may be accepted again at once, or only once gone: try.
    await forEachConcurrently([...toAdd, ...waitingToReAdd], context.settings.maxConcurrency, async userId => {
      try {
        await client.associateUserToPermissionGroup({ permissionGroupId: groupId, userId, clientToken: token('add', userId) });
        added.push(userId);
      } catch (error) {
        if (isFinSpaceError(error, 'ConflictException')) {
          // Usually already a member, or still leaving; but FinSpace may answer 409 for
          // other reasons (a disabled user, say), and then the user never joins.
          if (await membershipStatusOf(client, groupId, userId) === undefined) refused.push(`'${userId}' was refused (${describeRefusal(error)})`);
          return;
        }
        if (isFinSpaceError(error, 'ResourceNotFoundException')) {
          refused.push(`'${userId}' does not exist`);
        } else if (isFinSpaceError(error, 'ValidationException')) {
          refused.push(`'${userId}' was refused (${describeRefusal(error)})`);
        } else {
          throw error;
        }
      }
    }, () => !context.time.writesAllowed());

    await forEachConcurrently(toRemove, context.settings.maxConcurrency, async userId => {
      try {
        await client.disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId, clientToken: token('remove', userId) });
        removed.push(userId);
      } catch (error) {
        // Not a member (any more), or already leaving.
        if (isFinSpaceError(error, 'ResourceNotFoundException') || isFinSpaceError(error, 'ConflictException')) return;
        throw error;
      }
    }, () => !context.time.writesAllowed());
  } catch (error) {
    // A call FinSpace did not answer is made again by the next poll; anything else
    // fails the event, which takes back what a create added.
    if (!isTransient(error) && target.undoAddsOnFailure && added.length > 0) await undoAdds(client, groupId, added, context);
    throw error;
  }

  if (refused.length > 0) {
    if (target.undoAddsOnFailure && added.length > 0) await undoAdds(client, groupId, added, context);
    throw new DeploymentFailure(
      `FinSpace refused ${refused.length} of ${target.keep.size} declared users of permission group ${groupId}: ` +
      `${refused.slice(0, NAMED_IN_REASON).join('; ')}${refused.length > NAMED_IN_REASON ? `; and ${refused.length - NAMED_IN_REASON} more` : ''}. ` +
      'Create or enable these users in FinSpace, or remove them from the declaration.');
  }
  return {
    added,
    removed,
    pendingAdd: [...pendingAdd, ...toAdd.filter(userId => !added.includes(userId))],
    pendingRemove: [...pendingRemove, ...toRemove.filter(userId => !removed.includes(userId))],
    waitingToReAdd: waitingToReAdd.filter(userId => !added.includes(userId)),
  };
}

/** The user's membership of the group as FinSpace reports it now; undefined when none. */
async function membershipStatusOf(client: FinSpaceDataClient, groupId: string, userId: string): Promise<MembershipStatus | undefined> {
  try {
    const groups = await listAllPermissionGroupsByUser(client, userId);
    return groups.find(group => group.permissionGroupId === groupId)?.membershipStatus;
  } catch (error) {
    if (isFinSpaceError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/** What FinSpace said when it refused a user: its reason code, if any, and message. */
function describeRefusal(error: FinSpaceDataError): string {
  return `${error.name}${error.reason ? ` ${error.reason}` : ''}: ${error.message.replace(/\.+$/, '')}`;
}

/**
 * Confirming a change by listing the group costs a page per 100 members on every
 * poll, however few users changed: one member added to a group of 5,000 would cost
 * 50 calls a poll. Watching each changed user costs one ListPermissionGroupsByUser
 * page instead, so onEvent hands isComplete the users to watch when there are fewer
 * of them than the listing has pages (and few enough to travel in the event). None
 * to watch means the listing found everything settled: isComplete makes no call.
 */
function usersToWatch(pass: Pass, groupSize: number): WatchedUsers | undefined {
  const add = [...pass.added, ...pass.pendingAdd, ...pass.waitingToReAdd];
  const remove = [...pass.removed, ...pass.pendingRemove];
  const watched = add.length + remove.length;
  const listingPages = Math.ceil((groupSize + add.length) / DEFAULT_PAGE_SIZE);
  return watched < listingPages && watched <= MAX_WATCHED_USERS ? { add, remove } : undefined;
}

/** The users onEvent handed over, if the event carries a well-formed list. */
function watchedUsersOf(event: IsCompleteRequest): WatchedUsers | undefined {
  const watched = event.WatchedUsers as Partial<WatchedUsers> | undefined;
  const isList = (value: unknown): value is string[] => Array.isArray(value) && value.every(item => typeof item === 'string');
  return watched && isList(watched.add) && isList(watched.remove) ? { add: watched.add, remove: watched.remove } : undefined;
}

/**
 * Where the watched users stand in the group, as a pass with nothing written; or
 * undefined when one of them needs a write (its change did not take, or someone
 * undid it), which the full listing pass then makes.
 */
async function watch(client: FinSpaceDataClient, groupId: string, watched: WatchedUsers, context: InvocationContext): Promise<Pass | undefined> {
  const status = new Map<string, MembershipStatus | undefined>();
  await forEachConcurrently([...watched.add, ...watched.remove], context.settings.maxConcurrency, async userId => {
    try {
      const groups = await listAllPermissionGroupsByUser(client, userId);
      status.set(userId, groups.find(group => group.permissionGroupId === groupId)?.membershipStatus);
    } catch (error) {
      if (!isFinSpaceError(error, 'ResourceNotFoundException')) throw error;
      status.set(userId, undefined); // the user is gone, and with it any membership
    }
  });
  const pendingAdd: string[] = [];
  const pendingRemove: string[] = [];
  for (const userId of watched.add) {
    const state = status.get(userId);
    if (state === 'ADDITION_IN_PROGRESS') pendingAdd.push(userId);
    else if (state !== 'ADDITION_SUCCESS') return undefined;
  }
  for (const userId of watched.remove) {
    const state = status.get(userId);
    if (state === 'REMOVAL_IN_PROGRESS') pendingRemove.push(userId);
    else if (state !== undefined) return undefined;
  }
  return { added: [], removed: [], pendingAdd, pendingRemove, waitingToReAdd: [] };
}

/**
 * A failed create is never followed by a delete that reaches this handler (the
 * Provider framework drops it), and the rollback of a failed move to another group
 * updates the membership back without a word to the new group: so undo what this
 * event added there before failing.
 */
async function undoAdds(client: FinSpaceDataClient, groupId: string, userIds: string[], context: InvocationContext) {
  // Nothing will come back for a user left here: while the invocation has time, try
  // again those that FinSpace did not answer.
  let pending = userIds;
  for (let round = 1; ; round++) {
    const failed: Array<{ userId: string; error: unknown }> = [];
    await forEachConcurrently(pending, context.settings.maxConcurrency, async userId => {
      try {
        await client.disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId });
      } catch (error) {
        if (isFinSpaceError(error, 'ResourceNotFoundException') || isFinSpaceError(error, 'ConflictException')) return; // gone, or leaving
        failed.push({ userId, error });
      }
    });
    const again = context.time.undoRetriesAllowed() ? failed.filter(({ error }) => isTransient(error)) : [];
    for (const { userId, error } of failed.filter(failure => !again.includes(failure))) {
      context.log('could not undo an addition of the failed event', { userId, error: (error as Error).name });
    }
    if (again.length === 0) return;
    context.log('FinSpace did not answer some undos; trying them again', { round, users: again.length });
    await context.sleep(UNDO_ROUND_PAUSE_MS);
    pending = again.map(({ userId }) => userId);
  }
}

function stuckReason(pass: Pass, startedAt: number, context: InvocationContext): string {
  const since = new Date(startedAt).toISOString();
  const elapsedMs = context.time.now() - startedAt;
  const waited = elapsedMs < 60_000 ? `${Math.round(elapsedMs / 1000)} seconds` : `${Math.round(elapsedMs / 60_000)} minutes`;
  const parts: string[] = [];
  const adding = [...pass.pendingAdd, ...pass.added];
  const removing = [...pass.pendingRemove, ...pass.removed];
  if (adding.length > 0) parts.push(`${adding.length} still not ADDITION_SUCCESS (${listUserIds(adding)})`);
  if (pass.waitingToReAdd.length > 0) parts.push(`${pass.waitingToReAdd.length} still REMOVAL_IN_PROGRESS before they can be added again (${listUserIds(pass.waitingToReAdd)})`);
  if (removing.length > 0) parts.push(`${removing.length} still not removed (${listUserIds(removing)})`);
  return `members did not settle within ${waited} (since ${since}): ${parts.join('; ')}. ` +
    'FinSpace has not finished these changes; deploy again later, or raise the timeout of FinSpaceDataAccess.';
}

/** The first user ids, quoted, for a failure reason. */
function listUserIds(userIds: string[]): string {
  const shown = userIds.slice(0, NAMED_IN_REASON).map(u => `'${u}'`).join(', ');
  return userIds.length > NAMED_IN_REASON ? `${shown} and ${userIds.length - NAMED_IN_REASON} more` : shown;
}

function summary(event: OnEventRequest, props: GroupMembershipProperties, pass: Pass, target: Target | undefined) {
  return {
    requestType: event.RequestType,
    logicalResourceId: event.LogicalResourceId,
    permissionGroupId: props.permissionGroupId,
    shard: `${props.shardIndex + 1}/${props.shardCount}`,
    declared: target?.keep.size ?? props.userIds.length + props.emails.length,
    added: pass.added.length,
    removed: pass.removed.length,
    pendingAdd: pass.pendingAdd.length,
    pendingRemove: pass.pendingRemove.length,
    waitingToReAdd: pass.waitingToReAdd.length,
  };
}
