/**
 * A chaos sequence, generated from one seed before anything runs (README, "A
 * sequence"). Safety steps, long outages and people (people.ts) come from generators
 * of their own, so that adding them left the rest of a seed's plan as it was.
 */
import {
  ADMIN_GROUP, type Declaration, DECLARED_USERS, DISABLED_USER, EMPTY_DECLARATION, ENVIRONMENT_KEYS, type EnvironmentKey, environmentOf,
  type GroupDeclaration, groupIdentity, type GroupRef, HANDLER_PRIVILEGES, HANDLER_USER, type HandlerPrivilege, IMPORTED_GROUPS,
  MANAGE_USERS_AND_GROUPS, type MembershipDeclaration, OUTSIDE_USERS, RESERVED_GROUP_NAMES, sameRef, UNKNOWN_USER,
} from './environments';
import { withPeople } from './people';
import { ApplicationPermission } from '../../lib/application-permission';
import { seededRandom, type RandomSource } from '../emulator/faults';

/** FinSpace answering nothing but 500s for a while, in real time, from a step's start or its rollback's. */
export interface Outage {
  readonly from: 'start' | 'rollback';
  readonly delayMs: number;
  /** Longer than either handler function may run (HandlerTimeouts). */
  readonly durationMs: number;
}

/** Why a step must fail: the user, the name, the handler's lockout or the disabled user is refused. */
export type PlannedFailure = 'unknown-user' | 'name-taken' | 'lockout' | 'disabled-user';

/** A member added outside CloudFormation, before a step. */
export interface OutsideAddition {
  readonly group: GroupRef;
  readonly user: string;
}

export interface DestroyStep {
  readonly kind: 'destroy';
  /** What changed since the revision deployed before, in words. */
  readonly changes: readonly string[];
  readonly outsideAdditions: readonly OutsideAddition[];
  /** A long outage during the step; the step's other faults are off then, so that nothing else fails it. */
  readonly outage?: Outage;
}

export interface DeployStep extends Omit<DestroyStep, 'kind'> {
  readonly kind: 'deploy';
  readonly declaration: Declaration;
  readonly plannedFailure?: PlannedFailure;
  /** Users added outside before the step (one that must fail), which it declares there; the rollback keeps them. */
  readonly preExistingMembers?: readonly OutsideAddition[];
  /** A user disabled outside CloudFormation before the step. */
  readonly disabledOutOfBand?: { readonly environment: EnvironmentKey; readonly user: string };
}

export type Step = DeployStep | DestroyStep;

export interface Plan {
  readonly seed: number;
  /** The emulator's settings and faults, the app's; the handler functions' timeouts short in the sequences with outages. */
  readonly config: ReturnType<typeof chaosConfig> & { readonly handlerTimeouts?: HandlerTimeouts };
  readonly steps: readonly Step[];
}

const MAX_GROUPS = 4;
const MAX_MEMBERSHIPS = 5;
const FAILURE_CHANCE = 0.2;
const OUTSIDE_ADDITION_CHANCE = 0.35;
const MIDWAY_DESTROY_CHANCE = 0.07;
const SAFETY_STEP_CHANCE = 0.3;
const OUTAGE_CHANCE = 0.12;
/**
 * The handler functions' Lambda timeouts (s) with outages: an outage of about a minute outlasts any one invocation, and the
 * handler keeps its margins (lambda/time-budget.ts: onEvent writes, and isComplete retries, while more than 30 s are left).
 */
export const OUTAGE_HANDLER_TIMEOUTS = { onEvent: 45, isComplete: 40 };
export type HandlerTimeouts = typeof OUTAGE_HANDLER_TIMEOUTS;
const PERMISSIONS = Object.values(ApplicationPermission);
/** The generators besides the plan's, each a stream of its own, the same on every replay. */
const STREAMS = { safety: [7919, 104_729], people: [4051, 7_368_787], outage: [6007, 15_485_863] } as const;

