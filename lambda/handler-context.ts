/**
 * What a lifecycle needs from the world, so that it can be run as a plain function
 * in tests: a FinSpace client per environment, the clock, the time left, and the
 * settings that the construct put into the Lambda environment.
 */
import { declaredMembersFromLayer } from './declared-members';
import { FinSpaceDataClient, SendWindow, createRetryStrategy } from './finspace';
import type { ParameterStore } from './parameter-store';
import { PreexistingMembers } from './preexisting-members';
import { TimeBudget, type Phase } from './time-budget';
import type { ObjectReader } from './user-ids-object';
import { handlerSettingsFrom, type HandlerSettings } from '../contract/handler-settings';

export type { HandlerSettings };

/** What the host of the handler provides: Lambda, or a test, benchmark or local runner. */
export interface HandlerContext {
  readonly settings: HandlerSettings;
  /** Where records of members found already present are kept (settings.preexistingMembersPath). */
  readonly parameterStore?: ParameterStore;
  /** Reads an object of user ids that a large membership's properties name; default: from S3. */
  readonly readObject?: ObjectReader;
  /** A client for the environment that keeps to the invocation's deadlines, when given. */
  clientFor(environmentId: string, deadlines?: CallDeadlines): FinSpaceDataClient;
  now(): number;
  /** Waits; default: a timer. (Tests move a simulated clock instead.) */
  sleep?(ms: number): Promise<void>;
  /** Milliseconds left before the Lambda is stopped. */
  remainingTimeMs(): number;
  /** Structured log line; callers never pass sensitive values. */
  log(message: string, fields?: Record<string, unknown>): void;
  /** The StackStatus of the stack an event comes from (its StackId). */
  stackStatus(stackId: string): Promise<string>;
}

/** The deadlines of one invocation, for the calls it makes (epoch ms). */
export interface CallDeadlines {
  /** After this, a transiently failing call starts no further round of attempts. */
  retryRoundsUntil(): number;
  /** By this, every call is over: no attempt or pause runs past it. */
  callsEndBy(): number;
}

/** One invocation's view of the context: what the lifecycles work with. */
export interface InvocationContext {
  readonly settings: HandlerSettings;
  readonly time: TimeBudget;
  /** The record of members found already present; undefined when the function keeps none. */
  readonly preexistingMembers?: PreexistingMembers;
  clientFor(environmentId: string): FinSpaceDataClient;
  sleep(ms: number): Promise<void>;
  log(message: string, fields?: Record<string, unknown>): void;
  stackStatus(stackId: string): Promise<string>;
}

export function invocationContext(context: HandlerContext, phase: Phase): InvocationContext {
  const time = new TimeBudget(phase, context.settings, () => context.now(), () => context.remainingTimeMs());
  return {
    settings: context.settings,
    time,
    clientFor: environmentId => context.clientFor(environmentId, {
      retryRoundsUntil: () => time.retryRoundsUntil(),
      callsEndBy: () => time.callsEndBy(),
    }),
    sleep: ms => (context.sleep ? context.sleep(ms) : new Promise(resolve => setTimeout(resolve, ms))),
    log: (message, fields) => context.log(message, fields),
    stackStatus: stackId => context.stackStatus(stackId),
    preexistingMembers: context.parameterStore && context.settings.preexistingMembersPath
      ? new PreexistingMembers(context.parameterStore, context.settings.preexistingMembersPath)
      : undefined,
  };
}

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerSettings {
  return handlerSettingsFrom(env, loadedDeclaredMembers());
}

/** The layer cannot change during the life of a container: read it once. */
let declaredMembers: { value?: ReturnType<typeof declaredMembersFromLayer> } | undefined;
function loadedDeclaredMembers() {
  declaredMembers ??= { value: declaredMembersFromLayer() };
  return declaredMembers.value;
}

/**
 * One retry strategy and send window per environment for the life of the Lambda
 * container: the retry quota and the window outlive an invocation, as a long-lived
 * SDK client's would.
 */
const pacing = new Map<string, { readonly retryStrategy: ReturnType<typeof createRetryStrategy>; readonly sendWindow: SendWindow }>();

/**
 * A client for one invocation: its retry rounds end with the invocation's budget,
 * while the retry strategy and the vended credentials (module-wide) are shared.
 */
export function lambdaClientFor(environmentId: string, deadlines?: CallDeadlines): FinSpaceDataClient {
  let shared = pacing.get(environmentId);
  if (!shared) {
    shared = { retryStrategy: createRetryStrategy(), sendWindow: new SendWindow() };
    pacing.set(environmentId, shared);
  }
  return new FinSpaceDataClient({
    environmentId,
    ...shared,
    keepTrying: deadlines ? { until: () => deadlines.retryRoundsUntil() } : undefined,
    callsEndBy: deadlines ? () => deadlines.callsEndBy() : undefined,
  });
}
