/** Plays one planned sequence (README, "A sequence"); the first difference ends it, with the seed that replays it. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PATIENT_TIMING, STACK_NAME, synthesizeDeclaration, type SynthesizedApp } from './app';
import {
  ADMIN_GROUP, BOOTSTRAP_GROUPS, type Declaration, describeDeclaration, DISABLED_USER, EMPTY_DECLARATION, environmentOf, groupIdentity, HANDLER_USER,
  MANAGE_USERS_AND_GROUPS, OUTSIDE_USERS, UNKNOWN_USER,
} from './environments';
import { bootstrapIdentity, ExpectedFinSpace, type Touched } from './expectation';
import { bump, countCheck, countOutage, countRun, emptyFigures } from './figures';
import type { OutsideAddition, Plan, PlannedFailure, Step } from './plan';
import { ChaosWorld } from './world';
import type { DriftFinding } from '../../contract/drift-audit';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE } from '../../contract/resource-types';
import { predictOutputs, readAssembly, type RunnerEvent, type StackDrift } from '../runner';

/** Deploys of one step, the first included, before the sequence gives up on it. */
const MAX_ATTEMPTS = 3;

export type SequenceFailure = ReturnType<SequencePlayer['failure']>;
export type SequenceReport = Awaited<ReturnType<typeof runSequence>>;

/** Plays a sequence in a fresh temporary directory, removed afterwards unless the sequence failed; `log`: one line per step. */
export async function runSequence(plan: Plan, options: { readonly log?: (line: string) => void } = {}) {
  const started = Date.now();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), `chaos-${plan.seed}-`));
  const player = new SequencePlayer(plan, directory, options.log ?? (() => undefined));
  let failure: SequenceFailure | undefined;
  try {
    failure = await player.play();
  } finally {
    await player.world?.emulator.stop();
    if (!failure) fs.rmSync(directory, { recursive: true, force: true });
  }
  Object.assign(player.figures, { sequences: 1, failedSequences: failure ? 1 : 0 });
  return { seed: plan.seed, figures: player.figures, failure, elapsedMs: Date.now() - started };
}

/** Granted outside CloudFormation by a drift round: never ManageUsersAndGroups, whose removal the handler may refuse. */
const EXTRA_PERMISSIONS = ['ViewAuditData', 'AccessNotebooks', 'CreateDataset'];

type Injected = Pick<DriftFinding, 'kind' | 'permissionGroupId' | 'userId'>;

/** What the final stack statuses mean for the step; any other status is 'stuck'. */
const OUTCOMES = {
  'complete': ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'NO_CHANGES', 'DELETE_COMPLETE', 'DOES_NOT_EXIST', 'NO_RESOURCES'],
  'rolled-back': ['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'],
  'destroy-failed': ['DELETE_FAILED'],
};

/**
 * How a planned failure shows in CloudFormation's reason: a disabled user refused at once (a wait would end in "did not
 * settle"); a name taken by the handler's check, or by FinSpace's own refusal when a group takes it meanwhile.
 */
const PLANNED_FAILURE_REASONS: Record<PlannedFailure, readonly string[]> = {
  'unknown-user': [`'${UNKNOWN_USER}' does not exist`],
  'name-taken': ['already has the declared name', 'PERMISSION_GROUP_NAME_EXISTS'],
  'disabled-user': [`'${DISABLED_USER}' was refused`],
  'lockout': [`would take ${MANAGE_USERS_AND_GROUPS} from FinSpace user ${HANDLER_USER}`],
};

class SequencePlayer {
  readonly figures = emptyFigures();
  world?: ChaosWorld;
  private readonly expected: ExpectedFinSpace;
  /** Of every revision synthesized so far: logical ids by construct id, and the reverse. */
  private readonly logicalIds = new Map<string, string>();
  private readonly constructIds = new Map<string, string>();
  private deployed: Declaration = EMPTY_DECLARATION;
  private lastApp?: SynthesizedApp;

  constructor(private readonly plan: Plan, private readonly directory: string, private readonly log: (line: string) => void) {
    this.expected = new ExpectedFinSpace(plan.config.handlerPrivilege);
  }

