/**
 * The emulator, the runner and an operator outside CloudFormation. Faults only while the runner works: the operator and
 * the checks see a healthy service, and each step's figures are the handler's alone.
 */
import * as path from 'path';
import { chaosSeed, ENVIRONMENT_IDS, type EnvironmentKey, HANDLER_ROLE_KEYS, type HandlerPrivilege, OPERATOR_KEYS } from './environments';
import type { Outage } from './plan';
import { FinSpaceDataClient, isFinSpaceError, VendedCredentialCache } from '../../lambda/finspace';
import { type EmulatorBehaviour, FAULT_KINDS, type FaultCounts, type FaultOptions, FinSpaceEmulator } from '../emulator';
import type { MembershipStatus } from '../emulator/environment';
import { disableUserAs } from '../emulator/signed-client';
import { deploy, destroy, drift, loadState, type RunnerEvent, type StackDrift } from '../runner';

/** Far beyond the chaos runs' membership delays (at most 60 ms). */
const SETTLE_LIMIT_MS = 10_000;

/** A runner operation: its result and events, the requests FinSpace answered and the faults it injected, the outage if it began. */
export type StepRun = Awaited<ReturnType<ChaosWorld['run']>>;

export class ChaosWorld {
  /**
   * `directory` holds the runner's state file and the functions' logs; `handlerRoleArn` is known before deployment
   * (local/runner predictOutputs); the handler's user is a superuser unless `handlerPrivilege` says otherwise.
   */
  static async start(options: {
    directory: string; handlerRoleArn: string; behaviour?: Partial<EmulatorBehaviour>; handlerPrivilege?: HandlerPrivilege;
  }): Promise<ChaosWorld> {
    const seed = chaosSeed(options.handlerRoleArn, options.handlerPrivilege);
    return new ChaosWorld(await FinSpaceEmulator.start({ seed, behaviour: options.behaviour }), options.directory);
  }

  private readonly stateFile: string;
  private readonly operators = new Map<EnvironmentKey, FinSpaceDataClient>();

  private constructor(readonly emulator: FinSpaceEmulator, private readonly directory: string) {
    this.stateFile = path.join(directory, 'state.json');
  }

  /** Deploys (or destroys) an app while the emulator injects `faults`, and the outage if one is planned. */
  async run(operation: 'deploy' | 'destroy', app: string, options: { faults?: FaultOptions; pollIntervalMs?: number; outage?: Outage } = {}) {
    const { faults, outage: planned } = options;
    const events: RunnerEvent[] = [];
    const counted = Object.fromEntries(FAULT_KINDS.map(kind => [kind, 0])) as FaultCounts;
    // The emulator counts faults from its last setFaults: add them up before each.
    const setFaults = (next: FaultOptions | undefined) => {
      const counts = this.emulator.faultCounts();
      FAULT_KINDS.forEach(kind => { counted[kind] += counts[kind]; });
      this.emulator.setFaults(next);
    };
    this.emulator.resetCalls();
    this.emulator.setFaults(faults);
    const timers: NodeJS.Timeout[] = [];
    // When it began and ended (epoch ms); cut short when the operation ended first.
    let outage: { startedAt: number; endedAt: number; cutShort: boolean } | undefined;
    const beginOutage = () => timers.push(setTimeout(() => {
      setFaults({ seed: faults?.seed ?? 1, serverErrorRate: 1 });
      outage = { startedAt: Date.now(), endedAt: Number.NaN, cutShort: false };
      timers.push(setTimeout(() => {
        setFaults(faults);
        outage!.endedAt = Date.now();
      }, planned!.durationMs));
    }, planned!.delayMs));
    if (planned?.from === 'start') beginOutage();
    const onEvent = (event: RunnerEvent) => {
      events.push(event);
      // From the first rollback event only: no timer runs before it.
      const rollback = event.kind === 'stack' && event.status.endsWith('ROLLBACK_IN_PROGRESS');
      if (planned?.from === 'rollback' && rollback && timers.length === 0) beginOutage();
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
      setFaults(undefined);
      // An outage still running when the operation ended was cut short there.
      if (outage && Number.isNaN(outage.endedAt)) outage = { ...outage, endedAt: Date.now(), cutShort: true };
      return { result, events, calls: [...this.emulator.calls], faults: counted, ...(outage ? { outage } : {}) };
    } finally {
      timers.forEach(timer => clearTimeout(timer));
      this.emulator.setFaults(undefined);
    }
  }