/** `deploySteps`: deploy steps before the final destroy; default 3 to 7, from the seed. */
export function planSequence(seed: number, options: { readonly deploySteps?: number } = {}): Plan {
  const dice = diceOf(seededRandom(seed));
  const safetyDice = streamDice(seed, 'safety');
  const config = chaosConfig(dice, safetyDice);
  const planner = new Planner(dice, config.handlerPrivilege);
  const deploySteps = options.deploySteps ?? dice.int(3, 7);
  const steps: Step[] = [];
  for (let index = 0; index < deploySteps; index++) {
    const destroyMidway = index > 0 && planner.hasResources() && dice.chance(MIDWAY_DESTROY_CHANCE);
    steps.push(destroyMidway ? planner.destroyStep() : planner.deployStep());
    if (safetyDice.chance(SAFETY_STEP_CHANCE)) steps.push(planner.safetyStep(safetyDice));
  }
  steps.push(planner.destroyStep());
  return withOutages(seed, config, withPeople(streamDice(seed, 'people'), steps));
}

function chaosConfig(dice: Dice, safetyDice: Dice) {
  return {
    /** FinSpaceDataAccess maxConcurrency. */
    maxConcurrency: dice.pick([1, 2, 4, 8]),
    /** The runner's stand-in for the providers' one-second poll interval. */
    pollIntervalMs: dice.int(10, 30),
    behaviour: {
      additionDelayMs: dice.int(0, 60),
      removalDelayMs: dice.int(0, 60),
      // The emulator's undocumented behaviours, each answer FinSpace might give.
      associateExistingMember: dice.pick(['conflict', 'success'] as const),
      associateDuringRemoval: dice.pick(['conflict', 're-add'] as const),
      disassociateNonMember: dice.pick(['not-found', 'conflict', 'success'] as const),
      disassociateDuringRemoval: dice.pick(['conflict', 'success'] as const),
      deleteGroupWithMembers: dice.pick(['conflict', 'allowed'] as const),
      // 'allowed' would let a disabled user join: the steps that declare one could not fail.
      associateDisabledUser: safetyDice.pick(['conflict', 'validation'] as const),
    },
    faults: {
      throttleRate: round(0.2 + 0.1 * dice.next()),
      serverErrorRate: round(0.05 + 0.03 * dice.next()),
      connectionResetRate: round(0.02 + 0.02 * dice.next()),
      resetAfterWriteRate: round(0.02 + 0.02 * dice.next()),
      latencyMs: { min: 0, max: dice.int(2, 15) },
    },
    handlerPrivilege: safetyDice.pick(HANDLER_PRIVILEGES),
  };
}

/** Long outages on some steps (README, "A sequence"), with the handler's timeouts short in the sequences that have any. */
function withOutages(seed: number, config: Plan['config'], steps: Step[]): Plan {
  const dice = streamDice(seed, 'outage');
  const planned = steps.map(step => {
    if (!dice.chance(OUTAGE_CHANCE)) return step;
    const from = step.kind === 'deploy' && step.plannedFailure && dice.chance(0.5) ? 'rollback' as const : 'start' as const;
    const outage: Outage = { from, delayMs: from === 'start' ? dice.int(0, 1500) : 0, durationMs: dice.int(50_000, 65_000) };
    const change = `FinSpace unavailable for ${Math.round(outage.durationMs / 1000)} s from the ${from === 'start' ? 'step' : 'rollback'}'s start`;
    return { ...step, outage, changes: [...step.changes, change] };
  });
  const outages = planned.some(step => step.outage);
  return { seed, config: outages ? { ...config, handlerTimeouts: OUTAGE_HANDLER_TIMEOUTS } : config, steps: planned };
}

function streamDice(seed: number, stream: keyof typeof STREAMS): Dice {
  const [factor, offset] = STREAMS[stream];
  return diceOf(seededRandom((seed * factor + offset) % 2_147_483_647));
}

/** A revision being edited. */
interface Draft {
  groups: GroupDeclaration[];
  memberships: MembershipDeclaration[];
}

type Mutation = (draft: Draft) => string | undefined;

