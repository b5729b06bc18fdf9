/**
 * One group of 50,000 members, deployed by the local runner (aws-cdk-lib's own
 * Provider framework, the shipped handler in local Lambda containers, the user ids
 * served from the cloud assembly's asset as S3 would) against the emulator in its own
 * process: created, updated by one member, destroyed. Counts the reads of each round
 * the handler makes for the group (its onEvent, each isComplete poll) from the
 * emulator's call log.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FinSpaceDataAccess, PermissionGroup } from '../../lib';
import type { CallRecord } from '../../local/emulator';
import { deploy, destroy, type LogRecord, type RunnerEvent } from '../../local/runner';
import { EmulatorProcess } from '../support/emulator-process';
import { ENVIRONMENT_ID, environmentSeed, HANDLER_ROLE_ARN, HANDLER_ROLE_KEYS, userIds } from '../support/finspace-seed';
import type { Figure, SuiteResult } from '../support/report';
import { median } from '../support/stats';

const MEMBERS = 50_000;
/** FinSpace's page size for ListUsersByPermissionGroup. */
const PAGE_SIZE = 100;
/** Settling of each addition and removal in the emulator, as in the other suites. */
const SETTLE_MS = 1_000;
const POLL_INTERVAL_MS = 1_000;
/** FinSpaceDataAccess's default timeout: a deployment that takes longer fails. */
const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const WRITES = new Set(['AssociateUserToPermissionGroup', 'DisassociateUserFromPermissionGroup', 'CreatePermissionGroup', 'UpdatePermissionGroup', 'DeletePermissionGroup']);
const STACK = 'BigGroupBench';

export interface BigGroupOptions {
  readonly runs: number;
}

interface Phase {
  readonly wallMs: number;
  /** FinSpace reads (every call but writes) of each round of the membership resource. */
  readonly readsPerRound: number[];
  readonly calls: number;
}

interface Run {
  readonly create: Phase;
  readonly update: Phase;
  readonly destroy: Phase;
}

/** The stack: the group with its members through `members`, acting as the registered role. */
function synthesize(outdir: string, members: string[]): string {
  const app = new App({ outdir });
  const stack = new Stack(app, STACK, { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', {
    environmentId: ENVIRONMENT_ID,
    role: iam.Role.fromRoleArn(stack, 'Handler', HANDLER_ROLE_ARN),
    pollInterval: Duration.seconds(POLL_INTERVAL_MS / 1000),
  });
  new PermissionGroup(stack, 'Big', { access, permissionGroupName: 'big-desk', members });
  app.synth();
  return outdir;
}

/**
 * The membership's rounds as windows of time: its onEvent, from its *_IN_PROGRESS
 * event to its 'membership reconciled' log line, then each isComplete poll up to the
 * waiter's report of it. The rounds of one resource run one after another.
 */
class Rounds {
  private start?: number;
  private readonly ends: number[] = [];

  onEvent(event: RunnerEvent): void {
    if (event.kind === 'stack' || !event.logicalId.startsWith('BigMembers')) return;
    if (event.kind === 'resource' && event.status.endsWith('_IN_PROGRESS') && this.start === undefined) this.start = event.time.getTime();
    if (event.kind === 'waiting') this.ends.push(event.time.getTime());
  }

  onLog(record: LogRecord): void {
    if (record.message.includes('"membership reconciled"') && record.message.includes('"logicalResourceId":"BigMembers')) this.ends.unshift(record.time);
  }

  readsPerRound(calls: readonly CallRecord[]): number[] {
    if (this.start === undefined) throw new Error('the membership resource never started');
    const reads = calls.filter(call => !WRITES.has(call.operation));
    let from = this.start;
    return [...this.ends].sort((a, b) => a - b).map(end => {
      const count = reads.filter(call => call.time > from && call.time <= end).length;
      from = end;
      return count;
    });
  }
}

async function phase(emulator: EmulatorProcess, operation: () => Promise<{ success: boolean }>, rounds: Rounds, what: string): Promise<Phase> {
  await emulator.resetCalls();
  const startedAt = Date.now();
  const result = await operation();
  const wallMs = Date.now() - startedAt;
  if (!result.success) throw new Error(`the ${what} of the ${MEMBERS.toLocaleString('en-US')}-member group failed`);
  const calls = await emulator.calls();
  return { wallMs, readsPerRound: rounds.readsPerRound(calls), calls: calls.length };
}

