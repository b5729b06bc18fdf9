/**
 * What a lifecycle needs from the world, so that it can be run as a plain function
 * in tests: a FinSpace client per environment, the clock, and the settings that
 * the construct put into the Lambda environment.
 */
import { declaredMembersFromLayer, type DeclaredMembers } from './declared-members';
import { FinSpaceDataClient } from './finspace';

export interface HandlerSettings {
  /** FinSpace calls in flight at once. */
  readonly maxConcurrency: number;
  /** How long isComplete waits for members to settle before failing. */
  readonly reconcileTimeoutMs: number;
  /** The role the handler runs as; its FinSpace users are never removed. */
  readonly handlerRoleArn?: string;
  /** Every user the stack declares per group; undefined without the layer. */
  readonly declaredMembers?: DeclaredMembers;
}

export interface HandlerContext {
  readonly settings: HandlerSettings;
  clientFor(environmentId: string): FinSpaceDataClient;
  now(): number;
  /** Milliseconds left before the Lambda is stopped; writes stop in time. */
  remainingTimeMs(): number;
  /** Structured log line; callers never pass sensitive values. */
  log(message: string, fields?: Record<string, unknown>): void;
}

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerSettings {
  return {
    maxConcurrency: positiveInteger(env.MAX_CONCURRENCY, 8),
    reconcileTimeoutMs: positiveInteger(env.RECONCILE_TIMEOUT_SECONDS, 28 * 60) * 1000,
    handlerRoleArn: env.HANDLER_ROLE_ARN || undefined,
    declaredMembers: loadedDeclaredMembers(),
  };
}

function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** The layer cannot change during the life of a container: read it once. */
let declaredMembers: { value?: DeclaredMembers } | undefined;
function loadedDeclaredMembers(): DeclaredMembers | undefined {
  declaredMembers ??= { value: declaredMembersFromLayer() };
  return declaredMembers.value;
}

/**
 * A call that keeps failing transiently after its attempts is tried again in further
 * rounds until this long before the Lambda would be stopped. A failure then ends the
 * event, whatever it was doing: a rollback or a delete that fails has lasting effects.
 * The time kept back is for undoing a failed create's additions and for answering.
 */
const RESERVED_MS = { onEvent: 120_000, isComplete: 30_000 } as const;

/** When this invocation's calls stop starting new rounds (a container runs one invocation at a time). */
let roundsUntil: number | undefined;

/** Sets the deadline of the invocation that begins: undefined outside Lambda. */
export function beginInvocation(phase: keyof typeof RESERVED_MS, remainingTimeMs: number | undefined): void {
  roundsUntil = remainingTimeMs === undefined ? undefined : Date.now() + remainingTimeMs - RESERVED_MS[phase];
}

/** One client per environment for the life of the Lambda container. */
const clients = new Map<string, FinSpaceDataClient>();

export function sharedClientFor(environmentId: string): FinSpaceDataClient {
  let client = clients.get(environmentId);
  if (!client) {
    client = new FinSpaceDataClient({ environmentId, keepTrying: { until: () => roundsUntil } });
    clients.set(environmentId, client);
  }
  return client;
}