class Planner {
  /** The revision deployed when every step so far went as planned. */
  private current: Declaration = EMPTY_DECLARATION;
  /** Names held in each environment by groups the stack does not manage (imported, reserved, retained). */
  private readonly heldNames = Object.fromEntries(ENVIRONMENT_KEYS.map(key => [
    key,
    new Set([RESERVED_GROUP_NAMES[key], ...IMPORTED_GROUPS.filter(g => g.environment === key).map(g => g.name)]),
  ])) as Record<EnvironmentKey, Set<string>>;
  /** Declared users that retained memberships left in a group, by group identity. */
  private readonly leftBehind = new Map<string, Set<string>>();
  private counter = 0;
  private safetyCounter = 0;
  /** Groups and memberships this step changed so far: one change each per step. */
  private changedThisStep = new Set<string>();
  /** What the mutation being tried changes, committed if the result is acceptable. */
  private changing: string[] = [];

  constructor(private readonly dice: Dice, private readonly handlerPrivilege: HandlerPrivilege) {}

  hasResources(): boolean {
    return this.current.groups.length + this.current.memberships.length > 0;
  }

  deployStep(): DeployStep {
    const outsideAdditions = this.outsideAdditions();
    const draft = copy(this.current);
    const changes: string[] = [];
    if (this.handlerPrivilege === 'group' && !draft.groups.some(g => g.id === ADMIN_GROUP.id)) {
      draft.groups.push({ ...ADMIN_GROUP, permissions: [ApplicationPermission.MANAGE_USERS_AND_GROUPS], retain: false });
      changes.push(`add admin group ${ADMIN_GROUP.id} '${ADMIN_GROUP.name}' in ${ADMIN_GROUP.environment} [${MANAGE_USERS_AND_GROUPS}]`);
    }
    const wanted = this.hasResources() ? this.dice.int(1, 3) : 2;
    this.changedThisStep = new Set();
    for (let attempt = 0; attempt < 30 && changes.length < wanted; attempt++) {
      const mutation: Mutation = this.hasResources() || draft.groups.length > 0 ? this.pickMutation(draft) : d => this.addGroup(d);
      const candidate = copy(draft);
      this.changing = [];
      const change = mutation(candidate);
      if (change === undefined || !this.acceptable(candidate)) continue;
      this.changing.forEach(id => this.changedThisStep.add(id));
      Object.assign(draft, candidate);
      changes.push(change);
    }
    let plannedFailure: PlannedFailure | undefined;
    if (this.dice.chance(FAILURE_CHANCE)) {
      const nameTaken = this.dice.chance(0.3) ? this.takeReservedName(draft) : undefined;
      plannedFailure = nameTaken ? 'name-taken' : 'unknown-user';
      changes.push(nameTaken ?? this.declareRefusedUser(draft, UNKNOWN_USER, this.dice, () => `Members${this.nextNumber()}`));
    }
    const declaration: Declaration = { groups: draft.groups, memberships: draft.memberships };
    if (!plannedFailure) this.accept(declaration);
    return { kind: 'deploy', declaration, changes, outsideAdditions, plannedFailure };
  }

  /** A step that must fail for one of the handler's safety rules: it rolls back, so the plan goes on from the revision deployed now. */
  safetyStep(dice: Dice): DeployStep {
    const draft = copy(this.current);
    const admin = draft.groups.find(g => g.id === ADMIN_GROUP.id);
    // Declared users that a membership's group neither has nor holds from an earlier step.
    const adoptable = draft.memberships.flatMap(membership => {
      const left = this.leftBehind.get(groupIdentity(this.current, membership.group)) ?? new Set<string>();
      return this.freeUsers(this.current, membership.group).filter(user => !left.has(user)).map(user => ({ membership, user }));
    });
    const step = (plannedFailure: PlannedFailure, change: string, more: Partial<DeployStep> = {}): DeployStep =>
      ({ kind: 'deploy', outsideAdditions: [], declaration: draft, plannedFailure, changes: [change], ...more });
    const kind = dice.pick(['disabled-user', ...admin ? ['lockout'] : [], ...adoptable.length > 0 ? ['pre-existing-member'] : []]);
    if (kind === 'lockout') {
      replace(draft.groups, admin!, { ...admin!, permissions: admin!.permissions.filter(p => p !== MANAGE_USERS_AND_GROUPS) });
      return step('lockout', `remove ${MANAGE_USERS_AND_GROUPS} from admin group ${ADMIN_GROUP.id}, the handler's only grant of it (must be refused)`);
    }
    if (kind === 'pre-existing-member') {
      const { membership, user } = dice.pick(adoptable);
      replace(draft.memberships, membership, { ...membership, users: [...membership.users, user, UNKNOWN_USER] });
      return step('unknown-user', `add ${user} outside CloudFormation to ${describeRef(membership.group)}, then add [${user}, ${UNKNOWN_USER}] ` +
        `to membership ${membership.id} (must fail; the rollback keeps ${user})`, { preExistingMembers: [{ group: membership.group, user }] });
    }
    const change = this.declareRefusedUser(draft, DISABLED_USER, dice, () => `Disabled${++this.safetyCounter}`);
    const ref = draft.memberships.find(m => m.users.includes(DISABLED_USER))!.group;
    return step('disabled-user', `disable ${DISABLED_USER} outside CloudFormation, then ${change}`,
      { disabledOutOfBand: { environment: environmentOf(draft, ref), user: DISABLED_USER } });
  }

