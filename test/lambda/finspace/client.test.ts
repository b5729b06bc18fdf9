/**
 * Client behaviour with a scripted handler: exact control over each answer,
 * for cases a live emulator cannot stage deterministically.
 */
import type { HttpRequest } from '@smithy/types';
import { BASE, CapturingHandler, defaultAnswer, type CannedResponse } from './support/capturing-handler';
import { RequestMetrics } from './support/request-metrics';
import { retryWithoutBackoff } from './support/retry';
import {
  credentialsFromEnvironment,
  FinSpaceDataClient,
  isFinSpaceError,
  VendedCredentialCache,
  type FinSpaceDataClientConfig,
} from '../../../lambda/finspace';

const isCredentialExchange = (request: HttpRequest) => request.path.endsWith('/credentials/programmatic');

const fault = (status: number, type?: string, body: unknown = { message: `${type ?? 'HTTP'} ${status}` }): CannedResponse => ({
  statusCode: status,
  headers: type ? { 'x-amzn-errortype': type, 'x-amzn-requestid': `req-${status}` } : {},
  body,
});

/** Plays `script` for operation requests, one answer per request, then succeeds. */
function scriptedHandler(script: (CannedResponse | Error)[]) {
  return new CapturingHandler((request) => (isCredentialExchange(request) ? defaultAnswer(request) : script.shift() ?? defaultAnswer(request)));
}

function newClient(handler: CapturingHandler, config: Partial<FinSpaceDataClientConfig> = {}) {
  return new FinSpaceDataClient({
    environmentId: 'env-unit',
    region: 'us-east-1',
    endpoint: 'https://finspace.example.test',
    credentials: async () => BASE,
    requestHandler: handler,
    retryStrategy: retryWithoutBackoff(4),
    backoff: () => 0,
    credentialCache: new VendedCredentialCache(),
    ...config,
  });
}

