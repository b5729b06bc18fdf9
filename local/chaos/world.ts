/**
 * One chaos world: a FinSpace emulator seeded with the chaos environments, the local
 * runner that deploys revisions of the app through the real handler bundle, and an
 * operator who changes FinSpace outside CloudFormation.
 *
 * Faults are injected only while the runner works: the operator's changes and the
 * checks in between see a healthy service, and each step's figures (requests,
 * faults) are the handler's alone.
 */
import * as path from 'path';
import { chaosSeed, ENVIRONMENT_IDS, type EnvironmentKey, HANDLER_ROLE_KEYS, type HandlerPrivilege, OPERATOR_KEYS } from './environments';
import type { Outage } from './plan';
import { FinSpaceDataClient, isFinSpaceError, VendedCredentialCache } from '../../lambda/finspace';
import { type CallRecord, type EmulatorBehaviour, type EmulatorSnapshot, FAULT_KINDS, type FaultCounts, type FaultOptions, FinSpaceEmulator } from '../emulator';
import { disableUserAs } from '../emulator/signed-client';
import { deploy, destroy, loadState, type RunnerEvent, type RunResult } from '../runner';

/** Far beyond the chaos runs' membership delays (at most 60 ms). */
const SETTLE_LIMIT_MS = 10_000;

export interface StepRun {
  readonly result: RunResult;
  readonly events: readonly RunnerEvent[];
  /** The requests FinSpace answered during the step. */
  readonly calls: readonly CallRecord[];
  readonly faults: FaultCounts;
  /** When the outage asked for began and ended (epoch ms), if it began; cut short when the operation ended first. */
  readonly outage?: { readonly startedAt: number; readonly endedAt: number; readonly cutShort: boolean };
}

export interface ChaosWorldOptions {
  /** Holds the runner's state file and the functions' logs. */
  readonly directory: string;
  /** The handler role's ARN, known before deployment (local/runner predictOutputs). */
  readonly handlerRoleArn: string;
  readonly behaviour?: Partial<EmulatorBehaviour>;
  /** Where the handler's user gets ManageUsersAndGroups from; default a superuser. */
  readonly handlerPrivilege?: HandlerPrivilege;
}

export class ChaosWorld {
  static async start(options: ChaosWorldOptions): Promise<ChaosWorld> {
    const seed = chaosSeed(options.handlerRoleArn, options.handlerPrivilege);
    const emulator = await FinSpaceEmulator.start({ seed, behaviour: options.behaviour });
    return new ChaosWorld(emulator, options.directory);
  }

  readonly stateFile: string;
  private readonly operators = new Map<EnvironmentKey, FinSpaceDataClient>();

  private constructor(readonly emulator: FinSpaceEmulator, private readonly directory: string) {
    this.stateFile = path.join(directory, 'state.json');
  }

  /**
   * Deploys (or destroys) an app with the runner while the emulator injects `faults`,
   * and, if asked, an outage: only 500s for its duration, from the operation's start
   * or its rollback's.
   */
  async run(
    operation: 'deploy' | 'destroy', app: string, options: { faults?: FaultOptions; pollIntervalMs?: number; outage?: Outage } = {},
  ): Promise<StepRun> {
    const events: RunnerEvent[] = [];
    this.emulator.resetCalls();
    const faults = new FaultTally();
    const setFaults = (next: FaultOptions | undefined) => {
      faults.add(this.emulator.faultCounts());
      this.emulator.setFaults(next);
    };
    this.emulator.setFaults(options.faults);
    const timers: NodeJS.Timeout[] = [];
    let outage: { startedAt: number; endedAt: number; cutShort: boolean } | undefined;
    const beginOutage = (): void => {
      const planned = options.outage!;
      timers.push(setTimeout(() => {
        setFaults({ seed: options.faults?.seed ?? 1, serverErrorRate: 1 });
        outage = { startedAt: Date.now(), endedAt: Number.NaN, cutShort: false };
        timers.push(setTimeout(() => {
          setFaults(options.faults);
          outage!.endedAt = Date.now();
        }, planned.durationMs));
      }, planned.delayMs));
    };
    if (options.outage?.from === 'start') beginOutage();
    let rollbackSeen = false;
    const onEvent = (event: RunnerEvent) => {
      events.push(event);
      if (options.outage?.from === 'rollback' && !rollbackSeen && event.kind === 'stack' && event.status.endsWith('ROLLBACK_IN_PROGRESS')) {
        rollbackSeen = true;
        beginOutage();
      }
    };
    try {
      const result = await (operation === 'deploy' ? deploy : destroy)({
        app,
        stateFile: this.stateFile,
        finspaceEndpoint: this.emulator.endpoint,
        roleCredentials: HANDLER_ROLE_KEYS,
        pollIntervalMs: options.pollIntervalMs,
        logDirectory: path.join(this.directory, 'logs'),
        onEvent,
      });
      faults.add(this.emulator.faultCounts());
      // An outage still running when the operation ended was cut short there.
      if (outage && Number.isNaN(outage.endedAt)) outage = { ...outage, endedAt: Date.now(), cutShort: true };
      return { result, events, calls: [...this.emulator.calls], faults: faults.counts, ...(outage ? { outage } : {}) };
    } finally {
      timers.forEach(timer => clearTimeout(timer));
      this.emulator.setFaults(undefined);
    }
  }

