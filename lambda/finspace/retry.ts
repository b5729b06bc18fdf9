/**
 * Retry policy: which failures are worth another attempt, and the SDK retry
 * strategy that paces them. Backoff, jitter and the retry quota come from
 * @smithy/util-retry; client-side pacing after throttles is the client's send
 * window (send-window.ts).
 */
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2 } from '@smithy/types';
import {
  DEFAULT_RETRY_DELAY_BASE,
  MAXIMUM_RETRY_DELAY,
  StandardRetryStrategy,
  THROTTLING_RETRY_DELAY_BASE,
} from '@smithy/util-retry';
import { FinSpaceDataError } from './errors';

export type RetryMode = 'adaptive' | 'standard';

/**
 * Higher than the SDK's 3: the callers are CloudFormation custom resources, for
 * which a transient failure is a failed deployment and a rollback, while a
 * Lambda has minutes to spare. With the SDK's throttling backoff (1 s base,
 * doubling, 20 s cap, full jitter) seven retries wait about 35 s on average and
 * at most 71 s.
 */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Adaptive by default: when many custom resources in one stack hit the same
 * environment at once, the client's send window (send-window.ts) holds fewer
 * attempts in flight after a throttle instead of letting every retry collide again,
 * and widens again as answers come. 'standard': backoff only.
 */
export const DEFAULT_RETRY_MODE: RetryMode = 'adaptive';

/**
 * The strategy decides whether a call may be tried again (attempts, retry quota);
 * the client waits the backoff itself (backoffDelayMs). Left to the strategy, the
 * wait happens inside it, where no deadline can cut it short. Both modes use the
 * same strategy: they differ in the client's send window.
 */
export function createRetryStrategy(maxAttempts: number = DEFAULT_MAX_ATTEMPTS): RetryStrategyV2 {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  return new StandardRetryStrategy({ maxAttempts, backoff: WAIT_IN_CLIENT });
}

const WAIT_IN_CLIENT = { computeNextBackoffDelay: () => 0, setDelayBase: () => undefined };

/**
 * The SDK's backoff before retry number `retryCount + 1`: exponential from a base
 * that is longer after throttling, full jitter, at most 20 s.
 */
export function backoffDelayMs(retryCount: number, error: unknown, random: () => number = Math.random): number {
  return backoffMs(retryCount, classifyRetry(error) === 'THROTTLING', random);
}

/** backoffDelayMs for a failure already classified: `throttled` or not. */
export function backoffMs(retryCount: number, throttled: boolean, random: () => number = Math.random): number {
  const base = throttled ? THROTTLING_RETRY_DELAY_BASE : DEFAULT_RETRY_DELAY_BASE;
  return Math.floor(Math.min(MAXIMUM_RETRY_DELAY, random() * 2 ** retryCount * base));
}

/** Status codes the SDK treats as transient; other 5xx (501, 505, ...) are permanent. */
const TRANSIENT_STATUS_CODES = [500, 502, 503, 504];

/** Node socket and DNS failures the SDK retries. */
const TRANSIENT_NETWORK_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
];

/**
 * Classifies a failed attempt for the retry strategy. StandardRetryStrategy
 * retries THROTTLING and TRANSIENT only, so 5xx answers are reported as
 * TRANSIENT, as the SDK's own classifier does.
 *
 * Deliberately not the SDK classifier: it counts LimitExceededException as
 * throttling, but here that error is a quota (too many users or groups) which no
 * amount of waiting clears.
 */
export function classifyRetry(error: unknown): RetryErrorType {
  if (error instanceof FinSpaceDataError) {
    if (error.name === 'LimitExceededException') return 'CLIENT_ERROR';
    if (error.statusCode === 429 || error.name === 'ThrottlingException') return 'THROTTLING';
    if (TRANSIENT_STATUS_CODES.includes(error.statusCode) || error.name === 'InternalServerException') {
      return 'TRANSIENT';
    }
    return error.statusCode >= 500 ? 'SERVER_ERROR' : 'CLIENT_ERROR';
  }
  if (isNetworkError(error)) return 'TRANSIENT';
  return 'CLIENT_ERROR';
}

/** A failure that another attempt may cure: throttling, a 5xx, a lost connection. */
export function isTransient(error: unknown): boolean {
  const type = classifyRetry(error);
  return type === 'THROTTLING' || type === 'TRANSIENT';
}

/**
 * The strategy only needs the classification. The error itself is left out on
 * purpose: older rate limiters re-classify it with the SDK's rules, which would
 * throttle this client after a LimitExceededException.
 */
export function retryErrorInfo(error: unknown): RetryErrorInfo {
  return { errorType: classifyRetry(error) };
}

/**
 * A failure to exchange bytes with the endpoint, as opposed to an error answer.
 * Duck-typed rather than `instanceof Error`: errors raised by Node's own modules
 * come from another realm under test runners such as jest.
 */
export function isNetworkError(error: unknown): error is NodeJS.ErrnoException {
  if (typeof error !== 'object' || error === null || error instanceof FinSpaceDataError) return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  return (typeof code === 'string' && TRANSIENT_NETWORK_CODES.includes(code)) || name === 'TimeoutError';
}