describe('retries', () => {
  describe('keepTrying: rounds of attempts after the strategy gives up', () => {
    const failures = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? fault(429, 'ThrottlingException') : fault(500, 'InternalServerException')));

    test('a transient failure that outlasts the attempts is tried again in further rounds until it succeeds', async () => {
      const handler = scriptedHandler(failures(9));
      const client = newClient(handler, { keepTrying: { until: () => Date.now() + 60_000, pauseMs: 1 } });
      await expect(client.deletePermissionGroup({ permissionGroupId: 'g1', clientToken: 'same' })).resolves.toEqual({});
      // Rounds of 4 attempts: 4 + 4 + the 10th request, which succeeds.
      expect(handler.operationRequests).toHaveLength(10);
      expect(new Set(handler.operationRequests.map(request => request.query?.clientToken))).toEqual(new Set(['same']));
    });

    test('no round starts once the deadline would pass: the last failure is thrown', async () => {
      const handler = scriptedHandler(failures(20));
      let rounds = 0;
      const client = newClient(handler, { keepTrying: { until: () => (rounds++ < 2 ? Date.now() + 60_000 : Date.now()), pauseMs: 1 } });
      await expect(client.getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'InternalServerException' });
      expect(handler.operationRequests).toHaveLength(12);
    });

    test('a failure that is not transient ends the call at once, whatever the deadline', async () => {
      const handler = scriptedHandler([fault(400, 'ValidationException'), ...failures(3)]);
      const client = newClient(handler, { keepTrying: { until: () => Date.now() + 60_000, pauseMs: 1 } });
      await expect(client.getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'ValidationException' });
      expect(handler.operationRequests).toHaveLength(1);
    });

    test('without keepTrying a call fails once its attempts are used', async () => {
      const handler = scriptedHandler(failures(9));
      const client = newClient(handler);
      await expect(client.getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'InternalServerException' });
      expect(handler.operationRequests).toHaveLength(4);
    });
  });

  describe('callsEndBy: no attempt, pause or answer awaited past the deadline', () => {

    test('a backoff that would end past the deadline is not slept: the call fails with the last error', async () => {
      let clock = 1_000_000;
      const handler = scriptedHandler(Array.from({ length: 8 }, () => fault(429, 'ThrottlingException')));
      const client = newClient(handler, {
        retryStrategy: retryWithoutBackoff(8),
        backoff: () => 20_000,
        now: () => clock,
        sleep: async ms => { clock += ms; },
        callsEndBy: () => 1_000_000 + 50_000,
      });
      await expect(client.getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'ThrottlingException' });
      // Attempts at 0 s, 20 s and 40 s; the next would start at 60 s.
      expect(handler.operationRequests).toHaveLength(3);
      expect(clock).toBe(1_000_000 + 40_000);
    });

    test('rounds of attempts also stop at the deadline, even when keepTrying would allow another', async () => {
      let clock = 1_000_000;
      const handler = scriptedHandler(Array.from({ length: 20 }, () => fault(500, 'InternalServerException')));
      const client = newClient(handler, {
        now: () => clock,
        sleep: async ms => { clock += ms; },
        keepTrying: { until: () => clock + 600_000, pauseMs: 10_000 },
        callsEndBy: () => 1_000_000 + 9_000,
      });
      await expect(client.getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'InternalServerException' });
      // One round of 4: a pause of 10 to 20 s would outlast the deadline, so none starts.
      expect(handler.operationRequests).toHaveLength(4);
      expect(clock).toBe(1_000_000);
    });

    test('an attempt still unanswered at the deadline is abandoned as a TimeoutError', async () => {
      const never = new Promise<never>(() => undefined);
      let aborted = false;
      const client = newClient(new CapturingHandler(), {
        requestHandler: {
          handle: (request, options) => {
            if (isCredentialExchange(request)) return new CapturingHandler().handle(request);
            const signal = options?.abortSignal as unknown as AbortSignal;
            signal.addEventListener('abort', () => { aborted = true; });
            return Promise.race([never, new Promise<never>((_, reject) =>
              signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))))]);
          },
        },
        callsEndBy: () => Date.now() + 20,
      });
      await expect(client.getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({
        name: 'TimeoutError',
        message: "GetPermissionGroup was not answered before the invocation's deadline",
      });
      expect(aborted).toBe(true);
    });

    test('no attempt starts once the deadline has passed', async () => {
      const handler = scriptedHandler([]);
      const client = newClient(handler, { callsEndBy: () => Date.now() - 1 });
      await expect(client.getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(handler.requests).toHaveLength(0);
    });
  });

  test('throttling, 5xx and connection resets are retried until success, with the same idempotency token', async () => {
    const handler = scriptedHandler([
      fault(429, 'ThrottlingException'),
      fault(503),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ]);
    const metrics = new RequestMetrics();
    const client = newClient(handler, { logger: metrics.logger });
    await expect(client.createPermissionGroup({ name: 'g', applicationPermissions: [] })).resolves.toEqual({});
    const attempts = handler.operationRequests;
    expect(attempts).toHaveLength(4);
    const tokens = new Set(attempts.map((request) => JSON.parse(request.body as string).clientToken));
    expect(tokens.size).toBe(1);
    expect(metrics.snapshot()).toEqual({ GetProgrammaticAccessCredentials: 1, CreatePermissionGroup: 4 });
  });

  test.each([
    ['LimitExceededException', 400],
    ['ValidationException', 400],
    ['ConflictException', 409],
    ['AccessDeniedException', 403],
    ['NotImplemented', 501],
  ])('%s (HTTP %d) is not retried', async (type, status) => {
    const handler = scriptedHandler([fault(status, type)]);
    const error = await newClient(handler)
      .createPermissionGroup({ name: 'g', applicationPermissions: [] })
      .catch((e: unknown) => e);
    expect(isFinSpaceError(error, type)).toBe(true);
    expect(handler.operationRequests).toHaveLength(1);
  });

  test('after maxAttempts the last error surfaces', async () => {
    const handler = scriptedHandler(Array.from({ length: 10 }, () => fault(500, 'InternalServerException')));
    await expect(newClient(handler).getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({
      name: 'InternalServerException',
      statusCode: 500,
      requestId: 'req-500',
    });
    expect(handler.operationRequests).toHaveLength(4);
  });

  test('network errors surface unwrapped, with their code, once attempts are spent', async () => {
    const handler = scriptedHandler(Array.from({ length: 10 }, () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
    await expect(newClient(handler).getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(handler.operationRequests).toHaveLength(4);
  });

  test('a 2xx body that is not JSON is an error, not retried', async () => {
    const handler = scriptedHandler([{ statusCode: 200, body: '<html>' }]);
    await expect(newClient(handler).getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'DeserializationError' });
    expect(handler.operationRequests).toHaveLength(1);
  });
});

describe('vended credentials', () => {
  test('are fetched once, signed with the base key, and reused across calls', async () => {
    const handler = scriptedHandler([]);
    const client = newClient(handler, { credentialDurationMinutes: 15 });
    await client.getPermissionGroup({ permissionGroupId: 'g1' });
    await client.listUsersByPermissionGroup({ permissionGroupId: 'g1', maxResults: 10 });
    const exchanges = handler.requests.filter(isCredentialExchange);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0].query).toEqual({ environmentId: 'env-unit', durationInMinutes: '15' });
    expect(exchanges[0].headers.authorization).toContain(`Credential=${BASE.accessKeyId}/`);
  });

  test.each(['ExpiredTokenException', 'UnrecognizedClientException'])(
    'are renewed once after %s and the call repeated',
    async (type) => {
      const handler = scriptedHandler([fault(403, type)]);
      await expect(newClient(handler).getPermissionGroup({ permissionGroupId: 'g1' })).resolves.toEqual({});
      expect(handler.requests.filter(isCredentialExchange)).toHaveLength(2);
      expect(handler.operationRequests).toHaveLength(2);
    },
  );

  test('a second rejection right after renewal surfaces instead of looping', async () => {
    const handler = scriptedHandler([fault(403, 'ExpiredTokenException'), fault(403, 'ExpiredTokenException')]);
    await expect(newClient(handler).getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    expect(handler.requests.filter(isCredentialExchange)).toHaveLength(2);
    expect(handler.operationRequests).toHaveLength(2);
  });

  test('other 403s do not renew credentials', async () => {
    const handler = scriptedHandler([fault(403, 'AccessDeniedException')]);
    await expect(newClient(handler).getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(handler.requests.filter(isCredentialExchange)).toHaveLength(1);
  });

  test('an answer without credentials is an error', async () => {
    const handler = new CapturingHandler(() => ({ statusCode: 200, body: { durationInMinutes: 60 } }));
    await expect(newClient(handler).getPermissionGroup({ permissionGroupId: 'g1' })).rejects.toThrow(
      'GetProgrammaticAccessCredentials answered without credentials.',
    );
  });

  test('a different base key does not reuse another role\'s credentials', async () => {
    const handler = scriptedHandler([]);
    const cache = new VendedCredentialCache();
    await newClient(handler, { credentialCache: cache }).getPermissionGroup({ permissionGroupId: 'g1' });
    await newClient(handler, { credentialCache: cache, credentials: async () => ({ ...BASE, accessKeyId: 'AKIAOTHER' }) }).getPermissionGroup({
      permissionGroupId: 'g1',
    });
    expect(handler.requests.filter(isCredentialExchange)).toHaveLength(2);
  });
});

describe('configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('base credentials default to the Lambda role variables', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    await expect(credentialsFromEnvironment()).resolves.toEqual({
      accessKeyId: 'AKIAFROMENV',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });

    const handler = scriptedHandler([]);
    await newClient(handler, { credentials: undefined }).getPermissionGroup({ permissionGroupId: 'g1' });
    expect(handler.requests[0].headers.authorization).toContain('Credential=AKIAFROMENV/');
  });

  test('missing role variables are reported by name', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    await expect(credentialsFromEnvironment()).rejects.toThrow('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  });

  test('an environment id is required', () => {
    expect(() => newClient(new CapturingHandler(), { environmentId: '' })).toThrow('needs an environmentId');
  });
});
