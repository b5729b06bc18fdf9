/**
 * Local Lambda: warm containers in child processes, the environment Lambda gives a
 * function, its context, errors and timeouts as the Node.js runtime reports them,
 * and the payload limits of Invoke.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalLambdaService, type FunctionConfiguration } from '../../../local/runner/lambda/service';

jest.setTimeout(20_000);

/** A handler module with one export per behaviour under test. */
const PROBE_HANDLER = `
let invocations = 0;
exports.count = async () => ({ invocations: ++invocations, pid: process.pid });
exports.env = async () => process.env;
exports.context = async (event, context) => ({
  remaining: context.getRemainingTimeInMillis(), functionName: context.functionName,
  arn: context.invokedFunctionArn, requestId: context.awsRequestId, memory: context.memoryLimitInMB,
});
exports.sleep = async (event) => { await new Promise(resolve => setTimeout(resolve, event.ms)); return { pid: process.pid }; };
exports.fail = async () => { throw new RangeError('bad range'); };
exports.log = async () => { console.log('hello %s', 'world'); console.error('oops'); return 'done'; };
exports.exit = async () => { process.exit(3); };
exports.big = async (event) => 'x'.repeat(event.n);
exports.opt = async () => require('fs').readdirSync('/opt').sort();
exports.callback = (event, context, callback) => callback(null, { viaCallback: true });
`;

let directory: string;
let service: LocalLambdaService;

beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-service-test-'));
  fs.mkdirSync(path.join(directory, 'code'));
  fs.writeFileSync(path.join(directory, 'code', 'index.js'), PROBE_HANDLER);
  service = new LocalLambdaService({
    credentials: { accessKeyId: 'AKIAPROBE0000000001', secretAccessKey: 'probe-secret', sessionToken: 'probe-token' },
    extraEnvironment: { AWS_ENDPOINT_URL_FINSPACE_DATA: 'http://127.0.0.1:4566' },
    logDirectory: path.join(directory, 'logs'),
  });
});

afterEach(async () => {
  await service.shutdown();
  fs.rmSync(directory, { recursive: true, force: true });
});

function probe(handler: string, overrides: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return {
    functionName: 'probe',
    functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:probe',
    handler: `index.${handler}`,
    runtime: 'nodejs22.x',
    codeDirectory: path.join(directory, 'code'),
    timeoutSeconds: 10,
    memorySize: 256,
    logGroupName: '/aws/lambda/probe',
    variables: { GREETING: 'hi' },
    ...overrides,
  };
}

async function invoke(configuration: FunctionConfiguration, event: unknown = {}) {
  const answer = await service.invoke(configuration, JSON.stringify(event));
  return { ...answer, result: JSON.parse(answer.payload) };
}

test('a container stays warm: module state survives from one invocation to the next', async () => {
  const first = await invoke(probe('count'));
  const second = await invoke(probe('count'));
  expect([first.result.invocations, second.result.invocations]).toEqual([1, 2]);
  expect(second.result.pid).toBe(first.result.pid);
  expect(second.result.pid).not.toBe(process.pid);
});

test('concurrent invocations run in containers of their own', async () => {
  const [a, b] = await Promise.all([invoke(probe('sleep'), { ms: 200 }), invoke(probe('sleep'), { ms: 200 })]);
  expect(a.result.pid).not.toBe(b.result.pid);
});

test('a changed configuration gets a new container, as after a function update', async () => {
  await invoke(probe('count'));
  const changed = await invoke(probe('count', { variables: { GREETING: 'hello' } }));
  expect(changed.result.invocations).toBe(1);
});

test('the environment is Lambda\'s: the function\'s variables, region, role credentials and endpoint, nothing of the runner\'s', async () => {
  process.env.RUNNER_ONLY_VARIABLE = 'must not leak';
  try {
    const { result: env } = await invoke(probe('env'));
    expect(env).toMatchObject({
      GREETING: 'hi',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAPROBE0000000001',
      AWS_SECRET_ACCESS_KEY: 'probe-secret',
      AWS_SESSION_TOKEN: 'probe-token',
      AWS_ENDPOINT_URL_FINSPACE_DATA: 'http://127.0.0.1:4566',
      AWS_LAMBDA_FUNCTION_NAME: 'probe',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      _HANDLER: 'index.env',
      LAMBDA_TASK_ROOT: path.join(directory, 'code'),
    });
    expect(env.RUNNER_ONLY_VARIABLE).toBeUndefined();
    expect(Object.keys(env).filter(key => key.startsWith('TS_NODE') || key.startsWith('JEST'))).toEqual([]);
  } finally {
    delete process.env.RUNNER_ONLY_VARIABLE;
  }
});