  destroyStep(): DestroyStep {
    const outsideAdditions = this.outsideAdditions();
    this.accept(EMPTY_DECLARATION);
    return { kind: 'destroy', changes: ['destroy the stack'], outsideAdditions };
  }

  private outsideAdditions(): OutsideAddition[] {
    if (!this.dice.chance(OUTSIDE_ADDITION_CHANCE)) return [];
    const targets = this.targets(this.current);
    // With its privilege from groups, the handler's user joins only the groups the operator hands it
    // (a group the plan does not track could grant it too); its place goes to an outsider.
    const users = this.handlerPrivilege === 'superuser' ? [...OUTSIDE_USERS, HANDLER_USER] : [...OUTSIDE_USERS, OUTSIDE_USERS[0]];
    return Array.from({ length: this.dice.int(1, 2) }, () => ({ group: this.dice.pick(targets), user: this.dice.pick(users) }));
  }

  /** Bookkeeping once a revision is planned to be deployed. */
  private accept(next: Declaration): void {
    const previous = this.current;
    // A resource removed is kept by its old policy; one replaced, by its new one.
    for (const membership of previous.memberships) {
      const identity = groupIdentity(previous, membership.group);
      const after = next.memberships.find(m => m.id === membership.id);
      if ((after && groupIdentity(next, after.group) === identity) || !(after ?? membership).retain) continue;
      const left = this.leftBehind.get(identity) ?? new Set<string>();
      membership.users.forEach(user => left.add(user));
      this.leftBehind.set(identity, left);
    }
    for (const group of previous.groups) {
      const after = next.groups.find(g => g.id === group.id);
      if (after?.environment !== group.environment && (after ?? group).retain) this.heldNames[group.environment].add(group.name);
    }
    this.current = next;
  }

  /** Whether a candidate revision synthesizes and stays clear of the caveats. */
  private acceptable(draft: Draft): boolean {
    // Only lockout attempts (safetyStep) take the handler's grant away.
    const admin = draft.groups.find(g => g.id === ADMIN_GROUP.id);
    const grants = admin?.permissions.includes(ApplicationPermission.MANAGE_USERS_AND_GROUPS);
    if (this.handlerPrivilege === 'group' && (!admin || admin.environment !== ADMIN_GROUP.environment || admin.retain || !grants)) return false;
    // What the constructs refuse at synth time.
    return draft.memberships.every(membership => {
      const siblings = draft.memberships.filter(m => m !== membership && sameRef(m.group, membership.group));
      return !(siblings.length > 0 && (membership.exclusive || siblings.some(m => m.exclusive))) &&
        !siblings.some(m => m.users.some(user => membership.users.includes(user)));
    });
  }

