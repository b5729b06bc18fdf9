/**
 * What a lifecycle needs from the world, so that it can be run as a plain function
 * in tests: a FinSpace client per environment, the clock, and the settings that
 * the construct put into the Lambda environment.
 */
import { FinSpaceDataClient } from './finspace';

export interface HandlerSettings {
  /** FinSpace calls in flight at once. */
  readonly maxConcurrency: number;
  /** How long isComplete waits for members to settle before failing. */
  readonly reconcileTimeoutMs: number;
  /** The role the handler runs as; its FinSpace users are never removed. */
  readonly handlerRoleArn?: string;
  /** Keys of the memberships the stack still declares (see lib/handler-provider.ts). */
  readonly liveMemberships: ReadonlySet<string>;
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
  const live = env.LIVE_MEMBERSHIPS && env.LIVE_MEMBERSHIPS !== 'none' ? env.LIVE_MEMBERSHIPS.split(',') : [];
  return {
    maxConcurrency: positiveInteger(env.MAX_CONCURRENCY, 8),
    reconcileTimeoutMs: positiveInteger(env.RECONCILE_TIMEOUT_SECONDS, 28 * 60) * 1000,
    handlerRoleArn: env.HANDLER_ROLE_ARN || undefined,
    liveMemberships: new Set(live),
  };
}

function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** One client per environment for the life of the Lambda container. */
const clients = new Map<string, FinSpaceDataClient>();

export function sharedClientFor(environmentId: string): FinSpaceDataClient {
  let client = clients.get(environmentId);
  if (!client) {
    client = new FinSpaceDataClient({ environmentId });
    clients.set(environmentId, client);
  }
  return client;
}
