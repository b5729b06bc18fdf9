/**
 * aws-cdk-lib's Provider framework (its runtime, framework.js, as installed) run by
 * the runner's provider endpoint in local Lambda containers, with small user
 * functions written for each case.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProviderEndpoint, type DeployedProvider, type WaiterPoll } from '../../../local/runner/provider-endpoint';
import { withInterval, type WaiterSettings } from '../../../local/runner/providers';
import type { DeployedResource } from '../../../local/runner/state-file';

const FRAMEWORK_RUNTIME = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')),
  'custom-resources', 'lib', 'provider-framework', 'runtime');
const CREATE_FAILED_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/' +
  `${encodeURIComponent('stack-id|Thing|request-1')}?X-Amz-Signature=0`;
const WAITER: WaiterSettings = {
  isCompleteState: 'framework-isComplete-task', timeoutState: 'framework-onTimeout-task', intervalMs: 5000, maxRetries: 3, backoffRate: 1,
};

let directory: string;
let endpoint: ProviderEndpoint;
const logs: { functionName: string; message: string }[] = [];
beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-framework-'));
  endpoint = await ProviderEndpoint.start({
    credentials: { accessKeyId: 'AKIAFRAMEWORKTEST', secretAccessKey: 'secret' },
    onLog: (functionName, record) => logs.push({ functionName, message: record.message }),
  });
});
afterAll(async () => {
  await endpoint.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

let functionCount = 0;
/** A Lambda function of the stack as deployed (60 s timeout, 128 MB); answers its ARN. */
function addFunction(resources: Map<string, DeployedResource>, name: string, codeDirectory: string, handler: string, variables = {}): string {
  const arn = `arn:aws:lambda:us-east-1:111122223333:function:${name}`;
  resources.set(name, {
    type: 'AWS::Lambda::Function',
    physicalId: name,
    properties: { Runtime: 'nodejs22.x', Handler: handler, Timeout: 60, Environment: { Variables: variables } },
    attributes: { Arn: arn },
    dependsOn: [],
    codeDirectory,
  });
  return arn;
}

/** A user function whose handler is `body` (a function expression); it logs each event it gets. */
function addUserFunction(resources: Map<string, DeployedResource>, name: string, body: string): string {
  const code = path.join(directory, `${name}-${++functionCount}`);
  fs.mkdirSync(code);
  fs.writeFileSync(path.join(code, 'index.js'),
    `const user = ${body};\nexports.handler = async event => { console.log(JSON.stringify({ seen: event })); return user(event); };\n`);
  return addFunction(resources, name, code, 'index.handler');
}

/** The waiter state machine's definition, as aws-cdk-lib's Provider synthesizes it, with these settings. */
function waiterDefinition(settings: WaiterSettings, isCompleteArn: string, onTimeoutArn: string): string {
  const retry = { ErrorEquals: ['States.ALL'], IntervalSeconds: settings.intervalMs / 1000, MaxAttempts: settings.maxRetries, BackoffRate: settings.backoffRate };
  return JSON.stringify({
    StartAt: settings.isCompleteState,
    States: {
      [settings.isCompleteState]: {
        Type: 'Task', Resource: isCompleteArn, End: true, Retry: [retry], Catch: [{ ErrorEquals: ['States.ALL'], Next: settings.timeoutState }],
      },
      [settings.timeoutState]: { Type: 'Task', Resource: onTimeoutArn, End: true },
    },
  });
}