  /** One of the changes, by weight (in this order: the seeds' draws follow it). */
  private pickMutation(draft: Draft): Mutation {
    const [groups, memberships] = [draft.groups.length, draft.memberships.length];
    // A change to one group or membership this step has not changed yet: `mutate` answers its next version (undefined: it goes) and the change in words.
    const on = <K extends keyof Draft>(key: K, mutate: (d: Draft, item: Draft[K][number]) => [Draft[K][number] | undefined, string] | undefined) =>
      (d: Draft) => {
        const item = this.pickUnchanged<Draft[K][number]>(d[key]);
        const result = item && mutate(d, item);
        if (result) d[key] = (d[key] as Draft[K][number][]).flatMap(other => other !== item ? [other] : result[0] ?? []) as Draft[K];
        return result?.[1];
      };
    const table: [number, Mutation][] = [
      [groups < MAX_GROUPS ? 3 : 0, d => this.addGroup(d)],
      [groups ? 1 : 0, on('groups', (d, group) => {
        const dropped = d.memberships.filter(m => 'created' in m.group && m.group.created === group.id);
        d.memberships = d.memberships.filter(m => !dropped.includes(m));
        return [undefined, `remove group ${group.id}${dropped.length > 0 ? ` with memberships ${dropped.map(m => m.id).join(', ')}` : ''}`];
      })],
      [groups ? 2 : 0, on('groups', (_, group) => {
        const name = `group-${this.nextNumber()}`;
        return [{ ...group, name }, `rename group ${group.id} '${group.name}' to '${name}'`];
      })],
      [groups ? 2 : 0, on('groups', (_, group) => {
        const permissions = this.dice.subset(PERMISSIONS, 0, 4);
        return [{ ...group, permissions }, `set permissions of group ${group.id} to [${permissions.join(', ')}]`];
      })],
      [groups ? 1 : 0, on('groups', (_, group) => {
        // FinSpace cannot clear a description: dropping it leaves the last one.
        const description = group.description && this.dice.chance(0.3) ? undefined : `Description ${this.nextNumber()}`;
        return [{ ...group, description }, description ? `describe group ${group.id} anew` : `drop the description of group ${group.id}`];
      })],
      [groups ? 1.5 : 0, on('groups', (d, group) => {
        const environment: EnvironmentKey = group.environment === 'a' ? 'b' : 'a';
        // Such a move must fail: planned failures take names another group holds by renaming.
        const nameTaken = this.heldNames[environment].has(group.name) || d.groups.some(g => g.environment === environment && g.name === group.name);
        return nameTaken ? undefined : [{ ...group, environment }, `move group ${group.id} to environment ${environment} (replacement)`];
      })],
      // A removal policy flips with a property: the local runner drops a policy change that comes alone
      // (test/reliability/chaos/removal-policy-change.test.ts).
      [groups ? 0.5 : 0, on('groups', (_, group) => {
        const name = `group-${this.nextNumber()}`;
        return [{ ...group, name, retain: !group.retain }, `${group.retain ? 'destroy' : 'retain'} group ${group.id} on removal, and rename it '${name}'`];
      })],
      [memberships < MAX_MEMBERSHIPS ? 3 : 0, d => this.addMembershipOn(d, this.dice.pick(this.targets(d)))],
      [memberships ? 1.5 : 0, on('memberships', (_, membership) => [undefined, `remove membership ${membership.id}`])],
      [memberships ? 3 : 0, on('memberships', (d, membership) => {
        const added = this.dice.subset(this.freeUsers(d, membership.group), 1, 3);
        if (added.length === 0) return undefined;
        return [{ ...membership, users: [...membership.users, ...added] }, `add [${added.join(', ')}] to membership ${membership.id}`];
      })],
      [memberships ? 2 : 0, on('memberships', (_, membership) => {
        if (membership.users.length === 0) return undefined;
        const removed = this.dice.subset(membership.users, 1, 2);
        const users = membership.users.filter(u => !removed.includes(u));
        return [{ ...membership, users }, `remove [${removed.join(', ')}] from membership ${membership.id}`];
      })],
      [memberships ? 2 : 0, on('memberships', (d, membership) => {
        const removed = this.dice.subset(membership.users, 0, 2);
        const added = this.dice.subset(this.freeUsers(d, membership.group), 1, 2);
        if (removed.length + added.length === 0) return undefined;
        const users = [...membership.users.filter(u => !removed.includes(u)), ...added];
        return [{ ...membership, users }, `in membership ${membership.id} replace [${removed.join(', ')}] with [${added.join(', ')}]`];
      })],
      [memberships ? 1.5 : 0, on('memberships', (d, membership) => {
        if (!membership.exclusive && d.memberships.some(m => m !== membership && sameRef(m.group, membership.group))) return undefined;
        return [{ ...membership, exclusive: !membership.exclusive }, `make membership ${membership.id} ${membership.exclusive ? 'additive' : 'exclusive'}`];
      })],
      [memberships ? 1.5 : 0, on('memberships', (d, membership) => {
        const group = this.dice.pick(this.targets(d).filter(ref => !sameRef(ref, membership.group)));
        const others = d.memberships.filter(m => group && sameRef(m.group, group));
        if (!group || others.some(m => m.exclusive) || (membership.exclusive && others.length > 0)) return undefined;
        if (others.some(m => m.users.some(user => membership.users.includes(user)))) return undefined;
        return [{ ...membership, group }, `move membership ${membership.id} to ${describeRef(group)}`];
      })],
      [memberships ? 1.5 : 0, d => this.handOver(d)],
      // As a group's removal policy: with a change of users.
      [memberships ? 0.5 : 0, on('memberships', (d, membership) => {
        const added = this.dice.subset(this.freeUsers(d, membership.group), 1, 1);
        const users = added.length > 0 ? [...membership.users, ...added] : membership.users.slice(1);
        if (users.length === membership.users.length) return undefined;
        const change = `${membership.retain ? 'destroy' : 'retain'} membership ${membership.id} on removal, and make its users [${users.join(', ')}]`;
        return [{ ...membership, users, retain: !membership.retain }, change];
      })],
    ];
    return this.dice.weighted(table.map(([weight, mutation]) => [mutation, weight]));
  }