async function oneRun(): Promise<Run> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-big-group-'));
  const emulator = await EmulatorProcess.start();
  try {
    const members = userIds(MEMBERS);
    const extra = userIds(1, MEMBERS + 1);
    await emulator.seed(environmentSeed({ users: [...members, ...extra] }));
    await emulator.setBehaviour({ additionDelayMs: SETTLE_MS, removalDelayMs: SETTLE_MS });
    const first = synthesize(path.join(directory, 'cdk.out.1'), members);
    const second = synthesize(path.join(directory, 'cdk.out.2'), [...members, ...extra]);
    const runner = (app: string, rounds: Rounds) => ({
      app,
      stateFile: path.join(directory, 'state.json'),
      finspaceEndpoint: emulator.endpoint,
      roleCredentials: HANDLER_ROLE_KEYS,
      onEvent: (event: RunnerEvent) => rounds.onEvent(event),
      onFunctionLog: (_name: string, record: LogRecord) => rounds.onLog(record),
    });
    const phases: Phase[] = [];
    for (const [what, app, operation] of [['create', first, deploy], ['update', second, deploy], ['destroy', second, destroy]] as const) {
      const rounds = new Rounds();
      phases.push(await phase(emulator, () => operation(runner(app, rounds)), rounds, what));
    }
    const snapshot = await emulator.snapshot();
    const left = snapshot.environments.find(e => e.environmentId === ENVIRONMENT_ID)!.permissionGroups.filter(g => g.name === 'big-desk');
    if (left.length > 0) throw new Error('the destroyed group is still there');
    return { create: phases[0], update: phases[1], destroy: phases[2] };
  } finally {
    await emulator.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

export async function bigGroup(options: BigGroupOptions): Promise<SuiteResult> {
  const runs: Run[] = [];
  for (let run = 0; run < options.runs; run++) runs.push(await oneRun());
  const bound = (members: number, checkedEarly: number) => Math.ceil(members / PAGE_SIZE) + 1 + checkedEarly;
  const members = MEMBERS.toLocaleString('en-US');
  // [what, members of the group, users added early that first read their groups for the rollback record]:
  // a create of more than 20 additions writes none early, a delete keeps no record.
  const steps = [['create', MEMBERS, 0], ['one-member update', MEMBERS + 1, 1], ['destroy', MEMBERS + 1, 0]] as const;
  const phaseOf = (run: Run, index: number) => [run.create, run.update, run.destroy][index];
  const figures: Figure[] = steps.flatMap(([what, groupSize, checkedEarly], index): Figure[] => [
    {
      name: `${members} members, ${what}: wall time`,
      unit: 's',
      measured: runs.map(run => phaseOf(run, index).wallMs),
      baselineName: 'default timeout (30 min)',
      baseline: runs.map(() => DEFAULT_TIMEOUT_MS),
      target: { op: '<=', value: 1 },
    },
    {
      name: `${members} members, ${what}: most reads in one round`,
      unit: 'calls',
      measured: runs.map(run => Math.max(...phaseOf(run, index).readsPerRound)),
      baselineName: `ceil(${groupSize}/${PAGE_SIZE}) + 1${checkedEarly ? ` + ${checkedEarly}` : ''}`,
      baseline: runs.map(() => bound(groupSize, checkedEarly)),
      target: { op: '<=', value: 1 },
    },
  ]);
  const describeRounds = (index: number) => runs.map(run => `[${phaseOf(run, index).readsPerRound.join(', ')}]`).join('; ');
  return {
    suite: 'Big group',
    runs: options.runs,
    figures,
    notes: [
      `One PermissionGroup with ${members} members (\`members\`, ids of 11 characters) in one stack, deployed by the local runner with aws-cdk-lib's Provider framework and the shipped handler bundle in local Lambda containers; the ids travel in the membership's S3 asset, which the runner serves from the cloud assembly. Emulator in its own process, no added latency, ${SETTLE_MS} ms settle per addition and removal, poll interval ${POLL_INTERVAL_MS} ms, maxConcurrency 8 (default).`,
      'Then the same stack with one member more, then `destroy`. Wall time: the runner\'s whole operation on the stack (the group and its provider included).',
      `Reads per round: every call but writes that the emulator answered during one invocation of the membership resource (its onEvent, each isComplete poll), windows cut by the runner's events and the handler's log line; the bound is one listing of the group (${PAGE_SIZE} per page) and one credentials call, plus, in the update, one read of the groups of the user it adds early: with the rollback record on, an early addition first reads whether the user is a member already (at most 20 users an event; a create of more writes none early, a delete keeps no record). One resource holds the whole group (no shards), so one listing serves each round.`,
      `Reads of each round, per run: create ${describeRounds(0)}; update ${describeRounds(1)}; destroy ${describeRounds(2)}.`,
      `Calls in all (median): create ${median(runs.map(r => r.create.calls))}, update ${median(runs.map(r => r.update.calls))}, destroy ${median(runs.map(r => r.destroy.calls))}.`,
    ],
  };
}
