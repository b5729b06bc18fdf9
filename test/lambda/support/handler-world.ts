/**
 * Runs the real handler (lambda/index.ts `handle`) over real HTTP against the
 * emulator, in-process (onEvent once, then isComplete until it answers IsComplete:
 * true), without Lambda processes, so these tests stay fast; the benchmarks drive it
 * the same way.
 *
 * Time is simulated: the emulator, the handler and its client read one clock, and
 * every wait (between polls, retries, undo rounds) moves it instead of sleeping,
 * so no outcome depends on the speed of the machine.
 */
import { randomUUID } from 'crypto';
import type { RetryStrategyV2 } from '@smithy/types';
import { handle } from '../../../lambda';
import { FinSpaceDataClient, VendedCredentialCache } from '../../../lambda/finspace';
import type { HandlerContext, HandlerSettings } from '../../../lambda/handler-context';
import type { ParameterStore } from '../../../lambda/parameter-store';
import type { OnEventRequest, OnEventResponse } from '../../../lambda/provider-types';
import { FinSpaceEmulator, type EmulatorBehaviour, type EmulatorSeed } from '../../../local/emulator';
import { disableUserAs } from '../../../local/emulator/signed-client';
import { provideInProcess } from '../../../local/runner/in-process-provider';
import { retryWithoutBackoff } from '../finspace/support/retry';

export const ENV = 'envhandlertests';
export const ROLE_ARN = 'arn:aws:iam::111122223333:role/finspace-handler';
export const ROLE_KEYS = { accessKeyId: 'AKIAHANDLERTESTS0001', secretAccessKey: 'handler-test-role-secret' } as const;
/** The FinSpace user the handler acts as. */
export const HANDLER_USER = 'automation';
export const PERMISSION_GROUP = 'Custom::FinSpacePermissionGroup';
export const GROUP_MEMBERSHIP = 'Custom::FinSpaceGroupMembership';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/Handler/1';

