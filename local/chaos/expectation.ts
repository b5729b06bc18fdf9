/**
 * What FinSpace must hold, from the declarations (and, for what a rollback cannot undo, which resources CloudFormation
 * touched), compared with the emulator's state (README, "What is checked after every step").
 */
import {
  BOOTSTRAP_GROUPS, chaosSeed, type Declaration, ENVIRONMENT_IDS, ENVIRONMENT_KEYS, type EnvironmentKey, groupIdentity, HANDLER_USER,
  type HandlerPrivilege, isPersonEmail, MANAGE_USERS_AND_GROUPS, type MembershipDeclaration, type PersonDeclaration,
} from './environments';
import type { EmulatorSnapshot } from '../emulator';

/** Why a member is expected: declared; added outside (or let go by the stack); or either, and a request that failed midway may have removed it. */
type Ownership = 'declared' | 'outside' | 'outside-maybe-removed';

/** `managedAs`: the construct id while the stack manages it. */
interface ExpectedGroup {
  readonly environment: EnvironmentKey;
  /** Known for groups that exist before the stack; for the stack's, once deployed. */
  physicalId?: string;
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
  managedAs?: string;
}

export type ProblemKind =
  | 'lost-member' | 'wrongly-removed-member' | 'unexpected-member' | 'unsettled-member'
  | 'missing-group' | 'duplicate-group' | 'unexpected-group' | 'group-differs' | 'lockout'
  | 'missing-user' | 'duplicate-user' | 'unexpected-user' | 'user-differs';

/**
 * How much a check covered: groups; declared members ADDITION_SUCCESS; outside members still there; members a request
 * that failed midway may have removed, found either way; people as expected.
 */
export type CheckTally = Record<'groups' | 'declaredMembers' | 'outsideMembers' | 'uncertainMembers' | 'users', number>;

/**
 * The membership resources (construct ids) CloudFormation created or updated during a step: on the way forward and
 * finished (`completed`) or failed, or stopped by another's failure (`failed`); updated `back` by a rollback.
 */
export type Touched = Readonly<Record<'completed' | 'failed' | 'back', ReadonlySet<string>>>;

export class ExpectedFinSpace {
  private readonly groups = new Map<string, ExpectedGroup>();
  /** By environment and lower-case address (userKey). */
  private readonly users = new Map<string, ExpectedUser>();
  private orphans = 0;

