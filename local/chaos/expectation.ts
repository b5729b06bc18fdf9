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
 *
 * The stack's people (FinSpaceUsers) exist once each, ENABLED with the declared
 * names and type while declared; removed from the stack they are DISABLED, or left
 * ENABLED when retained. As members they are
 * known by their address (personKey), since FinSpace makes their ids.
 */
import { type Declaration, groupIdentity, type EnvironmentKey, isPersonEmail, type MembershipDeclaration, type PersonDeclaration } from './declaration';
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

/** What a person of the stack must be in FinSpace. */
interface ExpectedUser {
  readonly environment: EnvironmentKey;
  readonly email: string;
  /** 'may': a create that failed midway may or may not have made it (then adopted by the next deploy). */
  presence: 'must' | 'may';
  /** Undefined: either (a create that failed, a delete CloudFormation let go). */
  status?: 'ENABLED' | 'DISABLED';
  /** Names and type as last declared; undefined while unknown (a create that failed midway). */
  declared?: Pick<PersonDeclaration, 'firstName' | 'lastName' | 'type'>;
  /** The construct id while the stack manages the user. */
  managedAs?: string;
}

export type ProblemKind =
  | 'lost-member' | 'wrongly-removed-member' | 'unexpected-member' | 'unsettled-member'
  | 'missing-group' | 'duplicate-group' | 'unexpected-group' | 'group-differs' | 'lockout'
  | 'missing-user' | 'duplicate-user' | 'unexpected-user' | 'user-differs';

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
  /** Users of the stack (and the adopted one) found as expected. */
  readonly users: number;
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
  /** By environment and lower-case address (userKey). */
  private readonly users = new Map<string, ExpectedUser>();
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
        for (const user of declaredMembers(before, membership)) {
          if (retained) reown(group, user, 'outside');
          else if (letGo.has(membership.id)) reown(group, user, 'outside-maybe-removed');
          else group.members.delete(user);
        }
      } else {
        const staying = declaredMembers(after, next);
        declaredMembers(before, membership).filter(user => !staying.includes(user)).forEach(user => group.members.delete(user));
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
      const members = declaredMembers(after, membership);
      members.forEach(user => group.members.set(user, 'declared'));
      if (membership.exclusive && touched.has(membership.id)) removeAllBut(group, members);
    }
    this.peopleDeployed(before, after, letGo);
  }

  /**
   * People that leave the stack are disabled, or stay enabled when retained (the
   * DeletionPolicy of the declaration they leave), or, when CloudFormation let their
   * delete go, either; the declared ones are enabled, as declared.
   */
  private peopleDeployed(before: Declaration, after: Declaration, letGo: ReadonlySet<string>): void {
    for (const person of before.people ?? []) {
      if ((after.people ?? []).some(p => p.id === person.id)) continue;
      const expected = this.users.get(userKey(person.environment, person.email));
      if (!expected) continue;
      expected.managedAs = undefined;
      expected.status = letGo.has(person.id) ? undefined : person.retain ? 'ENABLED' : 'DISABLED';
    }
    for (const person of after.people ?? []) {
      this.users.set(userKey(person.environment, person.email), {
        environment: person.environment,
        email: person.email,
        presence: 'must',
        status: 'ENABLED',
        declared: { firstName: person.firstName, lastName: person.lastName, type: person.type },
        managedAs: person.id,
      });
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
      new Set(attempted.memberships.filter(m => groupIdentity(attempted, m.group) === identity).flatMap(m => declaredMembers(attempted, m)));
    // A person the attempt created (or adopted) may exist now, enabled, or disabled by the
    // rollback's delete, with the names either declaration gave it; one that existed stays.
    for (const person of (attempted.people ?? []).filter(p => !(before.people ?? []).some(other => other.id === p.id))) {
      const key = userKey(person.environment, person.email);
      const presence = this.users.get(key)?.presence === 'must' ? 'must' : 'may';
      this.users.set(key, { environment: person.environment, email: person.email, presence });
    }
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
    const tally = { groups: 0, declaredMembers: 0, outsideMembers: 0, uncertainMembers: 0, users: 0 };
    const report = (kind: ProblemKind, detail: string) => problems.push({ kind, detail });
    for (const [environment, environmentId] of Object.entries(ENVIRONMENT_IDS) as [EnvironmentKey, string][]) {
      const actual = snapshot.environments.find(e => e.environmentId === environmentId)?.permissionGroups ?? [];
      const users = snapshot.environments.find(e => e.environmentId === environmentId)?.users ?? [];
      tally.users += this.checkUsers(environment, users, report);
      // People are members by their address: FinSpace makes their ids.
      const memberKeys = new Map(users.filter(u => isPersonEmail(u.emailAddress)).map(u => [u.userId, personKey(u.emailAddress)]));
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
        const members = new Map(found.members.map(m => [memberKeys.get(m.userId) ?? m.userId, m.membershipStatus]));
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

  /**
   * The environment's users against the people expected there: each exactly once (by
   * address, in any capitals), with the expected status, names and type; no other
   * user with a person's address. Answers how many matched.
   */
  private checkUsers(environment: EnvironmentKey, users: EmulatorSnapshot['environments'][number]['users'], report: (kind: ProblemKind, detail: string) => void): number {
    let matched = 0;
    const withAddress = (email: string) => users.filter(u => u.emailAddress.toLowerCase() === email.toLowerCase());
    for (const [key, expected] of this.users) {
      if (expected.environment !== environment) continue;
      const label = `user ${expected.email}${expected.managedAs ? ` (${expected.managedAs})` : ''} in ${ENVIRONMENT_IDS[environment]}`;
      const found = withAddress(expected.email);
      if (found.length > 1) report('duplicate-user', `${label} exists ${found.length} times: ${found.map(u => u.userId).join(', ')}`);
      if (found.length === 0) {
        if (expected.presence === 'must') report('missing-user', `${label} does not exist`);
        else this.users.delete(key);
        continue;
      }
      const [user] = found;
      expected.presence = 'must';
      const differences: string[] = [];
      if (expected.status !== undefined && user.status !== expected.status) differences.push(`is ${user.status}, expected ${expected.status}`);
      const declared = expected.declared;
      if (declared && user.type !== declared.type) differences.push(`is ${user.type}, expected ${declared.type}`);
      // A name never declared is whatever FinSpace had: names can be changed, not cleared.
      if (declared && (user.firstName !== declared.firstName || (declared.lastName !== undefined && user.lastName !== declared.lastName))) {
        differences.push(`is named '${user.firstName} ${user.lastName ?? ''}', expected '${declared.firstName} ${declared.lastName ?? ''}'`);
      }
      if (differences.length > 0) report('user-differs', `${label} ${differences.join('; ')}`);
      else matched++;
    }
    for (const user of users.filter(u => isPersonEmail(u.emailAddress) && !this.users.has(userKey(environment, u.emailAddress)))) {
      report('unexpected-user', `user ${user.emailAddress} (${user.userId}) in ${ENVIRONMENT_IDS[environment]} should not exist`);
    }
    return matched;
  }
}

/** How the expectation names a person among a group's members: by address, as FinSpace makes the id. */
export function personKey(email: string): string {
  return `person:${email.toLowerCase()}`;
}

function userKey(environment: EnvironmentKey, email: string): string {
  return `${environment}:${email.toLowerCase()}`;
}

/** Who a membership declares: its users by id, and its people by address. */
function declaredMembers(declaration: Declaration, membership: MembershipDeclaration): string[] {
  const people = (membership.people ?? []).map(id => personKey(declaration.people!.find(person => person.id === id)!.email));
  return [...membership.users, ...people];
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
