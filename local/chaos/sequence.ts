/**
 * Plays one planned sequence: before each step the outside additions, then the step
 * through the local runner under the plan's faults, then the whole emulator state
 * compared with what the declarations say it must be. The first difference ends the
 * sequence, with the seed that replays it.
 *
 * A step that fails without being planned to (FinSpace's faults outlasted the
 * handler's retries) must still roll back to the previous declaration; it is then
 * deployed again, as a person would, at most MAX_ATTEMPTS times in all. So is a
 * destroy that failed. A delete that fails in the cleanup phase CloudFormation
 * reports and lets go: what it still held stays in FinSpace, and is counted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PATIENT_TIMING, STACK_NAME, synthesizeDeclaration, type SynthesizedApp } from './app';
import { driftRound, hasDriftRound } from './drift-round';
import { type Declaration, describeDeclaration, EMPTY_DECLARATION, environmentOf, groupIdentity } from './environments';
import { ADMIN_GROUP, BOOTSTRAP_GROUPS, DISABLED_USER, HANDLER_USER, MANAGE_USERS_AND_GROUPS, UNKNOWN_USER } from './environments';
import { bootstrapIdentity, ExpectedFinSpace, type Problem, type Touched } from './expectation';
import { countCalls, countCheck, emptyFigures, type Figures } from './figures';
import type { OutsideAddition, Plan, PlannedFailure, Step } from './plan';
import { ChaosWorld, type StepRun } from './world';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE } from '../../contract/resource-types';
import { predictOutputs, readAssembly, type RunnerEvent } from '../runner';

/** Deploys of one step, the first included, before the sequence gives up on it. */
const MAX_ATTEMPTS = 3;

export interface SequenceFailure {
  /** 1-based, as printed. */
  readonly step: number;
  readonly attempt: number;
  readonly changes: readonly string[];
  readonly problems: readonly string[];
  /** The declaration deployed before the step, and the one it went for. */
  readonly before: readonly string[];
  readonly attempted: readonly string[];
  /** Where the state file, the assemblies and the functions' logs were kept. */
  readonly directory: string;
}

export interface SequenceReport {
  readonly seed: number;
  readonly figures: Figures;
  readonly failure?: SequenceFailure;
  readonly elapsedMs: number;
}

export interface SequenceOptions {
  /** Where to work; a fresh temporary directory by default. Removed afterwards unless the sequence failed. */
  readonly directory?: string;
  /** One line per step, for progress output. */
  readonly log?: (line: string) => void;
}

export async function runSequence(plan: Plan, options: SequenceOptions = {}): Promise<SequenceReport> {
  const started = Date.now();
  const directory = options.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), `chaos-${plan.seed}-`));
  const player = new SequencePlayer(plan, directory, options.log ?? (() => undefined));
  let failure: SequenceFailure | undefined;
  try {
    failure = await player.play();
  } finally {
    await player.stop();
    if (!failure) fs.rmSync(directory, { recursive: true, force: true });
  }
  player.figures.sequences = 1;
  player.figures.failedSequences = failure ? 1 : 0;
  return { seed: plan.seed, figures: player.figures, failure, elapsedMs: Date.now() - started };
}

type Outcome = 'complete' | 'rolled-back' | 'destroy-failed' | 'stuck';

class SequencePlayer {
  readonly figures = emptyFigures();
  private readonly expected: ExpectedFinSpace;
  private readonly logicalIds = new Map<string, string>();
  private readonly constructIds = new Map<string, string>();
  private deployed: Declaration = EMPTY_DECLARATION;
  private lastApp?: SynthesizedApp;
  private world?: ChaosWorld;

  constructor(private readonly plan: Plan, private readonly directory: string, private readonly log: (line: string) => void) {
    this.expected = new ExpectedFinSpace(plan.config.handlerPrivilege);
  }

  async play(): Promise<SequenceFailure | undefined> {
    for (const [index, step] of this.plan.steps.entries()) {
      try {
        const app = step.kind === 'deploy' ? this.synthesize(step.declaration, index) : this.lastApp!;
        this.world ??= await ChaosWorld.start({
          directory: this.directory,
          handlerRoleArn: String(predictOutputs(readAssembly(app.directory).stacks[0]).FinSpaceDataHandlerRoleArn),
          behaviour: this.plan.config.behaviour,
          handlerPrivilege: this.plan.config.handlerPrivilege,
        });
        await this.placeHandlerPrivilege(step);
        if (step.kind === 'deploy' && step.disabledOutOfBand) {
          await this.world.disableUser(step.disabledOutOfBand.environment, step.disabledOutOfBand.user);
        }
        await this.addOutsideMembers(step);
        const preExisting = step.kind === 'deploy' ? await this.addMembers(step.preExistingMembers ?? []) : [];
        const failure = await this.playStep(step, index, app, preExisting);
        if (failure) return failure;
        // A stack that declares no group or membership has no audit to run.
        const declaresAccess = step.kind === 'deploy' && (step.declaration.groups.length > 0 || step.declaration.memberships.length > 0);
        if (declaresAccess && this.deployed === step.declaration && hasDriftRound(this.plan.seed, index)) {
          const driftFailure = await this.driftRound(step, index);
          if (driftFailure) return driftFailure;
        }
      } catch (error) {
        // Neither the stack nor FinSpace: the run itself broke (synthesis, the runner, the operator).
        this.count('error');
        const target = step.kind === 'deploy' ? step.declaration : EMPTY_DECLARATION;
        return this.failure(step, index, 1, this.deployed, target, [`error: ${(error as Error).stack ?? String(error)}`]);
      }
    }
    return undefined;
  }

