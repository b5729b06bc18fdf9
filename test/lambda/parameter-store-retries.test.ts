/**
 * The handler's Parameter Store calls try again after an answer another attempt may
 * cure (throttling, a 5xx, a lost connection), so that one such answer does not lose
 * the record a rollback needs; what Parameter Store refuses fails at once.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parameterStore, SSM_ENDPOINT_ENV } from '../../lambda/parameter-store';

jest.setTimeout(30_000);

const CREDENTIALS = { accessKeyId: 'AKIAPARAMETERSTORE02', secretAccessKey: 'parameter-store-secret' };

type Failure = 'throttle' | 'server-error' | 'reset' | 'validation';

/** Parameter Store answering the first `failures` requests with `failure`, then success. */
async function flakyParameterStore(failure: Failure, failures: number) {
  let requests = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      if (requests > failures) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{"Version":1}');
        return;
      }
      if (failure === 'reset') {
        request.socket.destroy();
        return;
      }
      const [status, code] = {
        'throttle': [400, 'ThrottlingException'],
        'server-error': [500, 'InternalServerError'],
        'validation': [400, 'ValidationException'],
      }[failure] as [number, string];
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code }).end(JSON.stringify({ __type: code, message: code }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    store: parameterStore({ region: 'eu-west-1', credentials: async () => CREDENTIALS, env: { [SSM_ENDPOINT_ENV]: url } }),
    requests: () => requests,
    stop: () => new Promise(resolve => server.close(resolve)),
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
  const ssm = await flakyParameterStore('validation', 1);
  try {
    await expect(ssm.store.put({ name: '/path/Members/0', value: '{}' })).rejects.toThrow(expect.objectContaining({ name: 'ValidationException' }));
    expect(ssm.requests()).toBe(1);
  } finally {
    await ssm.stop();
  }
});
