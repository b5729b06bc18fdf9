/**
 * What a lifecycle needs from the world, so that it can be run as a plain function
 * in tests: a FinSpace client per environment, the clock, the time left, and the
 * settings that the construct put into the Lambda environment.
 */
import { declaredMembersFromLayer } from './declared-members';
import { FinSpaceDataClient, createRetryStrategy } from './finspace';
import { TimeBudget, type Phase } from './time-budget';
import { handlerSettingsFrom, type HandlerSettings } from '../contract/handler-settings';

export type { HandlerSettings };

/** What the host of the handler provides: Lambda, or a test, benchmark or local runner. */
export interface HandlerContext {
  readonly settings: HandlerSettings;
  /**
   * A client for the environment. `retryRoundsUntil` is the invocation's deadline for
   * further rounds of attempts at a transiently failing call.
   */
  clientFor(environmentId: string, retryRoundsUntil?: () => number): FinSpaceDataClient;
  now(): number;
  /** Milliseconds left before the Lambda is stopped. */
  remainingTimeMs(): number;
  /** Structured log line; callers never pass sensitive values. */
  log(message: string, fields?: Record<string, unknown>): void;
}

/** One invocation's view of the context: what the lifecycles work with. */
export interface InvocationContext {
  readonly settings: HandlerSettings;
  readonly time: TimeBudget;
  clientFor(environmentId: string): FinSpaceDataClient;
  log(message: string, fields?: Record<string, unknown>): void;
}

export function invocationContext(context: HandlerContext, phase: Phase): InvocationContext {
  const time = new TimeBudget(phase, context.settings.timeoutMs, () => context.now(), () => context.remainingTimeMs());
  return {
    settings: context.settings,
    time,
    clientFor: environmentId => context.clientFor(environmentId, () => time.retryRoundsUntil()),
    log: (message, fields) => context.log(message, fields),
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
 * One retry strategy per environment for the life of the Lambda container: its rate
 * limiter and retry quota outlive an invocation, as a long-lived SDK client's would.
 */
const retryStrategies = new Map<string, ReturnType<typeof createRetryStrategy>>();

/**
 * A client for one invocation: its retry rounds end with the invocation's budget,
 * while the retry strategy and the vended credentials (module-wide) are shared.
 */
export function lambdaClientFor(environmentId: string, retryRoundsUntil?: () => number): FinSpaceDataClient {
  let retryStrategy = retryStrategies.get(environmentId);
  if (!retryStrategy) {
    retryStrategy = createRetryStrategy();
    retryStrategies.set(environmentId, retryStrategy);
  }
  return new FinSpaceDataClient({
    environmentId,
    retryStrategy,
    keepTrying: retryRoundsUntil ? { until: retryRoundsUntil } : undefined,
  });
}