  async stop(): Promise<void> {
    await this.world?.stop();
  }

  /** `preExisting`: members added outside before the step, which it declares (by group identity); its rollback keeps them. */
  private async playStep(
    step: Step, index: number, app: SynthesizedApp, preExisting: readonly [string, string][],
  ): Promise<SequenceFailure | undefined> {
    const target = step.kind === 'deploy' ? step.declaration : EMPTY_DECLARATION;
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
      this.figures.steps++;
      countCalls(this.figures, run.calls, run.faults);
      const [stack] = run.result.stacks;
      const outcome = OUTCOMES.find(([, statuses]) => statuses.includes(stack?.status ?? ''))?.[0] ?? 'stuck';
      const fail = (problems: string[]) => {
        // What FinSpace was asked and what the runner did, for whoever investigates.
        fs.writeFileSync(path.join(this.directory, `step${index + 1}.calls.json`), JSON.stringify(run.calls, undefined, 1));
        fs.writeFileSync(path.join(this.directory, `step${index + 1}.events.json`), JSON.stringify(run.events, undefined, 1));
        return this.failure(step, index, attempt, before, target, problems);
      };
      this.log(`step ${index + 1}/${this.plan.steps.length}${attempt > 1 ? ` (attempt ${attempt})` : ''}: ${stack?.status} ${step.changes.join('; ')}`);

      if (outcome === 'destroy-failed' && attempt < MAX_ATTEMPTS) {
        // Deleted in part: destroyed again, as a person would, and checked once it is gone.
        this.figures.failedDestroys++;
        this.countReason(stack?.failureReason);
        continue;
      }
      if (outcome === 'stuck' || outcome === 'destroy-failed') {
        this.count('stack-stuck');
        return fail([`the stack is ${stack?.status}: ${stack?.failureReason ?? 'no reason'}`]);
      }
      if (outage) {
        this.countOutage(run.outage, outcome);
        // Up to the configured timeout, an outage fails nothing: the step ends as it would without it.
        if (run.outage && !plannedFailure && outcome !== 'complete') {
          this.count('outage-failed-step');
          return fail([`FinSpace was unavailable for ${Math.round((run.outage.endedAt - run.outage.startedAt) / 1000)} s and the step ` +
            `ended ${stack?.status}: ${firstLine(stack?.failureReason)}`]);
        }
      }
      if (outcome === 'complete') {
        const letGo = this.letGo(run.events);
        this.figures.cleanupFailures += letGo.size;
        this.expected.deployed(this.deployed, target, this.touched(run.events).completed, letGo);
        this.deployed = target;
      } else {
        this.expected.rolledBack(this.deployed, target, this.touched(run.events));
        // They were there before the failed step: its rollback keeps them (the expectation says so).
        if (attempt === 1) this.figures.preExistingMembersKeptByRollback += preExisting.length;
      }
      this.expected.learnIds(constructId => this.world!.physicalId(STACK_NAME, this.logicalIds.get(constructId) ?? ''));
      // A completed step must have waited for every removal; a failed create may not have.
      if (outcome === 'rolled-back') this.figures.removalsStillSettling += await this.world!.settleRemovals();
      const { problems, tally } = this.expected.check(this.world!.snapshot());
      countCheck(this.figures, tally);
      problems.forEach(problem => this.count(problem.kind));
      if (problems.length > 0) return fail(problems.map(describeProblem));

      if (plannedFailure) {
        if (outcome === 'complete') {
          this.count('planned-failure-succeeded');
          return fail([`the step had to fail (${plannedFailure}) but the stack is ${stack?.status}`]);
        }
        if (plannedFailureShows(plannedFailure, stack?.failureReason)) {
          this.figures.plannedRollbacks++;
          this.figures.plannedRollbacksByFailure[plannedFailure] = (this.figures.plannedRollbacksByFailure[plannedFailure] ?? 0) + 1;
          return undefined;
        }
      }
      if (outcome === 'complete') return undefined;
      this.figures.unplannedRollbacks++;
      this.countReason(stack?.failureReason);
      if (plannedFailure) return undefined; // it rolled back for another reason first: as good as planned
    }
    return this.failure(step, index, MAX_ATTEMPTS, before, target, [`the step rolled back ${MAX_ATTEMPTS} times without a planned failure`]);
  }

  private countOutage(outage: StepRun['outage'], outcome: Outcome): void {
    if (!outage) {
      this.figures.outagesNotReached++;
      return;
    }
    const ms = outage.endedAt - outage.startedAt;
    this.figures.outages++;
    if (outage.cutShort) this.figures.outagesCutShort++;
    this.figures.outageMs += ms;
    this.figures.longestOutageMs = Math.max(this.figures.longestOutageMs, ms);
    if (outcome === 'complete') this.figures.stepsCompletedThroughOutage++;
    else this.figures.stepsRolledBackThroughOutage++;
  }

  /** After a completed deploy: drift made outside, found and healed by the audit, then the whole state checked. */
  private async driftRound(step: Step, index: number): Promise<SequenceFailure | undefined> {
    const problems = await driftRound({
      world: this.world!,
      expected: this.expected,
      deployed: this.deployed,
      seed: this.plan.seed,
      index,
      faults: { ...this.plan.config.faults, seed: faultSeed(this.plan.seed, index, 0) },
      figures: this.figures.drift,
    });
    const { problems: stateProblems, tally } = this.expected.check(this.world!.snapshot());
    countCheck(this.figures, tally);
    stateProblems.forEach(problem => this.count(problem.kind));
    const all = [...problems, ...stateProblems.map(describeProblem)];
    this.log(`step ${index + 1}/${this.plan.steps.length}: drift round, ${all.length === 0 ? 'found and healed' : 'FAILED'}`);
    return all.length > 0 ? this.failure(step, index, 1, this.deployed, this.deployed, all) : undefined;
  }

  /** The plan's outside additions, on whichever of their groups exist now. */
  private async addOutsideMembers(step: Step): Promise<void> {
    await this.addMembers(step.outsideAdditions);
  }

  /** Members added outside CloudFormation, on whichever of their groups exist now; answers those added, by group identity. */
  private async addMembers(additions: readonly OutsideAddition[]): Promise<[string, string][]> {
    const added: [string, string][] = [];
    for (const addition of additions) {
      let identity: string;
      try {
        identity = groupIdentity(this.deployed, addition.group);
      } catch {
        continue; // an unplanned failure kept the group from being created
      }
      const permissionGroupId = this.expected.physicalIdOf(identity);
      if (!permissionGroupId) continue;
      if (await this.world!.addMember(environmentOf(this.deployed, addition.group), permissionGroupId, addition.user)) {
        this.expected.addOutsideMember(identity, addition.user);
        added.push([identity, addition.user]);
      }
    }
    return added;
  }

  /**
   * With the handler's privilege from groups: before a deploy, once the stack's admin
   * group exists, the operator hands the handler's user to it and takes it out of the
   * bootstrap group, so the admin group alone grants it (a lockout attempt must then
   * be refused); before a destroy, back into the bootstrap group, without which the
   * handler would rightly refuse to delete the admin group.
   */
  private async placeHandlerPrivilege(step: Step): Promise<void> {
    if (this.plan.config.handlerPrivilege !== 'group') return;
    const environment = ADMIN_GROUP.environment;
    const bootstrap = BOOTSTRAP_GROUPS[environment];
    const adminIdentity = `${ADMIN_GROUP.id}@${environment}`;
    const adminId = this.deployed.groups.some(g => g.id === ADMIN_GROUP.id) ? this.expected.physicalIdOf(adminIdentity) : undefined;
    if (step.kind === 'deploy' && adminId) {
      if (!this.handlerIsMember(adminId) && await this.world!.addMember(environment, adminId, HANDLER_USER)) {
        this.expected.addOutsideMember(adminIdentity, HANDLER_USER);
      }
      if (this.handlerIsMember(bootstrap.permissionGroupId)) {
        await this.world!.removeMember(environment, bootstrap.permissionGroupId, HANDLER_USER);
        this.expected.removeOutsideMember(bootstrapIdentity(environment), HANDLER_USER);
      }
    } else if (step.kind === 'destroy' && !this.handlerIsMember(bootstrap.permissionGroupId)) {
      await this.world!.addMember(environment, bootstrap.permissionGroupId, HANDLER_USER);
      this.expected.addOutsideMember(bootstrapIdentity(environment), HANDLER_USER);
    }
  }

  private handlerIsMember(permissionGroupId: string): boolean {
    return this.world!.snapshot().environments.some(e => e.permissionGroups.some(g => g.permissionGroupId === permissionGroupId &&
      g.members.some(m => m.userId === HANDLER_USER && m.membershipStatus === 'ADDITION_SUCCESS')));
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

  /** Memberships CloudFormation created or updated on the way forward (finished or not), and updated back in a rollback. */
  private touched(events: readonly RunnerEvent[]): Touched {
    const started = new Set<string>();
    const completed = new Set<string>();
    const back = new Set<string>();
    let rollingBack = false;
    for (const event of events) {
      if (event.kind === 'stack' && event.status.endsWith('ROLLBACK_IN_PROGRESS')) rollingBack = true;
      if (event.kind !== 'resource' || event.resourceType !== GROUP_MEMBERSHIP_RESOURCE_TYPE) continue;
      const constructId = this.constructIds.get(event.logicalId);
      if (!constructId) continue;
      if (rollingBack) {
        if (event.status === 'UPDATE_COMPLETE') back.add(constructId);
      } else if (event.status === 'CREATE_IN_PROGRESS' || event.status === 'UPDATE_IN_PROGRESS') {
        started.add(constructId);
      } else if (event.status === 'CREATE_COMPLETE' || event.status === 'UPDATE_COMPLETE') {
        completed.add(constructId);
      }
    }
    return { completed, failed: new Set([...started].filter(id => !completed.has(id))), back };
  }

  /**
   * Groups and memberships whose delete failed in the cleanup phase: CloudFormation
   * reports them and lets them go, and the stack completes.
   */
  private letGo(events: readonly RunnerEvent[]): Set<string> {
    const letGo = new Set<string>();
    let cleaningUp = false;
    for (const event of events) {
      if (event.kind === 'stack' && event.status === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS') cleaningUp = true;
      if (!cleaningUp || event.kind !== 'resource' || event.status !== 'DELETE_FAILED') continue;
      const constructId = this.constructIds.get(event.logicalId);
      if (constructId) letGo.add(constructId);
      this.countReason(`cleanup: ${event.reason}`);
    }
    return letGo;
  }

  private countReason(reason: string | undefined): void {
    const line = firstLine(reason);
    this.figures.unplannedReasons[line] = (this.figures.unplannedReasons[line] ?? 0) + 1;
  }

  private count(kind: keyof Figures['problems']): void {
    this.figures.problems[kind] = (this.figures.problems[kind] ?? 0) + 1;
  }

  private failure(step: Step, index: number, attempt: number, before: Declaration, target: Declaration, problems: string[]): SequenceFailure {
    return {
      step: index + 1,
      attempt,
      changes: step.changes,
      problems,
      before: describeDeclaration(before),
      attempted: describeDeclaration(target),
      directory: this.directory,
    };
  }
}

/** What the final stack statuses mean for the step; any other status is 'stuck'. */
const OUTCOMES: readonly [Outcome, readonly string[]][] = [
  ['complete', ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'NO_CHANGES', 'DELETE_COMPLETE', 'DOES_NOT_EXIST', 'NO_RESOURCES']],
  ['rolled-back', ['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']],
  ['destroy-failed', ['DELETE_FAILED']],
];

