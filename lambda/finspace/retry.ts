/**
 * Retry policy: which failures are worth another attempt, how many attempts and
 * how much retrying a client may spend (the SDK's standard retry quota), and the
 * SDK's backoff. Client-side pacing after throttles is the client's send window
 * (send-window.ts).
 */
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { DEFAULT_RETRY_DELAY_BASE, MAXIMUM_RETRY_DELAY, THROTTLING_RETRY_DELAY_BASE } from '@smithy/util-retry';
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
 * the client waits the backoff itself (backoffDelayMs), where a deadline can cut it
 * short. Both modes use the same strategy: they differ in the client's send window.
 */
export function createRetryStrategy(maxAttempts: number = DEFAULT_MAX_ATTEMPTS): RetryStrategyV2 {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  return new RetryQuota(maxAttempts);
}

/** The SDK's standard retry quota (@smithy/util-retry 2026): 500 tokens, a retry costs 14, after a throttle 5. */
export const RETRY_QUOTA = { capacity: 500, retryCost: 14, throttlingRetryCost: 5, successRefund: 1 } as const;

/**
 * What the handler used of the SDK's StandardRetryStrategy, which brought 2.7 kB of
 * backoff, long-poll and logging code into the bundle: at most `maxAttempts` attempts,
 * retries only of throttling and transient failures, and a quota shared by every call
 * of the client, which retries draw on and successes refill, so that an endpoint
 * failing everything is not retried at full strength forever.
 */
export class RetryQuota implements RetryStrategyV2 {
  private capacity: number = RETRY_QUOTA.capacity;

  constructor(public readonly maxAttempts: number) {}

  public async acquireInitialRetryToken(): Promise<StandardRetryToken> {
    return retryToken(0);
  }

  public async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    const cost = errorInfo.errorType === 'THROTTLING' ? RETRY_QUOTA.throttlingRetryCost : RETRY_QUOTA.retryCost;
    const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
    if (!retryable || token.getRetryCount() + 1 >= this.maxAttempts || this.capacity < cost) {
      throw new Error('No retry token available');
    }
    this.capacity -= cost;
    return retryToken(token.getRetryCount() + 1, cost);
  }

  public recordSuccess(token: StandardRetryToken): void {
    this.capacity = Math.min(RETRY_QUOTA.capacity, this.capacity + (token.getRetryCost() ?? RETRY_QUOTA.successRefund));
  }

  /** What is left of the quota. */
  public getCapacity(): number {
    return this.capacity;
  }
}

function retryToken(retryCount: number, retryCost?: number): StandardRetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => 0, getRetryCost: () => retryCost };
}

/**
 * The SDK's backoff before retry number `retryCount + 1`: exponential from a base
 * that is longer after throttling, full jitter, at most 20 s.
 */
export function backoffDelayMs(retryCount: number, error: unknown, random: () => number = Math.random): number {
  const base = classifyRetry(error) === 'THROTTLING' ? THROTTLING_RETRY_DELAY_BASE : DEFAULT_RETRY_DELAY_BASE;
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
 * Classifies a failed attempt for the retry strategy, which (as the SDK's
 * standard strategy) retries THROTTLING and TRANSIENT only, so 5xx answers are reported as
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