  async play(): Promise<SequenceFailure | undefined> {
    for (const [index, step] of this.plan.steps.entries()) {
      const target = step.kind === 'deploy' ? step.declaration : EMPTY_DECLARATION;
      try {
        const app = step.kind === 'deploy' ? this.synthesize(step.declaration, index) : this.lastApp!;
        this.world ??= await ChaosWorld.start({
          ...this.plan.config, // its behaviour and handlerPrivilege
          directory: this.directory,
          handlerRoleArn: String(predictOutputs(readAssembly(app.directory).stacks[0]).FinSpaceDataHandlerRoleArn),
        });
        await this.placeHandlerPrivilege(step);
        const disabled = step.kind === 'deploy' ? step.disabledOutOfBand : undefined;
        if (disabled) await this.world.disableUser(disabled.environment, disabled.user);
        await this.addMembers(step.outsideAdditions);
        const preExisting = step.kind === 'deploy' ? await this.addMembers(step.preExistingMembers ?? []) : 0;
        const failure = await this.playStep(step, index, target, app, preExisting);
        if (failure) return failure;
        // A stack that declares no group or membership has no audit to run.
        const declaresAccess = target.groups.length > 0 || target.memberships.length > 0;
        // About one completed deploy in two is followed by a drift round.
        if (!declaresAccess || this.deployed !== target || mix(this.plan.seed, index, 0) % 2 !== 0) continue;
        const problems = await this.driftRound(index);
        this.log(`step ${index + 1}/${this.plan.steps.length}: drift round, ${problems.length === 0 ? 'found and healed' : 'FAILED'}`);
        if (problems.length > 0) return this.failure(step, index, 1, this.deployed, this.deployed, problems);
      } catch (error) {
        // Neither the stack nor FinSpace: the run itself broke (synthesis, the runner, the operator).
        bump(this.figures.problems, 'error');
        return this.failure(step, index, 1, this.deployed, target, [`error: ${(error as Error).stack ?? String(error)}`]);
      }
    }
    return undefined;
  }

