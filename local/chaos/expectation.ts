/**
 * What FinSpace must hold after each step, worked out from the declarations alone
 * (and, for what a rollback cannot undo, from which resources CloudFormation
 * touched), then compared with the emulator's state.
 *
 * The rules are the README's: a declared user is a member (ADDITION_SUCCESS); a user
 * dropped from a declaration, or declared by a membership that leaves the stack with
 * RemovalPolicy.DESTROY, is removed; with RETAIN it stays, as an outside member from
 * then on. Outside members (added by someone else) stay, except that an exclusive
 * membership removes them whenever CloudFormation creates or updates it, but never
 * the handler's own user. A group leaving the stack is deleted (with whoever is
 * still in it) or, retained, left as it is. A step that fails and rolls back leaves
 * FinSpace as the previous declaration had it; only what an exclusive membership
 * removed on the way stays removed, and never a member that was there before and
 * that the failed step declared there (the rollback keeps it: README, "What a
 * rollback puts back"). And
 * in every environment the handler's user keeps ManageUsersAndGroups: it is a
 * superuser or a settled member of a group that grants it (no lockout).
 */
import { type Declaration, groupIdentity, type EnvironmentKey } from './declaration';
import {
  BOOTSTRAP_GROUPS, ENVIRONMENT_IDS, HANDLER_USER, type HandlerPrivilege, IMPORTED_GROUP_MEMBERS, IMPORTED_GROUPS,
  MANAGE_USERS_AND_GROUPS, RESERVED_GROUP_NAMES,
} from './environments';
import type { EmulatorSnapshot } from '../emulator';

/**
 * Why a member is expected: a declaration holds it; someone else added it (or the
 * stack let go of it); or one of these, and a request that failed midway may have
 * removed it (how far it got depends on which request the faults hit).
 */
type Ownership = 'declared' | 'outside' | 'outside-maybe-removed';

interface ExpectedGroup {
  readonly environment: EnvironmentKey;
  /** Known for groups that exist before the stack; for the stack's, once deployed. */
  physicalId?: string;
  /** The construct id while the stack manages the group. */
  managedAs?: string;
  /** A group whose delete failed midway: it may be gone. */
  mayBeGone?: boolean;
  name: string;
  description?: string;
  /** Undefined for groups someone else manages: only their members are checked. */
  permissions?: readonly string[];
  readonly members: Map<string, Ownership>;
}

export type ProblemKind =
  | 'lost-member' | 'wrongly-removed-member' | 'unexpected-member' | 'unsettled-member'
  | 'missing-group' | 'duplicate-group' | 'unexpected-group' | 'group-differs' | 'lockout';

export interface Problem {
  readonly kind: ProblemKind;
  readonly detail: string;
}

/** How much a check covered. */
export interface CheckTally {
  readonly groups: number;
  /** Declared users found ADDITION_SUCCESS. */
  readonly declaredMembers: number;
  /** Members someone else added, found still there. */
  readonly outsideMembers: number;
  /** Members a request that failed midway may or may not have removed, found either way. */
  readonly uncertainMembers: number;
}

/** Which membership resources CloudFormation created or updated during a step, by construct id. */
export interface Touched {
  /** On the way forward (to the new declaration), and finished. */
  readonly completed: ReadonlySet<string>;
  /** On the way forward, and failed (or stopped by another's failure). */
  readonly failed: ReadonlySet<string>;
  /** Updated back to the previous declaration by a rollback. */
  readonly back: ReadonlySet<string>;
}

export class ExpectedFinSpace {
  private readonly groups = new Map<string, ExpectedGroup>();
  private orphans = 0;

  constructor(handlerPrivilege: HandlerPrivilege = 'superuser') {
    if (handlerPrivilege === 'group') {
      for (const [environment, group] of Object.entries(BOOTSTRAP_GROUPS) as [EnvironmentKey, typeof BOOTSTRAP_GROUPS.a][]) {
        this.groups.set(bootstrapIdentity(environment), {
          environment, physicalId: group.permissionGroupId, name: group.name, members: new Map([[HANDLER_USER, 'outside']]),
        });
      }
    }
    for (const group of IMPORTED_GROUPS) {
      this.groups.set(`imported:${group.permissionGroupId}`, {
        environment: group.environment,
        physicalId: group.permissionGroupId,
        name: group.name,
        members: new Map(IMPORTED_GROUP_MEMBERS[group.permissionGroupId].map(user => [user, 'outside'])),
      });
    }
    for (const [environment, name] of Object.entries(RESERVED_GROUP_NAMES) as [EnvironmentKey, string][]) {
      this.groups.set(`reserved:${environment}`, { environment, name, members: new Map() });
    }
  }

  /** A member someone else added (a no-op when the user already is one). */
  addOutsideMember(identity: string, user: string): void {
    const group = this.groups.get(identity);
    if (group && !group.members.has(user)) group.members.set(user, 'outside');
  }

  /** A member someone else removed. */
  removeOutsideMember(identity: string, user: string): void {
    this.groups.get(identity)?.members.delete(user);
  }

