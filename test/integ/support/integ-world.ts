/**
 * Runs an integ app (test/integ/integ.*.ts) against the FinSpace emulator: both of
 * its revisions synthesized as the CDK CLI would, the emulator seeded with the
 * environment it manages and a superuser registered for its handler role (whose ARN
 * the runner decides before deployment), and the local runner to deploy and destroy.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FinSpaceEmulator, type SeedPermissionGroup, type SnapshotPermissionGroup } from '../../../local/emulator';
import { deploy, destroy, predictOutputs, readAssembly, synthesizeApp, type RunnerOptions, type RunResult } from '../../../local/runner';

const ROOT = path.join(__dirname, '..', '..', '..');
const ROLE_KEYS = { accessKeyId: 'AKIAINTEGHANDLERROLE', secretAccessKey: 'integ-handler-role-secret' } as const;
/** The FinSpace user the handler acts as: exclusive memberships never remove it. */
export const AUTOMATION_USER = 'automation';

export interface IntegWorldOptions {
  /** File name in test/integ. */
  readonly integ: string;
  readonly environmentId: string;
  /** App users of the environment (besides the automation superuser). */
  readonly users: readonly string[];
  readonly permissionGroups?: readonly SeedPermissionGroup[];
}

/** A group as the tests compare it: no ids or times, members sorted. */
export interface GroupState {
  readonly name: string;
  readonly description?: string;
  readonly applicationPermissions: readonly string[];
  readonly members: readonly string[];
  readonly pendingMembers: readonly string[];
}

export class IntegWorld {
  static async start(options: IntegWorldOptions): Promise<IntegWorld> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-'));
    const app = path.join(ROOT, 'test', 'integ', options.integ);
    const tsconfig = path.join(ROOT, 'tsconfig.dev.json');
    const [first, second] = await Promise.all([1, 2].map(revision => synthesizeApp({
      app, tsconfig, outdir: path.join(directory, `cdk.out.${revision}`), context: { revision: String(revision) },
    })));
    const roleArn = readAssembly(first).stacks.map(stack => predictOutputs(stack).FinSpaceDataHandlerRoleArn).find(arn => arn !== undefined);
    const emulator = await FinSpaceEmulator.start({
      behaviour: { additionDelayMs: 150, removalDelayMs: 150 },
      seed: {
        iamPrincipals: [{ ...ROLE_KEYS, roleArn: String(roleArn) }],
        environments: [{
          environmentId: options.environmentId,
          users: [
            { userId: AUTOMATION_USER, type: 'SUPER_USER', emailAddress: 'automation@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: String(roleArn) },
            ...options.users.map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
          ],
          permissionGroups: options.permissionGroups ? [...options.permissionGroups] : undefined,
        }],
      },
    });
    return new IntegWorld(directory, emulator, options.environmentId, [first, second]);
  }

  private constructor(
    private readonly directory: string,
    private readonly emulator: FinSpaceEmulator,
    private readonly environmentId: string,
    /** The cloud assemblies of revision 1 and 2. */
    public readonly revisions: readonly [string, string],
  ) {}

  deploy(revision: 1 | 2): Promise<RunResult> {
    return deploy(this.options(revision));
  }

  destroy(): Promise<RunResult> {
    return destroy(this.options(2));
  }

  /** The environment's groups, sorted by name. */
  groups(): GroupState[] {
    const environment = this.emulator.snapshot().environments.find(e => e.environmentId === this.environmentId)!;
    return environment.permissionGroups.map(toState).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Group id by name, to tell an update in place from a replacement. */
  groupId(name: string): string | undefined {
    const environment = this.emulator.snapshot().environments.find(e => e.environmentId === this.environmentId)!;
    return environment.permissionGroups.find(group => group.name === name)?.permissionGroupId;
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }

  private options(revision: 1 | 2): RunnerOptions {
    return {
      app: this.revisions[revision - 1],
      stateFile: path.join(this.directory, 'state.json'),
      finspaceEndpoint: this.emulator.endpoint,
      roleCredentials: ROLE_KEYS,
      pollIntervalMs: 25,
    };
  }
}

/** Each stack's status after a run, by stack name. */
export function statuses(run: RunResult): Record<string, string> {
  return Object.fromEntries(run.stacks.map(stack => [stack.stackName, stack.status]));
}

function toState(group: SnapshotPermissionGroup): GroupState {
  const settled = group.members.filter(m => m.membershipStatus === 'ADDITION_SUCCESS').map(m => m.userId).sort();
  return {
    name: group.name,
    description: group.description,
    applicationPermissions: [...group.applicationPermissions].sort(),
    members: settled,
    pendingMembers: group.members.filter(m => m.membershipStatus !== 'ADDITION_SUCCESS').map(m => `${m.userId} ${m.membershipStatus}`),
  };
}