  /** The stack's drift audit with healing, as its schedule would run it, while the emulator injects `faults`. */
  async drift(stackName: string, faults?: FaultOptions): Promise<StackDrift[]> {
    this.emulator.setFaults(faults);
    try {
      return await drift({
        stateFile: this.stateFile, stacks: [stackName], finspaceEndpoint: this.emulator.endpoint, roleCredentials: HANDLER_ROLE_KEYS, heal: true,
      });
    } finally {
      this.emulator.setFaults(undefined);
    }
  }

  /** The physical id CloudFormation (the runner) holds for a resource of the stack. */
  physicalId(stackName: string, logicalId: string): string | undefined {
    return loadState(this.stateFile).stacks[stackName]?.resources[logicalId]?.physicalId;
  }

  /** Someone adds a member and waits until FinSpace settles it; false when FinSpace refused (a member already, or no group). */
  async addMember(environment: EnvironmentKey, permissionGroupId: string, userId: string): Promise<boolean> {
    try {
      await this.operator(environment).associateUserToPermissionGroup({ permissionGroupId, userId });
    } catch (error) {
      if (isFinSpaceError(error, 'ConflictException') || isFinSpaceError(error, 'ResourceNotFoundException')) return false;
      throw error;
    }
    await until(() => this.membershipStatus(environment, permissionGroupId, userId) !== 'ADDITION_IN_PROGRESS');
    return true;
  }

  /** Someone removes a member outside CloudFormation, and FinSpace settles it. */
  async removeMember(environment: EnvironmentKey, permissionGroupId: string, userId: string): Promise<void> {
    await this.operator(environment).disassociateUserFromPermissionGroup({ permissionGroupId, userId });
    await until(() => this.membershipStatus(environment, permissionGroupId, userId) === undefined);
  }

  /** Someone disables a user (a no-op when disabled already), signed as any API client: the handler's client has no DisableUser. */
  async disableUser(environment: EnvironmentKey, userId: string): Promise<void> {
    await disableUserAs(this.emulator.endpoint, OPERATOR_KEYS, ENVIRONMENT_IDS[environment], userId, { region: this.emulator.region });
  }

  /** The operator's client in an environment: the project's FinSpace client, signed with the operator's IAM keys. */
  operator(environment: EnvironmentKey): FinSpaceDataClient {
    const client = this.operators.get(environment) ?? new FinSpaceDataClient({
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
    return client;
  }

  /**
   * Waits until no member is in any of `statuses`, and answers how many were. A failed membership create undoes its
   * additions without waiting for them (onEvent must fail at once): the stack can finish before FinSpace has.
   */
  async settle(...statuses: MembershipStatus[]): Promise<number> {
    const count = () => this.emulator.snapshot().environments.flatMap(e => e.permissionGroups.flatMap(g => g.members))
      .filter(m => statuses.includes(m.membershipStatus)).length;
    const found = count();
    await until(() => count() === 0);
    return found;
  }

  membershipStatus(environment: EnvironmentKey, permissionGroupId: string, userId: string): string | undefined {
    const group = this.emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_IDS[environment])
      ?.permissionGroups.find(g => g.permissionGroupId === permissionGroupId);
    return group?.members.find(m => m.userId === userId)?.membershipStatus;
  }
}

/** Polls until `done`, for at most SETTLE_LIMIT_MS: what has not settled by then, the check reports. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (!done() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 5));
}