  private addGroup(draft: Draft): string {
    const group: GroupDeclaration = {
      id: `Group${this.nextNumber()}`,
      environment: this.dice.pick(ENVIRONMENT_KEYS),
      name: `group-${this.nextNumber()}`,
      description: this.dice.chance(0.5) ? `Description ${this.nextNumber()}` : undefined,
      permissions: this.dice.subset(PERMISSIONS, 0, 3),
      retain: this.dice.chance(0.15),
    };
    draft.groups.push(group);
    this.changing.push(group.id);
    const change = `add group ${group.id} '${group.name}' in ${group.environment}${group.retain ? ' (retain)' : ''}`;
    const withMembership = draft.memberships.length < MAX_MEMBERSHIPS && this.dice.chance(0.6);
    return withMembership ? `${change}, and ${this.addMembershipOn(draft, { created: group.id })}` : change;
  }

  private addMembershipOn(draft: Draft, group: GroupRef): string | undefined {
    const siblings = draft.memberships.filter(m => sameRef(m.group, group));
    if (siblings.some(m => m.exclusive)) return undefined;
    const membership: MembershipDeclaration = {
      id: `Members${this.nextNumber()}`,
      group,
      // Now and then none: a membership may declare no one (yet).
      users: this.dice.subset(this.freeUsers(draft, group), this.dice.chance(0.15) ? 0 : 1, 3),
      exclusive: siblings.length === 0 && this.dice.chance(0.35),
      retain: this.dice.chance(0.15),
    };
    draft.memberships.push(membership);
    this.changing.push(membership.id);
    return `add ${membership.exclusive ? 'exclusive' : 'additive'} membership ${membership.id} on ${describeRef(group)} ` +
      `[${membership.users.join(', ')}]${membership.retain ? ' (retain)' : ''}`;
  }

  /** A user moves from one membership of a group to another, old or new, in one deploy. */
  private handOver(draft: Draft): string | undefined {
    const from = this.pickUnchanged(draft.memberships.filter(m => m.users.length > 0 && !m.exclusive));
    if (!from) return undefined;
    const user = this.dice.pick(from.users);
    replace(draft.memberships, from, { ...from, users: from.users.filter(u => u !== user) });
    const to = this.pickUnchanged(draft.memberships.filter(m => m.id !== from.id && sameRef(m.group, from.group)));
    if (to) {
      replace(draft.memberships, to, { ...to, users: [...to.users, user] });
      return `hand ${user} from membership ${from.id} to ${to.id}`;
    }
    const created: MembershipDeclaration = { id: `Members${this.nextNumber()}`, group: from.group, users: [user], exclusive: false, retain: false };
    draft.memberships.push(created);
    this.changing.push(created.id);
    return `hand ${user} from membership ${from.id} to a new membership ${created.id}`;
  }

