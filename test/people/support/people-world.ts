/**
 * Deploys apps that declare people (members by e-mail, FinSpaceUsers, adopted
 * groups) with the local runner, through the real handler bundle and the Provider
 * framework, against the FinSpace emulator; and reads FinSpace's final state.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { FinSpaceDataAccess } from '../../../lib';
import { FinSpaceEmulator, type EmulatorBehaviour, type SeedPermissionGroup, type SeedUser, type SnapshotPermissionGroup } from '../../../local/emulator';
import { deploy, destroy, loadState, predictOutputs, readAssembly, type LogRecord } from '../../../local/runner';

export const ENVIRONMENT_ID = 'peopleenvironment01';
export const STACK_NAME = 'People';
const ROLE_KEYS = { accessKeyId: 'AKIAPEOPLEHANDLER001', secretAccessKey: 'people-handler-secret' } as const;
/** The FinSpace user the handler acts as. */
export const HANDLER_USER = 'automation';

/** Users the environment starts with: `<id>@example.com`, but for the ones given otherwise. */
export function appUser(userId: string, extra: Partial<SeedUser> = {}): SeedUser {
  return { userId, type: 'APP_USER', emailAddress: `${userId}@example.com`, ...extra };
}

/** The handler's own reason, out of what the Provider framework reports to CloudFormation. */
export function handlerReason(reason: string | undefined): string | undefined {
  return /Message returned: ([^\n]*)/.exec(reason ?? '')?.[1] ?? reason;
}

export interface Deployment {
  readonly status: string;
  readonly reason?: string;
}

export type Declare = (stack: Stack, access: FinSpaceDataAccess) => void;

export class PeopleWorld {
  static async start(
    options: { users?: SeedUser[]; groups?: SeedPermissionGroup[]; behaviour?: Partial<EmulatorBehaviour> } = {},
  ): Promise<PeopleWorld> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'people-world-'));
    const world = new PeopleWorld(directory);
    const probe = world.synthesize(() => undefined, 'probe');
    const handlerRoleArn = String(predictOutputs(readAssembly(probe).stacks[0]).FinSpaceDataHandlerRoleArn);
    world.emulatorOrUndefined = await FinSpaceEmulator.start({
      seed: {
        iamPrincipals: [{ ...ROLE_KEYS, roleArn: handlerRoleArn }],
        environments: [{
          environmentId: ENVIRONMENT_ID,
          users: [
            { userId: HANDLER_USER, type: 'SUPER_USER', emailAddress: 'automation@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: handlerRoleArn },
            ...options.users ?? [],
          ],
          permissionGroups: options.groups ?? [],
        }],
      },
      behaviour: { additionDelayMs: 20, removalDelayMs: 20, ...options.behaviour },
    });
    return world;
  }

  private emulatorOrUndefined?: FinSpaceEmulator;
  private revisions = 0;
  private lastApp?: string;
  /** What the handler's functions logged, one line per record. */
  readonly logs: string[] = [];

  private constructor(private readonly directory: string) {}

  get emulator(): FinSpaceEmulator {
    return this.emulatorOrUndefined!;
  }

  /** Deploys the stack that `declare` builds. */
  async deploy(declare: Declare): Promise<Deployment> {
    this.lastApp = this.synthesize(declare, String(++this.revisions));
    return this.run('deploy', this.lastApp);
  }

  async destroy(): Promise<Deployment> {
    return this.run('destroy', this.lastApp!);
  }

  /** The physical id the runner holds for the resource of a construct of the stack (logical id: the construct id and a hash). */
  physicalId(constructId: string): string | undefined {
    const resources = loadState(path.join(this.directory, 'state.json')).stacks[STACK_NAME]?.resources ?? {};
    const matches = Object.entries(resources).filter(([logicalId]) => new RegExp(`^${constructId}[0-9A-F]{8}$`).test(logicalId));
    if (matches.length !== 1) throw new Error(`${matches.length} resources are logical ids of ${constructId}`);
    return matches[0][1].physicalId;
  }

  groups(): readonly SnapshotPermissionGroup[] {
    return this.emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_ID)!.permissionGroups;
  }

  /** Members of the one group of that name, sorted: the id, then the status unless ADDITION_SUCCESS. */
  members(name: string): string[] {
    const named = this.groups().filter(group => group.name === name);
    if (named.length !== 1) throw new Error(`${named.length} groups are named '${name}'`);
    return named[0].members.map(m => m.membershipStatus === 'ADDITION_SUCCESS' ? m.userId : `${m.userId} ${m.membershipStatus}`).sort();
  }

  users() {
    return this.emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_ID)!.users;
  }

  /** The user with that e-mail address (exactly as stored). */
  user(emailAddress: string) {
    const found = this.users().filter(user => user.emailAddress === emailAddress);
    if (found.length !== 1) throw new Error(`${found.length} users have that e-mail address`);
    return found[0];
  }

  async stop(): Promise<void> {
    await this.emulatorOrUndefined?.stop();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }

  private synthesize(declare: Declare, revision: string): string {
    const app = new App({ outdir: path.join(this.directory, `cdk.out.${revision}`) });
    const stack = new Stack(app, STACK_NAME, { env: { account: '111122223333', region: 'us-east-1' } });
    const access = new FinSpaceDataAccess(stack, 'FinSpace', {
      environmentId: ENVIRONMENT_ID,
      timeout: Duration.minutes(30),
      pollInterval: Duration.seconds(5),
    });
    declare(stack, access);
    return app.synth().directory;
  }

  private async run(operation: 'deploy' | 'destroy', app: string): Promise<Deployment> {
    const result = await (operation === 'deploy' ? deploy : destroy)({
      app,
      stateFile: path.join(this.directory, 'state.json'),
      finspaceEndpoint: this.emulator.endpoint,
      roleCredentials: ROLE_KEYS,
      pollIntervalMs: 10,
      // The handler's two functions; the framework's log events whole, which Lambda drops (README: What is logged).
      onFunctionLog: (name: string, record: LogRecord) => {
        if (/FinSpaceDataProvider(OnEvent|IsComplete)/.test(name)) this.logs.push(record.message);
      },
    });
    const [stack] = result.stacks;
    return { status: stack.status, reason: stack.failureReason };
  }
}