/**
 * Whether the stack failed for the planned reason, as CloudFormation reports it: a
 * disabled user refused by name (at once: a wait for it would end in "did not
 * settle", after the timeout), a lockout by the handler's refusal.
 */
function plannedFailureShows(failure: PlannedFailure, reason: string | undefined): boolean {
  const expected: Record<PlannedFailure, readonly string[]> = {
    'unknown-user': [`'${UNKNOWN_USER}' does not exist`],
    // The handler's check that no other group has the name, or FinSpace's own refusal when a group takes it meanwhile.
    'name-taken': ['already has the declared name', 'PERMISSION_GROUP_NAME_EXISTS'],
    'disabled-user': [`'${DISABLED_USER}' was refused`],
    'lockout': [`would take ${MANAGE_USERS_AND_GROUPS} from FinSpace user ${HANDLER_USER}`],
  };
  return expected[failure].some(shown => reason?.includes(shown));
}

/** Different per sequence, step and attempt, and the same on every replay of the seed. */
function faultSeed(seed: number, stepIndex: number, attempt: number): number {
  return (seed * 1009 + stepIndex * 31 + attempt) % 2_147_483_647;
}

function firstLine(reason: string | undefined): string {
  return (reason ?? 'no reason').split('\n')[0].replace(/\(RequestId: [^)]*\)/, '').replace(/\b[0-9a-f-]{36}\b/g, '<id>').slice(0, 200);
}

function describeProblem(problem: Problem): string {
  return `${problem.kind}: ${problem.detail}`;
}