  /**
   * CloudFormation brought the stack from `before` to `after` (a destroy: to the
   * empty declaration). `letGo`: groups and memberships whose delete failed in the
   * cleanup phase, which CloudFormation then forgets; whatever they still hold stays,
   * and how much that is depends on how far the delete got.
   */
  deployed(before: Declaration, after: Declaration, touched: ReadonlySet<string>, letGo: ReadonlySet<string> = new Set()): void {
    // Memberships that leave their group (removed, or moved: replaced) and users dropped.
    for (const membership of before.memberships) {
      const identity = groupIdentity(before, membership.group);
      const group = this.groups.get(identity);
      const next = after.memberships.find(m => m.id === membership.id);
      if (!group) continue;
      if (!next || groupIdentity(after, next.group) !== identity) {
        // Removed: its DeletionPolicy (the old declaration's) decides; replaced: its
        // UpdateReplacePolicy, which the new declaration sets.
        const retained = (next ?? membership).retain;
        for (const user of membership.users) {
          if (retained) reown(group, user, 'outside');
          else if (letGo.has(membership.id)) reown(group, user, 'outside-maybe-removed');
          else group.members.delete(user);
        }
      } else {
        membership.users.filter(user => !next.users.includes(user)).forEach(user => group.members.delete(user));
      }
    }
    // Groups that leave (removed, or moved to the other environment: replaced).
    for (const group of before.groups) {
      const identity = `${group.id}@${group.environment}`;
      if (after.groups.some(g => `${g.id}@${g.environment}` === identity)) continue;
      const expected = this.groups.get(identity)!;
      this.groups.delete(identity);
      const retained = (after.groups.find(g => g.id === group.id) ?? group).retain;
      if (retained) this.groups.set(`retained:${++this.orphans}`, { ...expected, managedAs: undefined });
      if (letGo.has(group.id)) {
        [...expected.members.keys()].forEach(user => reown(expected, user, 'outside-maybe-removed'));
        this.groups.set(`let-go:${++this.orphans}`, { ...expected, managedAs: undefined, mayBeGone: true });
      }
    }
    for (const group of after.groups) {
      const identity = `${group.id}@${group.environment}`;
      const expected: ExpectedGroup = this.groups.get(identity) ?? { environment: group.environment, name: group.name, members: new Map() };
      expected.managedAs = group.id;
      expected.name = group.name;
      expected.permissions = [...group.permissions];
      // FinSpace cannot clear a description: the last one declared stays.
      if (group.description !== undefined) expected.description = group.description;
      this.groups.set(identity, expected);
    }
    for (const membership of after.memberships) {
      const group = this.groups.get(groupIdentity(after, membership.group))!;
      membership.users.forEach(user => group.members.set(user, 'declared'));
      if (membership.exclusive && touched.has(membership.id)) removeAllBut(group, membership.users);
    }
  }

  /**
   * A step towards `attempted` failed and rolled back to `before`. FinSpace is as
   * `before` left it, except for outside members that exclusive memberships removed:
   * those of the groups whose exclusive memberships the attempt created or updated
   * (all of them if that finished, any of them if it failed), and those of the
   * groups whose exclusive memberships the rollback updated back; but for the outside
   * members the attempt declared in their group, which were there before it and which
   * neither its sweep nor the rollback removes.
   */
  rolledBack(before: Declaration, attempted: Declaration, touched: Touched): void {
    const declaredByAttempt = (identity: string) =>
      new Set(attempted.memberships.filter(m => groupIdentity(attempted, m.group) === identity).flatMap(m => m.users));
    for (const membership of attempted.memberships.filter(m => m.exclusive)) {
      const identity = groupIdentity(attempted, membership.group);
      const group = this.groups.get(identity);
      if (!group) continue; // created by the attempt, and deleted by the rollback
      if (touched.completed.has(membership.id)) removeOutside(group, declaredByAttempt(identity));
      else if (touched.failed.has(membership.id)) mayHaveRemovedOutside(group);
    }
    for (const membership of before.memberships.filter(m => m.exclusive && touched.back.has(m.id))) {
      const identity = groupIdentity(before, membership.group);
      const group = this.groups.get(identity);
      if (group) removeOutside(group, declaredByAttempt(identity));
    }
  }

  /** Records the ids CloudFormation knows the stack's groups by (`idOf`: construct id to physical id). */
  learnIds(idOf: (constructId: string) => string | undefined): void {
    for (const group of this.groups.values()) {
      if (group.managedAs !== undefined) group.physicalId = idOf(group.managedAs);
    }
  }

  /** The FinSpace group id of a group a declaration names, if it exists. */
  physicalIdOf(identity: string): string | undefined {
    return this.groups.get(identity)?.physicalId;
  }

  private forget(group: ExpectedGroup): void {
    for (const [identity, candidate] of this.groups) if (candidate === group) this.groups.delete(identity);
  }