  /** The groups someone else made before the stack (imported, reserved, bootstrap), as seeded: only their members are checked. */
  constructor(handlerPrivilege: HandlerPrivilege = 'superuser') {
    for (const environment of ENVIRONMENT_KEYS) {
      const seeded = chaosSeed('', handlerPrivilege).environments!.find(e => e.environmentId === ENVIRONMENT_IDS[environment])!;
      for (const { permissionGroupId: physicalId, name, members = [] } of seeded.permissionGroups!) {
        this.groups.set(`imported:${physicalId}`, { environment, physicalId, name, members: new Map(members.map(user => [user, 'outside'])) });
      }
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
   * CloudFormation brought the stack from `before` to `after` (a destroy: to the empty declaration). `letGo`: what it
   * forgot after a delete failed in the cleanup phase; what that still holds depends on how far the delete got.
   */
  deployed(before: Declaration, after: Declaration, touched: ReadonlySet<string>, letGo: ReadonlySet<string> = new Set()): void {
    // Memberships that leave their group (removed, or moved: replaced) and users dropped.
    for (const membership of before.memberships) {
      const identity = groupIdentity(before, membership.group);
      const group = this.groups.get(identity);
      const next = after.memberships.find(m => m.id === membership.id);
      if (!group) continue;
      const stays = next !== undefined && groupIdentity(after, next.group) === identity;
      const staying = stays ? declaredMembers(after, next) : [];
      // Removed: its DeletionPolicy (the old declaration's) decides; replaced: its UpdateReplacePolicy, which the new declaration sets.
      const left = stays ? undefined : (next ?? membership).retain ? 'outside' : letGo.has(membership.id) ? 'outside-maybe-removed' : undefined;
      for (const user of declaredMembers(before, membership).filter(u => !staying.includes(u) && group.members.has(u))) {
        if (left) group.members.set(user, left);
        else group.members.delete(user);
      }
    }
    // Groups that leave (removed, or moved to the other environment: replaced).
    for (const group of before.groups.filter(g => !after.groups.some(other => other.id === g.id && other.environment === g.environment))) {
      const identity = `${group.id}@${group.environment}`;
      const expected = this.groups.get(identity)!;
      this.groups.delete(identity);
      if ((after.groups.find(g => g.id === group.id) ?? group).retain) this.groups.set(`retained:${++this.orphans}`, { ...expected, managedAs: undefined });
      if (letGo.has(group.id)) {
        for (const user of expected.members.keys()) expected.members.set(user, 'outside-maybe-removed');
        this.groups.set(`let-go:${++this.orphans}`, { ...expected, managedAs: undefined, mayBeGone: true });
      }
    }
    for (const group of after.groups) {
      const identity = `${group.id}@${group.environment}`;
      const expected: ExpectedGroup = this.groups.get(identity) ?? { environment: group.environment, name: group.name, members: new Map() };
      Object.assign(expected, { managedAs: group.id, name: group.name, permissions: [...group.permissions] });
      // FinSpace cannot clear a description: the last one declared stays.
      if (group.description !== undefined) expected.description = group.description;
      this.groups.set(identity, expected);
    }
    for (const membership of after.memberships) {
      const group = this.groups.get(groupIdentity(after, membership.group))!;
      const members = declaredMembers(after, membership);
      members.forEach(user => group.members.set(user, 'declared'));
      // An exclusive membership leaves its users and the handler's own.
      if (membership.exclusive && touched.has(membership.id)) sweep(group, (ownership, user) => members.includes(user) ? ownership : undefined);
    }
    // People that leave are disabled, or stay enabled when retained (the DeletionPolicy of the declaration they leave), or either when let go.
    for (const person of (before.people ?? []).filter(p => !(after.people ?? []).some(other => other.id === p.id))) {
      const expected = this.users.get(userKey(person.environment, person.email));
      if (expected) Object.assign(expected, { managedAs: undefined, status: letGo.has(person.id) ? undefined : person.retain ? 'ENABLED' : 'DISABLED' });
    }
    for (const { id, environment, email, firstName, lastName, type } of after.people ?? []) {
      this.users.set(userKey(environment, email), { environment, email, presence: 'must', status: 'ENABLED', declared: { firstName, lastName, type }, managedAs: id });
    }
  }

  /**
   * A step towards `attempted` rolled back to `before`: FinSpace is as `before` left it, but for outside members exclusive
   * memberships removed forward (all if finished, any if failed) or back; never those the attempt declared there.
   */
  rolledBack(before: Declaration, attempted: Declaration, touched: Touched): void {
    // A person the attempt created (or adopted) may exist now, enabled, or disabled by the
    // rollback's delete, with the names either declaration gave it; one that existed stays.
    for (const { environment, email, id } of attempted.people ?? []) {
      if ((before.people ?? []).some(other => other.id === id)) continue;
      const key = userKey(environment, email);
      this.users.set(key, { environment, email, presence: this.users.get(key)?.presence === 'must' ? 'must' : 'may' });
    }
    const removeOutside = (declaration: Declaration, membership: MembershipDeclaration) => {
      const identity = groupIdentity(declaration, membership.group);
      const declaredThere = attempted.memberships.filter(m => groupIdentity(attempted, m.group) === identity);
      const spared = new Set(declaredThere.flatMap(m => declaredMembers(attempted, m)));
      const group = this.groups.get(identity);
      if (group) sweep(group, (ownership, user) => ownership === 'declared' || spared.has(user) ? ownership : undefined);
    };
    for (const membership of attempted.memberships.filter(m => m.exclusive)) {
      // A group the attempt created is gone again: the rollback deleted it.
      const group = this.groups.get(groupIdentity(attempted, membership.group));
      if (group && touched.completed.has(membership.id)) removeOutside(attempted, membership);
      else if (group && touched.failed.has(membership.id)) sweep(group, ownership => ownership === 'outside' ? 'outside-maybe-removed' : ownership);
    }
    before.memberships.filter(m => m.exclusive && touched.back.has(m.id)).forEach(membership => removeOutside(before, membership));
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

  /** Everything that differs between this expectation and the emulator's state. What was uncertain is settled by what is found. */
  check(snapshot: EmulatorSnapshot) {
    const problems: { kind: ProblemKind; detail: string }[] = [];
    const tally = { groups: 0, declaredMembers: 0, outsideMembers: 0, uncertainMembers: 0, users: 0 };
    const report = (kind: ProblemKind, detail: string) => problems.push({ kind, detail });
    for (const [environment, environmentId] of Object.entries(ENVIRONMENT_IDS) as [EnvironmentKey, string][]) {
      const live = snapshot.environments.find(e => e.environmentId === environmentId);
      const [actual, users] = [live?.permissionGroups ?? [], live?.users ?? []];
      tally.users += this.checkUsers(environment, users, report);
      // People are members by their address: FinSpace makes their ids.
      const memberKeys = new Map(users.filter(u => isPersonEmail(u.emailAddress)).map(u => [u.userId, personKey(u.emailAddress)]));
      const matched = new Set<string>();
      for (const [identity, expected] of [...this.groups].filter(([, g]) => g.environment === environment)) {
        const named = actual.filter(g => g.name === expected.name);
        const found = expected.physicalId !== undefined ? actual.find(g => g.permissionGroupId === expected.physicalId) : named[0];
        const label = `group '${expected.name}'${expected.managedAs ? ` (${expected.managedAs})` : ''} in ${environmentId}`;
        if (named.length > 1) report('duplicate-group', `${label} exists ${named.length} times: ${named.map(g => g.permissionGroupId).join(', ')}`);
        if (!found) {
          if (expected.mayBeGone) this.groups.delete(identity);
          else report('missing-group', `${label} does not exist${expected.physicalId ? ` (no group ${expected.physicalId})` : ''}`);
          continue;
        }
        expected.mayBeGone = undefined;
        matched.add(found.permissionGroupId);
        tally.groups++;
        const { permissions, description } = expected;
        [
          found.name !== expected.name && `is named '${found.name}'`,
          permissions && !sameSet(found.applicationPermissions, permissions) &&
            `has permissions [${found.applicationPermissions.join(', ')}], expected [${permissions.join(', ')}]`,
          description !== undefined && found.description !== description && 'has another description than the last one declared',
        ].forEach(difference => difference && report('group-differs', `${label} ${difference}`));
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
          } else {
            tally[ownership === 'declared' ? 'declaredMembers' : 'outsideMembers']++;
          }
        }
        for (const [user, status] of members) {
          if (!expected.members.has(user)) report('unexpected-member', `${label}: '${user}' is a member (${status}) but should not be`);
        }
      }
      for (const group of actual.filter(g => !matched.has(g.permissionGroupId))) {
        report('unexpected-group', `group '${group.name}' (${group.permissionGroupId}) in ${environmentId} should not exist`);
      }
      const granted = actual.some(g => g.applicationPermissions.includes(MANAGE_USERS_AND_GROUPS) &&
        g.members.some(m => m.userId === HANDLER_USER && m.membershipStatus === 'ADDITION_SUCCESS'));
      if (users.find(u => u.userId === HANDLER_USER)?.type !== 'SUPER_USER' && !granted) {
        report('lockout', `the handler's user '${HANDLER_USER}' in ${environmentId} is no superuser and no group grants it ${MANAGE_USERS_AND_GROUPS}`);
      }
    }
    return { problems, tally };
  }

  /** The environment's users against the people expected there (README, "What is checked"); answers how many matched. */
  private checkUsers(environment: EnvironmentKey, users: EmulatorSnapshot['environments'][number]['users'], report: (kind: ProblemKind, detail: string) => void): number {
    let matched = 0;
    for (const [key, expected] of [...this.users].filter(([, u]) => u.environment === environment)) {
      const label = `user ${expected.email}${expected.managedAs ? ` (${expected.managedAs})` : ''} in ${ENVIRONMENT_IDS[environment]}`;
      const found = users.filter(u => u.emailAddress.toLowerCase() === expected.email.toLowerCase());
      if (found.length > 1) report('duplicate-user', `${label} exists ${found.length} times: ${found.map(u => u.userId).join(', ')}`);
      if (found.length === 0) {
        if (expected.presence === 'must') report('missing-user', `${label} does not exist`);
        else this.users.delete(key);
        continue;
      }
      const [user] = found;
      const { status, declared } = expected;
      expected.presence = 'must';
      const differences = [
        status !== undefined && user.status !== status && `is ${user.status}, expected ${status}`,
        declared && user.type !== declared.type && `is ${user.type}, expected ${declared.type}`,
        // A name never declared is whatever FinSpace had: names can be changed, not cleared.
        declared && (user.firstName !== declared.firstName || (declared.lastName !== undefined && user.lastName !== declared.lastName)) &&
          `is named '${user.firstName} ${user.lastName ?? ''}', expected '${declared.firstName} ${declared.lastName ?? ''}'`,
      ].filter(Boolean);
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
function personKey(email: string): string {
  return `person:${email.toLowerCase()}`;
}

function userKey(environment: EnvironmentKey, email: string): string {
  return `${environment}:${email.toLowerCase()}`;
}

/** Who a membership declares: its users by id, and its people by address. */
function declaredMembers(declaration: Declaration, membership: MembershipDeclaration): string[] {
  return [...membership.users, ...(membership.people ?? []).map(id => personKey(declaration.people!.find(person => person.id === id)!.email))];
}

/** How the expectation names the group that grants the handler's user its privilege before the stack exists. */
export function bootstrapIdentity(environment: EnvironmentKey): string {
  return `imported:${BOOTSTRAP_GROUPS[environment].permissionGroupId}`;
}

/** Each member but the handler's own user gets the ownership `next` answers; undefined removes it. */
function sweep(group: ExpectedGroup, next: (ownership: Ownership, user: string) => Ownership | undefined): void {
  for (const [user, ownership] of [...group.members].filter(([member]) => member !== HANDLER_USER)) {
    const now = next(ownership, user);
    if (now) group.members.set(user, now);
    else group.members.delete(user);
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && b.every(item => a.includes(item)) && new Set(a).size === a.length;
}