  /** `preExisting`: members added outside before the step, which it declares; its rollback keeps them. */
  private async playStep(
    step: Step, index: number, target: Declaration, app: SynthesizedApp, preExisting: number,
  ): Promise<SequenceFailure | undefined> {
    const plannedFailure = step.kind === 'deploy' ? step.plannedFailure : undefined;
    const before = this.deployed;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // A planned outage comes with the first attempt only, and alone: nothing else may fail the step.
      const outage = attempt === 1 ? step.outage : undefined;
      const seed = faultSeed(this.plan.seed, index, attempt);
      const run = await this.world!.run(step.kind, app.directory, {
        faults: outage ? { seed } : { ...this.plan.config.faults, seed },
        pollIntervalMs: this.plan.config.pollIntervalMs,
        outage,
      });
      countRun(this.figures, run);
      const [stack] = run.result.stacks;
      const outcome = (Object.keys(OUTCOMES) as (keyof typeof OUTCOMES)[]).find(key => OUTCOMES[key].includes(stack?.status ?? '')) ?? 'stuck';
      const fail = (problems: string[]) => {
        // What FinSpace was asked and what the runner did, for whoever investigates.
        fs.writeFileSync(path.join(this.directory, `step${index + 1}.calls.json`), JSON.stringify(run.calls, undefined, 1));
        fs.writeFileSync(path.join(this.directory, `step${index + 1}.events.json`), JSON.stringify(run.events, undefined, 1));
        return this.failure(step, index, attempt, before, target, problems);
      };
      const attempted = attempt > 1 ? ` (attempt ${attempt})` : '';
      this.log(`step ${index + 1}/${this.plan.steps.length}${attempted}: ${stack?.status} ${step.changes.join('; ')}`);

      if (outcome === 'destroy-failed' && attempt < MAX_ATTEMPTS) {
        // Deleted in part: destroyed again, as a person would, and checked once it is gone.
        this.figures.failedDestroys++;
        this.countReason(stack?.failureReason);
        continue;
      }
      if (outcome === 'stuck' || outcome === 'destroy-failed') {
        bump(this.figures.problems, 'stack-stuck');
        return fail([`the stack is ${stack?.status}: ${stack?.failureReason ?? 'no reason'}`]);
      }
      if (outage) countOutage(this.figures, run, outcome === 'complete');
      // Up to the configured timeout, an outage fails nothing: the step ends as it would without it.
      if (outage && run.outage && !plannedFailure && outcome !== 'complete') {
        bump(this.figures.problems, 'outage-failed-step');
        return fail([`FinSpace was unavailable for ${Math.round((run.outage.endedAt - run.outage.startedAt) / 1000)} s and the step ` +
          `ended ${stack?.status}: ${firstLine(stack?.failureReason)}`]);
      }
      const { touched, letGo, cleanupReasons } = this.readEvents(run.events);
      if (outcome === 'complete') {
        cleanupReasons.forEach(reason => this.countReason(`cleanup: ${reason}`));
        this.figures.cleanupFailures += letGo.size;
        this.expected.deployed(this.deployed, target, touched.completed, letGo);
        this.deployed = target;
      } else {
        this.expected.rolledBack(this.deployed, target, touched);
        // They were there before the failed step: its rollback keeps them (the expectation says so).
        if (attempt === 1) this.figures.preExistingMembersKeptByRollback += preExisting;
        // A completed step must have waited for every removal; a failed create may not have.
        this.figures.removalsStillSettling += await this.world!.settle('REMOVAL_IN_PROGRESS');
      }
      const problems = this.check();
      if (problems.length > 0) return fail(problems);

      if (plannedFailure && outcome === 'complete') {
        bump(this.figures.problems, 'planned-failure-succeeded');
        return fail([`the step had to fail (${plannedFailure}) but the stack is ${stack?.status}`]);
      }
      if (plannedFailure && PLANNED_FAILURE_REASONS[plannedFailure].some(shown => stack?.failureReason?.includes(shown))) {
        this.figures.plannedRollbacks++;
        bump(this.figures.plannedRollbacksByFailure, plannedFailure);
        return undefined;
      }
      if (outcome === 'complete') return undefined;
      this.figures.unplannedRollbacks++;
      this.countReason(stack?.failureReason);
      if (plannedFailure) return undefined; // it rolled back for another reason first: as good as planned
    }
    return this.failure(step, index, MAX_ATTEMPTS, before, target, [`the step rolled back ${MAX_ATTEMPTS} times without a planned failure`]);
  }

  /** A drift round after a completed deploy (README, "A sequence"); answers the problems. */
  private async driftRound(index: number): Promise<string[]> {
    const { deployed, expected, plan: { seed } } = this;
    const [world, figures] = [this.world!, this.figures.drift];
    const pick = <T>(items: readonly T[], salt: number) => items.length === 0 ? undefined : items[mix(seed, index, salt) % items.length];
    const identityOf = (membership: Declaration['memberships'][number]) => groupIdentity(deployed, membership.group);
    const injected: Injected[] = [];

    // A declared member removed: a user declared once in its group.
    const declarations = (identity: string, user: string) => deployed.memberships.filter(m => identityOf(m) === identity && m.users.includes(user));
    const declaredOnce = deployed.memberships.flatMap(m => m.users.filter(user => declarations(identityOf(m), user).length === 1)
      .map(user => ({ m, user })));
    const removal = pick(declaredOnce, 1);
    const removedFrom = removal && expected.physicalIdOf(identityOf(removal.m));
    if (removal && removedFrom) {
      await world.removeMember(environmentOf(deployed, removal.m.group), removedFrom, removal.user);
      injected.push({ kind: 'MemberMissing', permissionGroupId: removedFrom, userId: removal.user });
    }
    // A member nobody declares, added to an exclusive membership's group.
    const exclusive = pick(deployed.memberships.filter(m => m.exclusive), 2);
    const extendedGroup = exclusive && expected.physicalIdOf(identityOf(exclusive));
    const user = pick(OUTSIDE_USERS, 3)!;
    if (exclusive && extendedGroup && await world.addMember(environmentOf(deployed, exclusive.group), extendedGroup, user)) {
      expected.addOutsideMember(identityOf(exclusive), user);
      injected.push({ kind: 'MemberExtra', permissionGroupId: extendedGroup, userId: user });
    }
    // A created group renamed, granted one more permission, and re-described when it declares a description.
    const renamed = pick(deployed.groups, 4);
    const extraPermission = renamed && EXTRA_PERMISSIONS.find(permission => !renamed.permissions.includes(permission as never));
    const renamedId = renamed && extraPermission && expected.physicalIdOf(`${renamed.id}@${renamed.environment}`);
    if (renamed && renamedId) {
      await world.operator(renamed.environment).updatePermissionGroup({
        permissionGroupId: renamedId,
        name: `${renamed.name}-drifted`,
        applicationPermissions: [...renamed.permissions, extraPermission] as never,
        ...(renamed.description ? { description: `${renamed.description} (drifted)` } : {}),
      });
      injected.push({ kind: 'GroupRenamed', permissionGroupId: renamedId }, { kind: 'PermissionsChanged', permissionGroupId: renamedId });
      if (renamed.description) injected.push({ kind: 'DescriptionChanged', permissionGroupId: renamedId });
    }
    figures.rounds++;
    figures.injected += injected.length;

    const problems: string[] = [];
    const first = await world.drift(STACK_NAME, { ...this.plan.config.faults, seed: faultSeed(seed, index, 0) });
    const findings = first.flatMap(stack => stack.result?.findings ?? []);
    const matching = (change: Injected) => (f: DriftFinding) =>
      f.kind === change.kind && f.permissionGroupId === change.permissionGroupId && f.userId === change.userId;
    for (const change of injected) {
      const finding = findings.find(matching(change));
      const what = `${change.kind} of ${change.userId ?? 'the group'} in ${change.permissionGroupId}`;
      if (!finding) problems.push(`drift round: ${what} was not found (audit: ${describe(first)})`);
      else figures.found++;
      if (finding?.healed) figures.healedFirstRun++;
    }
    // The schedule's next run, once FinSpace is healthy, heals what the faults kept back.
    await world.settle('REMOVAL_IN_PROGRESS', 'ADDITION_IN_PROGRESS');
    const second = await world.drift(STACK_NAME);
    const secondFindings = second.flatMap(stack => stack.result?.findings ?? []);
    const left = secondFindings.filter(f => f.healed !== true);
    if (left.length > 0 || second.some(stack => !stack.result?.audited)) problems.push(`drift round: the second audit left ${describe(second)}`);
    if (left.length === 0) figures.healedSecondRun += injected.filter(change => !findings.some(f => matching(change)(f) && f.healed)).length;
    // Every member the audit removed was a member nobody declares: the expectation forgets it.
    for (const finding of [...findings, ...secondFindings].filter(f => f.kind === 'MemberExtra' && f.healed)) {
      const identity = deployed.memberships.map(identityOf).find(id => expected.physicalIdOf(id) === finding.permissionGroupId);
      if (identity) expected.removeOutsideMember(identity, finding.userId!);
    }
    await world.settle('REMOVAL_IN_PROGRESS', 'ADDITION_IN_PROGRESS');
    return [...problems, ...this.check()];
  }

  /** The whole emulator state against the expectation (once the stack's ids are known), counted; answers the problems. */
  private check(): string[] {
    this.expected.learnIds(constructId => this.world!.physicalId(STACK_NAME, this.logicalIds.get(constructId) ?? ''));
    const { problems, tally } = this.expected.check(this.world!.emulator.snapshot());
    countCheck(this.figures, tally);
    problems.forEach(problem => bump(this.figures.problems, problem.kind));
    return problems.map(problem => `${problem.kind}: ${problem.detail}`);
  }

  /** Members added outside CloudFormation, on whichever of their groups exist now; answers how many were added. */
  private async addMembers(additions: readonly OutsideAddition[]): Promise<number> {
    let added = 0;
    for (const { group, user } of additions) {
      // An unplanned failure may have kept the group from being created.
      const exists = 'imported' in group || this.deployed.groups.some(g => g.id === group.created);
      const identity = exists ? groupIdentity(this.deployed, group) : undefined;
      const permissionGroupId = identity && this.expected.physicalIdOf(identity);
      if (permissionGroupId && await this.world!.addMember(environmentOf(this.deployed, group), permissionGroupId, user)) {
        this.expected.addOutsideMember(identity, user);
        added++;
      }
    }
    return added;
  }

  /**
   * With the handler's privilege from groups (README, "A sequence"): the admin group alone grants it once deployed, so a
   * lockout attempt must be refused; before a destroy the bootstrap group again, or the handler would refuse to delete it.
   */
  private async placeHandlerPrivilege(step: Step): Promise<void> {
    if (this.plan.config.handlerPrivilege !== 'group') return;
    const world = this.world!;
    const environment = ADMIN_GROUP.environment;
    const bootstrap = BOOTSTRAP_GROUPS[environment].permissionGroupId;
    const adminIdentity = `${ADMIN_GROUP.id}@${environment}`;
    const adminId = this.deployed.groups.some(g => g.id === ADMIN_GROUP.id) ? this.expected.physicalIdOf(adminIdentity) : undefined;
    const isMember = (permissionGroupId: string) => world.membershipStatus(environment, permissionGroupId, HANDLER_USER) === 'ADDITION_SUCCESS';
    if (step.kind === 'deploy' && adminId) {
      if (!isMember(adminId) && await world.addMember(environment, adminId, HANDLER_USER)) {
        this.expected.addOutsideMember(adminIdentity, HANDLER_USER);
      }
      if (isMember(bootstrap)) {
        await world.removeMember(environment, bootstrap, HANDLER_USER);
        this.expected.removeOutsideMember(bootstrapIdentity(environment), HANDLER_USER);
      }
    } else if (step.kind === 'destroy' && !isMember(bootstrap)) {
      await world.addMember(environment, bootstrap, HANDLER_USER);
      this.expected.addOutsideMember(bootstrapIdentity(environment), HANDLER_USER);
    }
  }

  private synthesize(declaration: Declaration, index: number): SynthesizedApp {
    const app = synthesizeDeclaration(declaration, path.join(this.directory, `cdk.out.${index + 1}`), {
      maxConcurrency: this.plan.config.maxConcurrency,
      ...PATIENT_TIMING,
      handlerTimeouts: this.plan.config.handlerTimeouts,
    });
    for (const [constructId, logicalId] of Object.entries(app.logicalIds)) {
      this.logicalIds.set(constructId, logicalId);
      this.constructIds.set(logicalId, constructId);
    }
    this.lastApp = app;
    return app;
  }

  /**
   * The memberships created or updated on the way forward (finished or not) and updated back in a rollback; the resources
   * whose delete failed in the cleanup phase, which CloudFormation lets go (the stack completes), with why.
   */
  private readEvents(events: readonly RunnerEvent[]): { touched: Touched; letGo: Set<string>; cleanupReasons: string[] } {
    const [started, completed, back, letGo] = [new Set<string>(), new Set<string>(), new Set<string>(), new Set<string>()];
    const cleanupReasons: string[] = [];
    let phase: 'forward' | 'rollback' | 'cleanup' = 'forward';
    for (const event of events) {
      if (event.kind === 'stack' && event.status.endsWith('ROLLBACK_IN_PROGRESS')) phase = 'rollback';
      if (event.kind === 'stack' && event.status === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS') phase = 'cleanup';
      if (event.kind !== 'resource') continue;
      const constructId = this.constructIds.get(event.logicalId);
      if (phase === 'cleanup' && event.status === 'DELETE_FAILED') {
        if (constructId) letGo.add(constructId);
        cleanupReasons.push(String(event.reason));
      }
      if (!constructId || event.resourceType !== GROUP_MEMBERSHIP_RESOURCE_TYPE) continue;
      if (phase === 'rollback' && event.status === 'UPDATE_COMPLETE') back.add(constructId);
      if (phase !== 'rollback' && (event.status === 'CREATE_IN_PROGRESS' || event.status === 'UPDATE_IN_PROGRESS')) started.add(constructId);
      if (phase !== 'rollback' && (event.status === 'CREATE_COMPLETE' || event.status === 'UPDATE_COMPLETE')) completed.add(constructId);
    }
    return { touched: { completed, failed: new Set([...started].filter(id => !completed.has(id))), back }, letGo, cleanupReasons };
  }

  private countReason(reason: string | undefined): void {
    bump(this.figures.unplannedReasons, firstLine(reason));
  }

  /** Where the sequence failed (the step 1-based, as printed), what was deployed before and attempted, and where its files were kept. */
  failure(step: Step, index: number, attempt: number, before: Declaration, target: Declaration, problems: string[]) {
    const [changes, directory] = [step.changes, this.directory];
    return { step: index + 1, attempt, changes, problems, before: describeDeclaration(before), attempted: describeDeclaration(target), directory };
  }
}

/** Different per sequence, step and attempt, and the same on every replay of the seed. */
function faultSeed(seed: number, stepIndex: number, attempt: number): number {
  return (seed * 1009 + stepIndex * 31 + attempt) % 2_147_483_647;
}

function firstLine(reason: string | undefined): string {
  return (reason ?? 'no reason').split('\n')[0].replace(/\(RequestId: [^)]*\)/, '').replace(/\b[0-9a-f-]{36}\b/g, '<id>').slice(0, 200);
}

function describe(drifts: readonly StackDrift[]): string {
  return JSON.stringify(drifts.map(stack => stack.failure ?? stack.result)).slice(0, 1500);
}

/** A deterministic number from the sequence's seed, the step and a salt. */
function mix(seed: number, index: number, salt: number): number {
  /* eslint-disable no-bitwise */
  let hash = 0x811c9dc5;
  for (const value of [seed, index, salt]) {
    hash ^= value;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
  /* eslint-enable no-bitwise */
}