/** Runs one request with user functions given as source; answers what was submitted and what the user functions saw. */
async function provide(request: Record<string, unknown>, onEvent: string, isComplete?: string, waiter = WAITER) {
  logs.length = 0;
  const sleeps: number[] = [];
  const polls: WaiterPoll[] = [];
  const resources = new Map<string, DeployedResource>();
  const userOnEvent = addUserFunction(resources, 'user-onEvent', onEvent);
  const userIsComplete = isComplete ? addUserFunction(resources, 'user-isComplete', isComplete) : undefined;
  const stateMachineArn = 'arn:aws:states:us-east-1:111122223333:stateMachine:waiter';
  const variables = {
    USER_ON_EVENT_FUNCTION_ARN: userOnEvent,
    ...(userIsComplete ? { USER_IS_COMPLETE_FUNCTION_ARN: userIsComplete, WAITER_STATE_MACHINE_ARN: stateMachineArn } : {}),
  };
  const framework = (entry: string) => addFunction(resources, `framework-${entry}`, FRAMEWORK_RUNTIME, `framework.${entry}`, variables);
  const provider: DeployedProvider = { serviceToken: framework('onEvent'), resources };
  if (userIsComplete) {
    const DefinitionString = waiterDefinition(waiter, framework('isComplete'), framework('onTimeout'));
    resources.set('Waiter', {
      type: 'AWS::StepFunctions::StateMachine', physicalId: stateMachineArn, properties: { DefinitionString }, attributes: {}, dependsOn: [],
    });
  }
  const outcome = await endpoint.run({ requestId: 'request-1', provider, sleep: async ms => { sleeps.push(ms); }, onPoll: poll => { polls.push(poll); } }, JSON.stringify({
    RequestType: 'Create',
    ServiceToken: 'arn:token',
    ResponseURL: RESPONSE_URL,
    StackId: 'stack-id',
    RequestId: 'request-1',
    LogicalResourceId: 'Thing',
    ResourceType: 'Custom::Thing',
    ResourceProperties: { ServiceToken: 'arn:token' },
    ...request,
  }));
  const response = 'responseBody' in outcome ? JSON.parse(outcome.responseBody) : undefined;
  const seen = logs.filter(log => log.message.startsWith('{"seen"'))
    .map(log => ({ function: log.functionName, event: JSON.parse(log.message).seen as Record<string, unknown> }));
  return { response, outcome, seen, sleeps, polls };
}

describe('onEvent', () => {
  test('a create without an id gets the RequestId; the user sees the request with its ResponseURL', async () => {
    const { response, seen } = await provide({}, '() => ({})');
    expect(response).toEqual({
      Status: 'SUCCESS', Reason: 'SUCCESS', StackId: 'stack-id', RequestId: 'request-1', PhysicalResourceId: 'request-1', LogicalResourceId: 'Thing',
    });
    expect(seen[0].event).toMatchObject({ RequestType: 'Create', ResponseURL: RESPONSE_URL, ResourceProperties: { ServiceToken: 'arn:token' } });
  });

  test('an update keeps its id unless the user answers another', async () => {
    const kept = await provide({ RequestType: 'Update', PhysicalResourceId: 'old-id', OldResourceProperties: {} }, "() => ({ Data: { A: '1' } })");
    expect(kept.response).toMatchObject({ PhysicalResourceId: 'old-id', Data: { A: '1' } });
    const replaced = await provide({ RequestType: 'Update', PhysicalResourceId: 'old-id', OldResourceProperties: {} }, "() => ({ PhysicalResourceId: 'new-id' })");
    expect(replaced.response?.PhysicalResourceId).toBe('new-id');
  });

  test('a delete may not change the id', async () => {
    const { response } = await provide({ RequestType: 'Delete', PhysicalResourceId: 'a' }, "() => ({ PhysicalResourceId: 'b' })");
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'a' });
    expect(response?.Reason).toMatch(/^Error: DELETE: cannot change the physical resource ID from "a" to "b" during deletion/);
  });

  test('a failed create answers the CREATE_FAILED marker, and the reason is the user error\'s stack naming the log group', async () => {
    const { response } = await provide({}, "() => { throw new TypeError('boom'); }");
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER });
    const [first, ...frames] = response!.Reason.split('\n\nLogs: /aws/lambda/user-onEvent\n');
    expect(first).toBe('boom');
    expect(frames.join('')).toMatch(/^\n\s+at /);
  });

  test('a failed update keeps the id it had', async () => {
    const { response } = await provide({ RequestType: 'Update', PhysicalResourceId: 'keep', OldResourceProperties: {} }, "() => { throw new Error('no'); }");
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'keep' });
  });

  test('the delete of a create that failed is answered without calling the user', async () => {
    const { response, seen } = await provide({ RequestType: 'Delete', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER }, '() => ({})');
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER });
    expect(seen).toEqual([]);
  });

  test('an onEvent answering nothing (JSON null) gets the defaults', async () => {
    const { response } = await provide({}, '() => undefined');
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'request-1' });
  });
});

