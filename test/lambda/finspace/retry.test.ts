import { StandardRetryStrategy } from '@smithy/util-retry';
import { FinSpaceDataError } from '../../../lambda/finspace';
import { classifyRetry, createRetryStrategy, DEFAULT_MAX_ATTEMPTS } from '../../../lambda/finspace/retry';

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
  test('builds the standard strategy with DEFAULT_MAX_ATTEMPTS (pacing after throttles is the send window\'s)', async () => {
    const strategy = createRetryStrategy();
    expect(strategy).toBeInstanceOf(StandardRetryStrategy);
    expect(await (strategy as StandardRetryStrategy).maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
  });

  test('takes the attempts asked for', async () => {
    const strategy = createRetryStrategy(2);
    expect(await (strategy as StandardRetryStrategy).maxAttempts()).toBe(2);
  });

  test.each([0, -1, 1.5, Number.NaN])('refuses maxAttempts %p', (maxAttempts) => {
    expect(() => createRetryStrategy(maxAttempts)).toThrow('maxAttempts must be a positive integer');
  });
});