test('the context names the function and counts down from its timeout', async () => {
  const { result } = await invoke(probe('context', { timeoutSeconds: 7 }));
  expect(result).toMatchObject({ functionName: 'probe', arn: 'arn:aws:lambda:eu-west-1:111122223333:function:probe', memory: '256' });
  expect(result.remaining).toBeGreaterThan(6000);
  expect(result.remaining).toBeLessThanOrEqual(7000);
  expect(result.requestId).toMatch(/^[-0-9a-f]{36}$/);
});

test('an invocation that runs out of time is stopped, and the next one gets a fresh container', async () => {
  const timedOut = await invoke(probe('sleep', { timeoutSeconds: 1 }), { ms: 5000 });
  expect(timedOut.functionError).toBe('Unhandled');
  expect(timedOut.result).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/^RequestId: [-0-9a-f]{36} Error: Task timed out after 1.00 seconds$/) });
  const next = await invoke(probe('sleep', { timeoutSeconds: 1 }), { ms: 0 });
  expect(next.functionError).toBeUndefined();
});

test('a handler error is a function error with the runtime\'s errorType, errorMessage and trace', async () => {
  const { functionError, result } = await invoke(probe('fail'));
  expect(functionError).toBe('Unhandled');
  expect(result).toMatchObject({ errorType: 'RangeError', errorMessage: 'bad range' });
  expect(result.trace[0]).toBe('RangeError: bad range');
});

test('a process that exits during an invocation is a Runtime.ExitError', async () => {
  const { result } = await invoke(probe('exit'));
  expect(result).toEqual({ errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/Runtime exited with error: exit status 3$/) });
});

test('a handler that is not exported is a Runtime.HandlerNotFound', async () => {
  const { result } = await invoke(probe('missing'));
  expect(result).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.missing is undefined or not exported' });
});

test('a function\'s layer is mounted at /opt, as Lambda mounts it, and nothing of the machine\'s /opt is there', async () => {
  const layer = path.join(directory, 'layer');
  fs.mkdirSync(path.join(layer, 'nodejs'), { recursive: true });
  fs.writeFileSync(path.join(layer, 'declared.json'), '{}');

  const { result } = await invoke(probe('opt', { optDirectory: layer }));

  expect(result).toEqual(['declared.json', 'nodejs']);
  expect((await invoke(probe('env', { optDirectory: layer }))).result).not.toHaveProperty('LOCAL_LAMBDA_OPT');
});

test('callback-style handlers are served too', async () => {
  expect((await invoke(probe('callback'))).result).toEqual({ viaCallback: true });
});

test('console output is captured per invocation and written to the function\'s log file', async () => {
  const { logs } = await invoke(probe('log'));
  expect(logs.map(l => [l.level, l.message])).toEqual([['INFO', 'hello world'], ['ERROR', 'oops']]);
  const file = fs.readFileSync(path.join(directory, 'logs', 'probe.log'), 'utf8').trim().split('\n');
  expect(file[0]).toMatch(/^START RequestId: (\S+) Version: \$LATEST$/);
  const requestId = /RequestId: (\S+)/.exec(file[0])![1];
  expect(file.slice(1)).toEqual([
    expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${requestId}\\tINFO\\thello world$`)),
    expect.stringMatching(new RegExp(`\\t${requestId}\\tERROR\\toops$`)),
    `END RequestId: ${requestId}`,
  ]);
});

test('Invoke refuses requests over its payload limits', async () => {
  await expect(service.invoke(probe('count'), JSON.stringify('x'.repeat(6_291_456)))).rejects.toThrow(
    'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
  await expect(service.invoke(probe('count'), JSON.stringify('x'.repeat(262_144)), 'Event')).rejects.toThrow(
    '262146 byte payload is too large for the Event invocation type (limit 262144 bytes)');
});

test('an answer over 6 MB becomes Lambda\'s Function.ResponseSizeTooLarge', async () => {
  const fits = await invoke(probe('big'), { n: 6_291_556 - 2 });
  expect(fits.functionError).toBeUndefined();
  const { functionError, result } = await invoke(probe('big'), { n: 6_291_556 - 1 });
  expect(functionError).toBe('Unhandled');
  expect(result).toEqual({
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
  });
});