export function seedWith(users: string[], extra: Partial<EmulatorSeed['environments'] extends (infer E)[] | undefined ? E : never> = {}): EmulatorSeed {
  return {
    iamPrincipals: [{ ...ROLE_KEYS, roleArn: ROLE_ARN }],
    environments: [{
      environmentId: ENV,
      users: [
        { userId: HANDLER_USER, type: 'SUPER_USER', emailAddress: 'automation@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE_ARN },
        ...users.map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
      ],
      ...extra,
    }],
  };
}

/** The one clock of a world. It starts at a fixed time and moves only when told. */
export class SimulatedClock {
  private current = Date.UTC(2026, 0, 5, 9, 0, 0);
  public readonly now = (): number => this.current;
  public advance(ms: number): void {
    this.current += ms;
  }
  /** A wait that takes no real time. */
  public readonly sleep = async (ms: number): Promise<void> => {
    this.advance(Math.max(0, ms));
  };
}

export interface World {
  readonly emulator: FinSpaceEmulator;
  readonly clock: SimulatedClock;
  readonly logs: string[];
  readonly settings: HandlerSettings;
  /**
   * What DescribeStacks answers for the stack of the events (cfnEvent's StackId), as
   * CloudFormation would during the deploy under test. Default: UPDATE_IN_PROGRESS.
   */
  stackStatus: string;
  context(overrides?: Partial<HandlerContext>): HandlerContext;
  onEvent(event: OnEventRequest): Promise<OnEventResponse>;
  /** onEvent, then isComplete every `pollMs` (simulated) until done; throws what the handler threw, or "Operation timed out". */
  deploy(event: OnEventRequest, options?: { pollMs?: number; maxPolls?: number }): Promise<DeployResult>;
  /** Write calls the emulator answered since the last resetCalls(). */
  writes(): string[];
  /** DisableUser as a FinSpace administrator would call it: the handler never does. */
  disableUser(userId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface DeployResult {
  readonly physicalResourceId: string;
  readonly data: Record<string, unknown>;
  readonly polls: number;
}

const WRITE_OPERATIONS = new Set([
  'CreatePermissionGroup', 'UpdatePermissionGroup', 'DeletePermissionGroup',
  'AssociateUserToPermissionGroup', 'DisassociateUserFromPermissionGroup',
]);

export async function startWorld(options: {
  seed: EmulatorSeed;
  behaviour?: Partial<EmulatorBehaviour>;
  settings?: Partial<HandlerSettings>;
  /** How long one invocation may run (simulated). Default: 2 minutes. */
  invocationMs?: number;
  /** Default: four attempts per round without backoff. */
  retryStrategy?: () => RetryStrategyV2;
  /** Where the record of members found already present is kept (with settings.preexistingMembersPath). Default: none. */
  parameterStore?: ParameterStore;
}): Promise<World> {
  const clock = new SimulatedClock();
  const emulator = await FinSpaceEmulator.start({
    now: clock.now,
    seed: options.seed,
    behaviour: { additionDelayMs: 40, removalDelayMs: 40, ...options.behaviour },
  });
  const logs: string[] = [];
  const credentialCache = new VendedCredentialCache();
  const settings: HandlerSettings = {
    maxConcurrency: 4,
    timeoutMs: 30 * 60_000,
    // The construct's default: isComplete looks again at a change in flight for up to 5 s (simulated).
    pollIntervalMs: 5_000,
    handlerRoleArn: ROLE_ARN,
    ...options.settings,
  };
  const context = (overrides: Partial<HandlerContext> = {}): HandlerContext => {
    const invokedAt = clock.now();
    return {
      settings,
      // One client per invocation, as in Lambda: it keeps to that invocation's deadlines.
      clientFor: (environmentId, deadlines) => new FinSpaceDataClient({
        environmentId,
        region: emulator.region,
        endpoint: emulator.endpoint,
        credentials: async () => ROLE_KEYS,
        retryStrategy: options.retryStrategy?.() ?? retryWithoutBackoff(4),
        keepTrying: deadlines ? { until: () => deadlines.retryRoundsUntil() } : undefined,
        callsEndBy: deadlines ? () => deadlines.callsEndBy() : undefined,
        credentialCache,
        now: clock.now,
        sleep: clock.sleep,
      }),
      now: clock.now,
      sleep: clock.sleep,
      // Each invocation (each context) has the time of the provider's isComplete Lambda.
      remainingTimeMs: () => invokedAt + (options.invocationMs ?? 120_000) - clock.now(),
      log: (message, fields) => logs.push(JSON.stringify({ message, ...fields })),
      stackStatus: async stackId => {
        if (stackId !== STACK_ID) throw Object.assign(new Error(`Stack with id ${stackId} does not exist`), { name: 'ValidationError' });
        return world.stackStatus;
      },
      parameterStore: options.parameterStore,
      ...overrides,
    };
  };

  const world: World = {
    emulator,
    clock,
    logs,
    settings,
    stackStatus: 'UPDATE_IN_PROGRESS',
    context,
    onEvent: event => handle<OnEventResponse>(event, context(), 'onEvent'),
    deploy: (event, { pollMs = 25, maxPolls = 400 } = {}) => provideInProcess(event, {
      onEvent: e => handle(e, context(), 'onEvent'),
      isComplete: e => handle(e, context(), 'isComplete'),
    }, { intervalMs: pollMs, maxAttempts: maxPolls, sleep: clock.sleep }),
    writes: () => emulator.calls.filter(call => WRITE_OPERATIONS.has(call.operation)).map(call => call.operation),
    disableUser: userId => disableUserAs(emulator.endpoint, ROLE_KEYS, ENV, userId, { region: emulator.region, now: clock.now }),
    stop: () => emulator.stop(),
  };
  return world;
}

/** A CloudFormation event as the Provider framework hands it to the handler. */
export function cfnEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  resourceType: string,
  properties: Record<string, unknown>,
  extra: { old?: Record<string, unknown>; physicalResourceId?: string; requestId?: string; logicalResourceId?: string } = {},
): OnEventRequest {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:framework-onEvent',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: STACK_ID,
    RequestId: extra.requestId ?? randomUUID(),
    LogicalResourceId: extra.logicalResourceId ?? 'Resource',
    ResourceType: resourceType,
    ResourceProperties: { ServiceToken: 'token', ...properties },
    ...(extra.old ? { OldResourceProperties: { ServiceToken: 'token', ...extra.old } } : {}),
    ...(extra.physicalResourceId ? { PhysicalResourceId: extra.physicalResourceId } : {}),
  } as OnEventRequest;
}

export function groupProps(overrides: Record<string, unknown> = {}) {
  return { EnvironmentId: ENV, PermissionGroupName: 'analysts', Description: 'Analysts', ApplicationPermissions: ['CreateDataset'], ...overrides };
}

export function membershipProps(groupId: string, userIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    EnvironmentId: ENV,
    PermissionGroupId: groupId,
    UserIds: userIds,
    Exclusive: 'false',
    MembershipKey: 'abcd1234',
    ShardIndex: '0',
    ShardCount: '1',
    ...overrides,
  };
}

/** Members of a group in the emulator, sorted, with their status. */
export function membersOf(emulator: FinSpaceEmulator, groupId: string): Array<[string, string]> {
  const environment = emulator.snapshot().environments.find(e => e.environmentId === ENV)!;
  const group = environment.permissionGroups.find(g => g.permissionGroupId === groupId);
  if (!group) throw new Error(`no group ${groupId}`);
  return group.members.map(m => [m.userId, m.membershipStatus] as [string, string]).sort();
}

export function groupsOf(emulator: FinSpaceEmulator) {
  return emulator.snapshot().environments.find(e => e.environmentId === ENV)!.permissionGroups;
}
