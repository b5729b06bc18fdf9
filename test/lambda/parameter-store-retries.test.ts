/**
 * The handler's Parameter Store calls try again after an answer another attempt may
 * cure (throttling, a 5xx, a lost connection), so that one such answer does not lose
 * the record a rollback needs; what Parameter Store refuses fails at once.
 */
import { flakyAwsService, type Failure } from './support/flaky-aws-service';
import { parameterStore, SSM_ENDPOINT_ENV } from '../../lambda/parameter-store';

jest.setTimeout(30_000);

const CREDENTIALS = { accessKeyId: 'AKIAPARAMETERSTORE02', secretAccessKey: 'parameter-store-secret' };

const PARAMETER_STORE_ANSWERS = {
  contentType: 'application/x-amz-json-1.1',
  ok: '{"Version":1}',
  errors: { 'throttle': [400, 'ThrottlingException'], 'server-error': [500, 'InternalServerError'], 'refusal': [400, 'ValidationException'] },
  error: (code: string) => ({ headers: { 'x-amzn-errortype': code }, body: JSON.stringify({ __type: code, message: code }) }),
} as const;

/** Parameter Store answering the first `failures` requests with `failure`, then success. */
async function flakyParameterStore(failure: Failure, failures: number) {
  const service = await flakyAwsService(PARAMETER_STORE_ANSWERS, failure, failures);
  return {
    store: parameterStore({ region: 'eu-west-1', credentials: async () => CREDENTIALS, env: { [SSM_ENDPOINT_ENV]: service.url } }),
    requests: service.requests,
    stop: service.stop,
  };
}

test.each(['throttle', 'server-error', 'reset'] as const)('a put answered by %s twice succeeds on the third attempt', async failure => {
  const ssm = await flakyParameterStore(failure, 2);
  try {
    await ssm.store.put({ name: '/path/Members/0', value: '{}' });
    expect(ssm.requests()).toBe(3);
  } finally {
    await ssm.stop();
  }
});

test('a put that Parameter Store keeps failing fails after four attempts, with its error code', async () => {
  const ssm = await flakyParameterStore('server-error', 10);
  try {
    await expect(ssm.store.put({ name: '/path/Members/0', value: '{}' })).rejects.toThrow(expect.objectContaining({ name: 'InternalServerError' }));
    expect(ssm.requests()).toBe(4);
  } finally {
    await ssm.stop();
  }
});

test('a put that Parameter Store refuses fails at once', async () => {
  const ssm = await flakyParameterStore('refusal', 1);
  try {
    await expect(ssm.store.put({ name: '/path/Members/0', value: '{}' })).rejects.toThrow(expect.objectContaining({ name: 'ValidationException' }));
    expect(ssm.requests()).toBe(1);
  } finally {
    await ssm.stop();
  }
});