  /** The physical id CloudFormation (the runner) holds for a resource of the stack. */
  physicalId(stackName: string, logicalId: string): string | undefined {
    return loadState(this.stateFile).stacks[stackName]?.resources[logicalId]?.physicalId;
  }

  snapshot(): EmulatorSnapshot {
    return this.emulator.snapshot();
  }

  /**
   * Someone adds a member outside CloudFormation, and FinSpace settles it. False when
   * FinSpace refused (already a member, or the group is gone).
   */
  async addMember(environment: EnvironmentKey, permissionGroupId: string, userId: string): Promise<boolean> {
    try {
      await this.operator(environment).associateUserToPermissionGroup({ permissionGroupId, userId });
    } catch (error) {
      if (isFinSpaceError(error, 'ConflictException') || isFinSpaceError(error, 'ResourceNotFoundException')) return false;
      throw error;
    }
    await this.settled(environment, permissionGroupId, userId);
    return true;
  }

  /** Someone removes a member outside CloudFormation, and FinSpace settles it. */
  async removeMember(environment: EnvironmentKey, permissionGroupId: string, userId: string): Promise<void> {
    await this.operator(environment).disassociateUserFromPermissionGroup({ permissionGroupId, userId });
    await until(() => this.membershipStatus(environment, permissionGroupId, userId) === undefined);
  }

  /**
   * Someone disables a user outside CloudFormation (a no-op when it is disabled
   * already). The handler's client has no DisableUser, which the handler never calls:
   * the operator sends it as any signed API client would.
   */
  async disableUser(environment: EnvironmentKey, userId: string): Promise<void> {
    await disableUserAs(this.emulator.endpoint, OPERATOR_KEYS, ENVIRONMENT_IDS[environment], userId, { region: this.emulator.region });
  }

  /** The operator's client in an environment: the project's FinSpace client, signed with the operator's IAM keys. */
  operator(environment: EnvironmentKey): FinSpaceDataClient {
    let client = this.operators.get(environment);
    if (!client) {
      client = new FinSpaceDataClient({
        environmentId: ENVIRONMENT_IDS[environment],
        region: this.emulator.region,
        endpoint: this.emulator.endpoint,
        credentials: async () => OPERATOR_KEYS,
        // No faults while the operator works, but a keep-alive socket the emulator
        // closed as idle is reset on reuse: retried, as any client would.
        retryMode: 'standard',
        maxAttempts: 3,
        credentialCache: new VendedCredentialCache(),
      });
      this.operators.set(environment, client);
    }
    return client;
  }

  /**
   * Waits until no member is REMOVAL_IN_PROGRESS any more, and answers how many were.
   * A failed membership create undoes its additions without waiting for them (onEvent
   * must fail at once): the stack can finish before FinSpace has.
   */
  async settleRemovals(): Promise<number> {
    const removing = () => this.snapshot().environments
      .flatMap(e => e.permissionGroups.flatMap(g => g.members))
      .filter(m => m.membershipStatus === 'REMOVAL_IN_PROGRESS').length;
    const found = removing();
    await until(() => removing() === 0);
    return found;
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
  }

  /** Waits until the member is ADDITION_SUCCESS, as a person would before deploying again. */
  private async settled(environment: EnvironmentKey, permissionGroupId: string, userId: string): Promise<void> {
    await until(() => this.membershipStatus(environment, permissionGroupId, userId) !== 'ADDITION_IN_PROGRESS');
  }

  private membershipStatus(environment: EnvironmentKey, permissionGroupId: string, userId: string): string | undefined {
    const group = this.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_IDS[environment])
      ?.permissionGroups.find(g => g.permissionGroupId === permissionGroupId);
    return group?.members.find(m => m.userId === userId)?.membershipStatus;
  }
}

/** Fault counts added up across the emulator's setFaults, which restarts them. */
class FaultTally {
  readonly counts = Object.fromEntries(FAULT_KINDS.map(kind => [kind, 0])) as FaultCounts;
  add(counts: FaultCounts): void {
    for (const kind of FAULT_KINDS) this.counts[kind] += counts[kind];
  }
}

/** Polls until `done`, for at most SETTLE_LIMIT_MS: what has not settled by then, the check reports. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (!done() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 5));
}
