/**
 * What the construct hands the handler through the function's environment, and
 * the defaults both sides use, so that a function without a variable behaves as the
 * construct's default would have configured it.
 */
import type { DeclaredMembers } from './declared-members';

/** The handler's environment variables. */
export const HANDLER_ENVIRONMENT = {
  maxConcurrency: 'MAX_CONCURRENCY',
  /** Named in failure reasons, and its FinSpace users are never removed. */
  handlerRoleArn: 'HANDLER_ROLE_ARN',
  /** The handler's timeout (see handlerTimeoutSeconds), in whole seconds. */
  timeout: 'TIMEOUT_SECONDS',
  /** The Provider framework's wait between two isComplete calls, in milliseconds. */
  pollInterval: 'POLL_INTERVAL_MS',
  /** The Parameter Store path under which memberships record the users they found already present. */
  preexistingMembersPath: 'PREEXISTING_MEMBERS_PATH',
} as const;

/**
 * The stack's folder in Parameter Store: the construct grants the role this path
 * alone, and the handler writes nowhere else.
 */
export function preexistingMembersPath(stackName: string): string {
  return `/finspace-data-access/${stackName}/preexisting-members`;
}

/** `FinSpaceDataAccessProps.timeout` when not given. */
export const DEFAULT_TIMEOUT_SECONDS = 30 * 60;
/** `FinSpaceDataAccessProps.pollInterval` when not given. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
/** `FinSpaceDataAccessProps.maxConcurrency` when not given. */
export const DEFAULT_MAX_CONCURRENCY = 8;

/**
 * How long the handler lets one change take before failing it: two polls less than
 * the deployment's timeout, so that isComplete fails with its own clear reason
 * before the Provider framework's waiter gives up with a generic one.
 */
export function handlerTimeoutSeconds(timeoutSeconds: number, pollIntervalSeconds: number): number {
  return timeoutSeconds - 2 * pollIntervalSeconds;
}

/** What the handler works with: its environment, read, and the stack's declared members. */
export interface HandlerSettings {
  /** FinSpace calls in flight at once. */
  readonly maxConcurrency: number;
  /** How long one change may take to settle before it fails (see handlerTimeoutSeconds). */
  readonly timeoutMs: number;
  /**
   * The wait between two isComplete calls: the longest one isComplete looks again at a
   * change in flight before it answers "not yet".
   */
  readonly pollIntervalMs: number;
  /** The role the handler runs as; its FinSpace users are never removed. */
  readonly handlerRoleArn?: string;
  /** Where memberships record the users they found already present; undefined: no record is kept. */
  readonly preexistingMembersPath?: string;
  /** Every user the stack declares per group; undefined without the layer. */
  readonly declaredMembers?: DeclaredMembers;
}

/** The variables the construct sets, from values that may be CDK tokens (already strings). */
export function handlerEnvironment(values: {
  readonly maxConcurrency: string;
  readonly handlerRoleArn: string;
  readonly timeoutSeconds: string;
  readonly pollIntervalMs: string;
  readonly preexistingMembersPath: string;
}): Record<string, string> {
  return {
    [HANDLER_ENVIRONMENT.preexistingMembersPath]: values.preexistingMembersPath,
    [HANDLER_ENVIRONMENT.maxConcurrency]: values.maxConcurrency,
    [HANDLER_ENVIRONMENT.handlerRoleArn]: values.handlerRoleArn,
    [HANDLER_ENVIRONMENT.timeout]: values.timeoutSeconds,
    [HANDLER_ENVIRONMENT.pollInterval]: values.pollIntervalMs,
  };
}

/** The settings the variables give, with the construct's defaults for any missing or malformed. */
export function handlerSettingsFrom(
  environment: Readonly<Record<string, string | undefined>>,
  declaredMembers?: DeclaredMembers,
): HandlerSettings {
  const defaultTimeoutSeconds = handlerTimeoutSeconds(DEFAULT_TIMEOUT_SECONDS, DEFAULT_POLL_INTERVAL_SECONDS);
  return {
    maxConcurrency: positiveInteger(environment[HANDLER_ENVIRONMENT.maxConcurrency], DEFAULT_MAX_CONCURRENCY),
    timeoutMs: positiveInteger(environment[HANDLER_ENVIRONMENT.timeout], defaultTimeoutSeconds) * 1000,
    pollIntervalMs: positiveInteger(environment[HANDLER_ENVIRONMENT.pollInterval], DEFAULT_POLL_INTERVAL_SECONDS * 1000),
    handlerRoleArn: environment[HANDLER_ENVIRONMENT.handlerRoleArn] || undefined,
    preexistingMembersPath: environment[HANDLER_ENVIRONMENT.preexistingMembersPath] || undefined,
    declaredMembers,
  };
}

function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}