  /**
   * Everything that differs between this expectation and the emulator's state. What
   * was uncertain is settled by what is found.
   */
  check(snapshot: EmulatorSnapshot): { problems: Problem[]; tally: CheckTally } {
    const problems: Problem[] = [];
    const tally = { groups: 0, declaredMembers: 0, outsideMembers: 0, uncertainMembers: 0 };
    const report = (kind: ProblemKind, detail: string) => problems.push({ kind, detail });
    for (const [environment, environmentId] of Object.entries(ENVIRONMENT_IDS) as [EnvironmentKey, string][]) {
      const actual = snapshot.environments.find(e => e.environmentId === environmentId)?.permissionGroups ?? [];
      const matched = new Set<string>();
      for (const expected of [...this.groups.values()].filter(g => g.environment === environment)) {
        const named = actual.filter(g => g.name === expected.name);
        const found = expected.physicalId !== undefined ? actual.find(g => g.permissionGroupId === expected.physicalId) : named[0];
        const label = `group '${expected.name}'${expected.managedAs ? ` (${expected.managedAs})` : ''} in ${environmentId}`;
        if (named.length > 1) report('duplicate-group', `${label} exists ${named.length} times: ${named.map(g => g.permissionGroupId).join(', ')}`);
        if (!found && expected.mayBeGone) {
          this.forget(expected);
          continue;
        }
        if (!found) {
          report('missing-group', `${label} does not exist${expected.physicalId ? ` (no group ${expected.physicalId})` : ''}`);
          continue;
        }
        expected.mayBeGone = undefined;
        matched.add(found.permissionGroupId);
        tally.groups++;
        if (found.name !== expected.name) report('group-differs', `${label} is named '${found.name}'`);
        if (expected.permissions && !sameSet(found.applicationPermissions, expected.permissions)) {
          report('group-differs', `${label} has permissions [${found.applicationPermissions.join(', ')}], expected [${expected.permissions.join(', ')}]`);
        }
        if (expected.description !== undefined && found.description !== expected.description) {
          report('group-differs', `${label} has another description than the last one declared`);
        }
        const members = new Map(found.members.map(m => [m.userId, m.membershipStatus]));
        for (const [user, ownership] of expected.members) {
          const status = members.get(user);
          if (ownership === 'outside-maybe-removed') {
            tally.uncertainMembers++;
            if (status === undefined) expected.members.delete(user);
            else expected.members.set(user, 'outside');
            if (status === undefined || status === 'ADDITION_SUCCESS') continue;
          }
          if (status === undefined) {
            report(ownership === 'declared' ? 'lost-member' : 'wrongly-removed-member',
              `${label}: ${ownership === 'declared' ? 'declared' : 'outside'} member '${user}' is missing`);
          } else if (status !== 'ADDITION_SUCCESS') {
            report('unsettled-member', `${label}: member '${user}' is ${status}`);
          } else if (ownership === 'declared') {
            tally.declaredMembers++;
          } else {
            tally.outsideMembers++;
          }
        }
        for (const [user, status] of members) {
          if (!expected.members.has(user)) report('unexpected-member', `${label}: '${user}' is a member (${status}) but should not be`);
        }
      }
      for (const group of actual.filter(g => !matched.has(g.permissionGroupId))) {
        report('unexpected-group', `group '${group.name}' (${group.permissionGroupId}) in ${environmentId} should not exist`);
      }
      const handler = snapshot.environments.find(e => e.environmentId === environmentId)?.users.find(u => u.userId === HANDLER_USER);
      const granted = actual.some(g => g.applicationPermissions.includes(MANAGE_USERS_AND_GROUPS) &&
        g.members.some(m => m.userId === HANDLER_USER && m.membershipStatus === 'ADDITION_SUCCESS'));
      if (handler?.type !== 'SUPER_USER' && !granted) {
        report('lockout', `the handler's user '${HANDLER_USER}' in ${environmentId} is no superuser and no group grants it ${MANAGE_USERS_AND_GROUPS}`);
      }
    }
    return { problems, tally };
  }
}

/** How the expectation names the group that grants the handler's user its privilege before the stack exists. */
export function bootstrapIdentity(environment: EnvironmentKey): string {
  return `bootstrap:${environment}`;
}

/** Changes why a user is expected, if it is expected at all. */
function reown(group: ExpectedGroup, user: string, ownership: Ownership): void {
  if (group.members.has(user)) group.members.set(user, ownership);
}

/** What an exclusive membership leaves: its users and the handler's own. */
function removeAllBut(group: ExpectedGroup, keep: readonly string[]): void {
  for (const user of [...group.members.keys()]) {
    if (user !== HANDLER_USER && !keep.includes(user)) group.members.delete(user);
  }
}

/** `spared`: users that stay all the same. */
function removeOutside(group: ExpectedGroup, spared: ReadonlySet<string> = new Set()): void {
  for (const [user, ownership] of [...group.members]) {
    if (ownership !== 'declared' && user !== HANDLER_USER && !spared.has(user)) group.members.delete(user);
  }
}

function mayHaveRemovedOutside(group: ExpectedGroup): void {
  for (const [user, ownership] of [...group.members]) {
    if (ownership === 'outside' && user !== HANDLER_USER) group.members.set(user, 'outside-maybe-removed');
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && b.every(item => a.includes(item)) && new Set(a).size === a.length;
}
