/**
 * A chaos world for scenario tests: declarations synthesized with the library's
 * constructs (local/chaos/app.ts), deployed with the local runner through the real
 * handler bundle against the FinSpace emulator, without injected faults, and an
 * operator who changes FinSpace outside CloudFormation.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PATIENT_TIMING, STACK_NAME, synthesizeDeclaration, type AppSettings } from '../../../local/chaos/app';
import {
  type Declaration, EMPTY_DECLARATION, ENVIRONMENT_IDS, type EnvironmentKey, type GroupDeclaration, type MembershipDeclaration,
} from '../../../local/chaos/environments';
import { ChaosWorld } from '../../../local/chaos/world';
import type { EmulatorBehaviour, FaultOptions, SnapshotPermissionGroup } from '../../../local/emulator';
import { predictOutputs, readAssembly, type RunnerEvent } from '../../../local/runner';

export interface StackWorldOptions {
  /** FinSpaceDataAccess timeout and pollInterval; default: so long that only FinSpace's answers decide. */
  readonly timing?: Pick<AppSettings, 'timeout' | 'pollInterval'>;
  /** Replaces the providers' poll interval in the runner (ms); default 10. Undefined keeps it. */
  readonly pollIntervalMs?: number | 'as-synthesized';
  readonly behaviour?: Partial<EmulatorBehaviour>;
}

export interface Deployment {
  /** The stack's status, as the runner reports it. */
  readonly status: string;
  readonly reason?: string;
  readonly events: readonly RunnerEvent[];
}

export class StackWorld {
  static async start(options: StackWorldOptions = {}): Promise<StackWorld> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-world-'));
    const settings: AppSettings = { maxConcurrency: 4, ...(options.timing ?? PATIENT_TIMING) };
    const probe = synthesizeDeclaration(EMPTY_DECLARATION, path.join(directory, 'cdk.out.0'), settings);
    const handlerRoleArn = String(predictOutputs(readAssembly(probe.directory).stacks[0]).FinSpaceDataHandlerRoleArn);
    const world = await ChaosWorld.start({
      directory,
      handlerRoleArn,
      behaviour: { additionDelayMs: 20, removalDelayMs: 20, ...options.behaviour },
    });
    const pollIntervalMs = options.pollIntervalMs === 'as-synthesized' ? undefined : options.pollIntervalMs ?? 10;
    return new StackWorld(world, directory, settings, pollIntervalMs);
  }

  private revisions = 0;
  private lastApp?: string;
  private readonly logicalIds = new Map<string, string>();

  private constructor(
    private readonly world: ChaosWorld,
    private readonly directory: string,
    private readonly settings: AppSettings,
    private readonly pollIntervalMs: number | undefined,
  ) {}

  get emulator() {
    return this.world.emulator;
  }

  /** Deploys a revision; the emulator injects `faults`, if given, while the runner works. */
  async deploy(declaration: Declaration, faults?: FaultOptions): Promise<Deployment> {
    const app = synthesizeDeclaration(declaration, path.join(this.directory, `cdk.out.${++this.revisions}`), this.settings);
    Object.entries(app.logicalIds).forEach(([constructId, logicalId]) => this.logicalIds.set(constructId, logicalId));
    this.lastApp = app.directory;
    return this.run('deploy', app.directory, faults);
  }

  async destroy(): Promise<Deployment> {
    return this.run('destroy', this.lastApp!);
  }

  /** The FinSpace id of a group the stack created, by construct id, as CloudFormation knows it. */
  groupId(constructId: string): string | undefined {
    return this.world.physicalId(STACK_NAME, this.logicalIds.get(constructId) ?? '');
  }

  groups(environment: EnvironmentKey = 'a'): readonly SnapshotPermissionGroup[] {
    return this.world.emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_IDS[environment])!.permissionGroups;
  }

  group(name: string, environment: EnvironmentKey = 'a'): SnapshotPermissionGroup | undefined {
    return this.groups(environment).find(found => found.name === name);
  }

  /** Members of a group by name, sorted: the user id, followed by the status unless ADDITION_SUCCESS. */
  members(name: string, environment: EnvironmentKey = 'a'): string[] {
    const found = this.group(name, environment);
    if (!found) throw new Error(`no group '${name}' in environment ${environment}`);
    return found.members
      .map(m => m.membershipStatus === 'ADDITION_SUCCESS' ? m.userId : `${m.userId} ${m.membershipStatus}`)
      .sort();
  }

  /** A FinSpace client acting outside CloudFormation, as a superuser of the environment. */
  operator(environment: EnvironmentKey = 'a') {
    return this.world.operator(environment);
  }

  async stop(): Promise<void> {
    await this.world.emulator.stop();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }

  private async run(operation: 'deploy' | 'destroy', app: string, faults?: FaultOptions): Promise<Deployment> {
    const { result, events } = await this.world.run(operation, app, { pollIntervalMs: this.pollIntervalMs, faults });
    const [stack] = result.stacks;
    return { status: stack.status, reason: stack.failureReason, events };
  }
}

/** A group declaration with defaults, for readable tests. */
export function group(id: string, props: Partial<Omit<GroupDeclaration, 'id'>> = {}): GroupDeclaration {
  return { id, environment: 'a', name: id.toLowerCase(), permissions: [], retain: false, ...props };
}

/** A membership declaration on a group the stack creates, with defaults. */
export function membership(id: string, groupId: string, users: string[], props: Partial<Omit<MembershipDeclaration, 'id' | 'users'>> = {}): MembershipDeclaration {
  return { id, group: { created: groupId }, users, exclusive: false, retain: false, ...props };
}
