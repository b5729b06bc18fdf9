import type { RetryStrategyV2 } from '@smithy/types';
import { StandardRetryStrategy } from '@smithy/util-retry';
import { FinSpaceDataError } from '../../../lambda/finspace';
import { classifyRetry, createRetryStrategy, DEFAULT_MAX_ATTEMPTS, RetryQuota, RETRY_QUOTA } from '../../../lambda/finspace/retry';

const serviceError = (name: string, statusCode: number) =>
  new FinSpaceDataError({ name, statusCode, message: name, operation: 'ListUsersByPermissionGroup' });
const networkError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyRetry', () => {
  test.each([
    ['ThrottlingException', 429, 'THROTTLING'],
    ['UnknownError', 429, 'THROTTLING'],
    ['InternalServerException', 500, 'TRANSIENT'],
    ['UnknownError', 502, 'TRANSIENT'],
    ['UnknownError', 503, 'TRANSIENT'],
    ['UnknownError', 504, 'TRANSIENT'],
    ['UnknownError', 501, 'SERVER_ERROR'],
    ['LimitExceededException', 400, 'CLIENT_ERROR'],
    ['ValidationException', 400, 'CLIENT_ERROR'],
    ['ConflictException', 409, 'CLIENT_ERROR'],
    ['ResourceNotFoundException', 404, 'CLIENT_ERROR'],
    ['AccessDeniedException', 403, 'CLIENT_ERROR'],
    ['ExpiredTokenException', 403, 'CLIENT_ERROR'],
  ])('%s (HTTP %d) is %s', (name, status, expected) => {
    expect(classifyRetry(serviceError(name, status))).toBe(expected);
  });

  test.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'])('network error %s is TRANSIENT', (code) => {
    expect(classifyRetry(networkError(code))).toBe('TRANSIENT');
  });

  test('a socket hang up and a handler timeout are TRANSIENT', () => {
    expect(classifyRetry(networkError('ECONNRESET', 'socket hang up'))).toBe('TRANSIENT');
    expect(classifyRetry(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe('TRANSIENT');
  });

  test('programming errors are not retried', () => {
    expect(classifyRetry(new TypeError('x is undefined'))).toBe('CLIENT_ERROR');
    expect(classifyRetry('a string')).toBe('CLIENT_ERROR');
  });
});

describe('createRetryStrategy', () => {
  test('builds the retry quota with DEFAULT_MAX_ATTEMPTS (pacing after throttles is the send window\'s)', () => {
    const strategy = createRetryStrategy();
    expect(strategy).toBeInstanceOf(RetryQuota);
    expect((strategy as RetryQuota).maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
  });

  test('takes the attempts asked for', () => {
    expect((createRetryStrategy(2) as RetryQuota).maxAttempts).toBe(2);
  });

  test.each([0, -1, 1.5, Number.NaN])('refuses maxAttempts %p', (maxAttempts) => {
    expect(() => createRetryStrategy(maxAttempts)).toThrow('maxAttempts must be a positive integer');
  });
});

type Outcome = 'THROTTLING' | 'TRANSIENT' | 'CLIENT_ERROR' | 'SERVER_ERROR' | 'success';

/** Runs calls of the given outcomes, each until it succeeds or is refused, and records every decision. */
async function decisions(strategy: RetryStrategyV2, calls: ReadonlyArray<readonly Outcome[]>): Promise<string[]> {
  const record: string[] = [];
  for (const attempts of calls) {
    let token = await strategy.acquireInitialRetryToken('');
    for (const outcome of attempts) {
      if (outcome === 'success') {
        strategy.recordSuccess(token);
        record.push('success');
        break;
      }
      try {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType: outcome });
        record.push(`retry ${token.getRetryCount()}`);
      } catch {
        record.push('refused');
        break;
      }
    }
  }
  return record;
}

describe('RetryQuota', () => {
  const calls: Outcome[][] = [
    // A call retried through the attempts, one retried then answered, errors never retried.
    Array(9).fill('TRANSIENT'),
    ['THROTTLING', 'THROTTLING', 'success'],
    ['CLIENT_ERROR'],
    ['SERVER_ERROR'],
    // Enough transient failures to spend the quota (500 / 14 retries), then throttles with what is left.
    ...Array.from({ length: 6 }, () => Array(8).fill('TRANSIENT')),
    ...Array.from({ length: 3 }, () => Array(8).fill('THROTTLING')),
    ['TRANSIENT', 'success'],
    ['TRANSIENT', 'TRANSIENT', 'success'],
  ];

  test('decides as the SDK\'s StandardRetryStrategy does, call after call', async () => {
    const sdk = new StandardRetryStrategy({ maxAttempts: 8, backoff: { computeNextBackoffDelay: () => 0, setDelayBase: () => undefined } });
    const ours = new RetryQuota(8);
    const expected = await decisions(sdk, calls);
    expect(await decisions(ours, calls)).toEqual(expected);
    expect(ours.getCapacity()).toBe(sdk.getCapacity());
    // The sequence reaches the quota: some call is refused before its attempts are used up.
    expect(expected.filter(d => d === 'refused').length).toBeGreaterThan(4);
  });

  test('a spent quota refuses a retry until successes refill it', async () => {
    const quota = new RetryQuota(1_000);
    let token = await quota.acquireInitialRetryToken();
    const retries = Math.floor(RETRY_QUOTA.capacity / RETRY_QUOTA.retryCost);
    for (let i = 0; i < retries; i++) token = await quota.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' });
    await expect(quota.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' })).rejects.toThrow('No retry token available');
    // A success after a retry gives back what that retry cost.
    quota.recordSuccess(token);
    expect(quota.getCapacity()).toBe(RETRY_QUOTA.capacity - retries * RETRY_QUOTA.retryCost + RETRY_QUOTA.retryCost);
  });
});