describe('waiter', () => {
  test('polls isComplete at once, then each interval; merges the Data and hands onEvent\'s extra fields on', async () => {
    // The user's isComplete counts its calls in module state, which a warm container keeps.
    const { response, seen, sleeps } = await provide({}, "() => ({ PhysicalResourceId: 'p', Data: { A: 'a', B: 'onEvent' }, Marker: 'kept' })",
      "(() => { let polls = 0; return () => (++polls < 3 ? { IsComplete: false } : { IsComplete: true, Data: { B: 'isComplete', C: 'c' } }); })()");
    expect(sleeps).toEqual([5000, 5000]);
    expect(seen.filter(s => s.function === 'user-isComplete').map(s => s.event)).toEqual(Array(3).fill(expect.objectContaining({
      PhysicalResourceId: 'p', Data: { A: 'a', B: 'onEvent' }, Marker: 'kept', ResponseURL: RESPONSE_URL,
    })));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'p', Data: { A: 'a', B: 'isComplete', C: 'c' } });
  });

  test('extra fields of a not-complete answer reach the poll, but neither the next isComplete nor CloudFormation', async () => {
    const { response, seen, polls } = await provide({}, "() => ({ PhysicalResourceId: 'p' })",
      '(() => { let polls = 0; return () => (++polls < 2 ? { IsComplete: false, MembershipProgress: { adding: 4, removing: 0, waitingToReAdd: 0 } } : { IsComplete: true }); })()');
    expect(polls.map(poll => [poll.complete, poll.answer])).toEqual([
      [false, { IsComplete: false, MembershipProgress: { adding: 4, removing: 0, waitingToReAdd: 0 } }],
      [true, { IsComplete: true }],
    ]);
    const isCompleteEvents = seen.filter(s => s.function === 'user-isComplete').map(s => s.event);
    expect(isCompleteEvents).toHaveLength(2);
    expect(isCompleteEvents[1]).toEqual(isCompleteEvents[0]);
    expect(isCompleteEvents[1]).not.toHaveProperty('MembershipProgress');
    expect(response).toEqual({
      Status: 'SUCCESS', Reason: 'SUCCESS', StackId: 'stack-id', RequestId: 'request-1', PhysicalResourceId: 'p', LogicalResourceId: 'Thing', Data: {},
    });
  });

  test('IsComplete false with Data fails the resource', async () => {
    const { response } = await provide({}, "() => ({ PhysicalResourceId: 'p' })", "() => ({ IsComplete: false, Data: { X: '1' } })");
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'p' });
    expect(response?.Reason).toMatch(/^Error: "Data" is not allowed if "IsComplete" is "False"/);
  });

  test('an isComplete answering null fails as framework.js does, with a TypeError', async () => {
    const { response } = await provide({}, "() => ({ PhysicalResourceId: 'p' })", '() => null');
    expect(response?.Reason).toMatch(/^TypeError: Cannot read properties of null \(reading 'IsComplete'\)/);
  });

  test('after the last retry onTimeout fails the resource with "Operation timed out" and the id onEvent answered', async () => {
    const { response, seen, sleeps } = await provide({}, "() => ({ PhysicalResourceId: 'p' })", '() => ({ IsComplete: false })', withInterval(WAITER, 10));
    expect(seen.filter(s => s.function === 'user-isComplete')).toHaveLength(4);
    expect(sleeps).toEqual([10, 10, 10]);
    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'Operation timed out', PhysicalResourceId: 'p' });
  });

  test('backoff grows the intervals between polls', async () => {
    const { sleeps } = await provide({}, '() => ({})', '() => ({ IsComplete: false })', { ...WAITER, backoffRate: 2 });
    expect(sleeps).toEqual([5000, 10000, 20000]);
  });
});