  /** A user FinSpace refuses (unknown or disabled), in a membership old or new; answers the change. */
  private declareRefusedUser(draft: Draft, user: string, dice: Dice, newId: () => string): string {
    const what = user === UNKNOWN_USER ? 'unknown user' : 'disabled user';
    const open = this.targets(draft).filter(ref => !draft.memberships.some(m => sameRef(m.group, ref) && m.exclusive));
    if (draft.memberships.length > 0 && (open.length === 0 || dice.chance(0.7))) {
      const membership = dice.pick(draft.memberships);
      replace(draft.memberships, membership, { ...membership, users: [...membership.users, user] });
      return `add ${what} ${user} to membership ${membership.id} (must fail)`;
    }
    const group = dice.pick(open);
    const membership: MembershipDeclaration = { id: newId(), group, users: [user], exclusive: false, retain: false };
    draft.memberships.push(membership);
    return `add membership ${membership.id} on ${describeRef(group)} with ${what} ${user} (must fail)`;
  }

  /** A group renamed to a name another group holds; undefined when every group moves in this step (that could not roll back). */
  private takeReservedName(draft: Draft): string | undefined {
    const unmoved = draft.groups.filter(group => !this.current.groups.some(g => g.id === group.id && g.environment !== group.environment));
    if (unmoved.length === 0) return undefined;
    const group = this.dice.pick(unmoved);
    const name = RESERVED_GROUP_NAMES[group.environment];
    replace(draft.groups, group, { ...group, name });
    return `name group ${group.id} '${name}', which another group holds (must fail)`;
  }

  /** One of the items this step has not changed yet, marked as being changed. */
  private pickUnchanged<T extends { readonly id: string }>(items: readonly T[]): T | undefined {
    const unchanged = items.filter(item => !this.changedThisStep.has(item.id));
    if (unchanged.length === 0) return undefined;
    const item = this.dice.pick(unchanged);
    this.changing.push(item.id);
    return item;
  }

  /** Groups a membership may declare members of: the revision's own and the imported ones. */
  private targets(declaration: Declaration): GroupRef[] {
    return [...declaration.groups.map(g => ({ created: g.id })), ...IMPORTED_GROUPS.map(g => ({ imported: g.permissionGroupId }))];
  }

  /** Declared users no other membership of the group declares. */
  private freeUsers(draft: Declaration, group: GroupRef): string[] {
    const taken = new Set(draft.memberships.filter(m => sameRef(m.group, group)).flatMap(m => m.users));
    return DECLARED_USERS.filter(user => !taken.has(user));
  }

  private nextNumber(): number {
    return ++this.counter;
  }
}

function copy(declaration: Declaration): Draft {
  return { groups: [...declaration.groups], memberships: [...declaration.memberships] };
}

function describeRef(ref: GroupRef): string {
  return 'created' in ref ? `group ${ref.created}` : `imported group ${ref.imported}`;
}

function replace<T>(items: T[], old: T, next: T): void {
  items[items.indexOf(old)] = next;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Seeded choices. */
export type Dice = ReturnType<typeof diceOf>;

function diceOf(next: RandomSource) {
  /** A whole number from min to max, both included. */
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (probability: number) => next() < probability,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    /** Between min and max distinct items (fewer if there are not enough), in their original order. */
    subset: <T>(items: readonly T[], min: number, max: number): T[] => {
      const count = Math.min(items.length, int(min, max));
      const chosen = new Set<number>();
      while (chosen.size < count) chosen.add(Math.floor(next() * items.length));
      return items.filter((_, index) => chosen.has(index));
    },
    weighted: <T>(choices: readonly [T, number][]): T => {
      let draw = next() * choices.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [choice, weight] of choices) {
        draw -= weight;
        if (draw < 0) return choice;
      }
      return choices.filter(([, weight]) => weight > 0).at(-1)![0];
    },
  };
}
