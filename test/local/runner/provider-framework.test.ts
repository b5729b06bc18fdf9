/**
 * The Provider framework reproduction, step by step against framework.js and
 * cfn-response.js, with the user functions faked (no processes).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FunctionConfiguration, InvocationAnswer } from '../../../local/runner/lambda/service';
import {
  CREATE_FAILED_PHYSICAL_ID_MARKER, MISSING_PHYSICAL_ID_MARKER, runProvider,
  type CustomResourceRequest, type CustomResourceResponse, type ProviderFunctions,
} from '../../../local/runner/provider-framework';
import { withInterval, type WaiterSettings } from '../../../local/runner/waiter';

/** The framework's runtime as aws-cdk-lib ships it (not exported, so read as text). */
const CFN_RESPONSE_JS = fs.readFileSync(path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')),
  'custom-resources', 'lib', 'provider-framework', 'runtime', 'cfn-response.js'), 'utf8');

type UserFunction = (event: Record<string, any>) => unknown;

function configuration(name: string): FunctionConfiguration {
  return {
    functionName: name,
    functionArn: `arn:aws:lambda:us-east-1:111122223333:function:${name}`,
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    codeDirectory: '/nowhere',
    timeoutSeconds: 60,
    memorySize: 128,
    logGroupName: `/aws/lambda/${name}`,
    variables: {},
  };
}

const WAITER: WaiterSettings = {
  isCompleteState: 'framework-isComplete-task', timeoutState: 'framework-onTimeout-task', intervalMs: 5000, maxRetries: 3, backoffRate: 1,
};

/** Runs one request with fake user functions; answers what was submitted and what the user functions saw. */
async function provide(request: Partial<CustomResourceRequest>, onEvent: UserFunction, isComplete?: UserFunction, waiter = WAITER) {
  const seen: { function: string; event: Record<string, any> }[] = [];
  const sleeps: number[] = [];
  const functions: ProviderFunctions = {
    onEvent: configuration('user-onEvent'),
    ...(isComplete ? { isComplete: configuration('user-isComplete'), waiter } : {}),
  };
  const outcome = await runProvider({
    RequestType: 'Create',
    ServiceToken: 'arn:token',
    ResponseURL: 'https://response',
    StackId: 'stack-id',
    RequestId: 'request-1',
    LogicalResourceId: 'Thing',
    ResourceType: 'Custom::Thing',
    ResourceProperties: { ServiceToken: 'arn:token' },
    ...request,
  } as CustomResourceRequest, functions, {
    sleep: async ms => { sleeps.push(ms); },
    invoke: async (fn, payload): Promise<InvocationAnswer> => {
      const event = JSON.parse(payload);
      seen.push({ function: fn.functionName, event });
      try {
        const result = await (fn.functionName === 'user-onEvent' ? onEvent : isComplete!)(event);
        return { payload: JSON.stringify(result) ?? 'null', logs: [] };
      } catch (error) {
        const e = error as Error;
        return { payload: JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: e.stack!.split('\n') }), functionError: 'Unhandled', logs: [] };
      }
    },
  });
  const response = 'responseBody' in outcome ? JSON.parse(outcome.responseBody) as CustomResourceResponse : undefined;
  return { response, outcome, seen, sleeps };
}

test('the markers are those of the installed aws-cdk-lib framework', () => {
  expect(CFN_RESPONSE_JS).toContain(`CREATE_FAILED_PHYSICAL_ID_MARKER="${CREATE_FAILED_PHYSICAL_ID_MARKER}"`);
  expect(CFN_RESPONSE_JS).toContain(`MISSING_PHYSICAL_ID_MARKER="${MISSING_PHYSICAL_ID_MARKER}"`);
});

describe('onEvent', () => {
  test('a create without an id gets the RequestId; the user sees the request with its ResponseURL', async () => {
    const { response, seen } = await provide({}, () => ({}));
    expect(response).toEqual({
      Status: 'SUCCESS', Reason: 'SUCCESS', StackId: 'stack-id', RequestId: 'request-1', PhysicalResourceId: 'request-1', LogicalResourceId: 'Thing',
    });
    expect(seen[0].event).toMatchObject({ RequestType: 'Create', ResponseURL: 'https://response', ResourceProperties: { ServiceToken: 'arn:token' } });
  });

  test('an update keeps its id unless the user answers another', async () => {
    const kept = await provide({ RequestType: 'Update', PhysicalResourceId: 'old-id', OldResourceProperties: {} }, () => ({ Data: { A: '1' } }));
    expect(kept.response).toMatchObject({ PhysicalResourceId: 'old-id', Data: { A: '1' } });
    const replaced = await provide({ RequestType: 'Update', PhysicalResourceId: 'old-id', OldResourceProperties: {} }, () => ({ PhysicalResourceId: 'new-id' }));
    expect(replaced.response?.PhysicalResourceId).toBe('new-id');
  });

  test('a delete may not change the id', async () => {
    const { response } = await provide({ RequestType: 'Delete', PhysicalResourceId: 'a' }, () => ({ PhysicalResourceId: 'b' }));
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'a' });
    expect(response?.Reason).toMatch(/^Error: DELETE: cannot change the physical resource ID from "a" to "b" during deletion/);
  });

  test('a failed create answers the CREATE_FAILED marker, and the reason is the user error\'s stack naming the log group', async () => {
    const { response } = await provide({}, () => { throw new TypeError('boom'); });
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER });
    const [first, ...frames] = response!.Reason.split('\n\nLogs: /aws/lambda/user-onEvent\n');
    expect(first).toBe('boom');
    expect(frames.join('')).toMatch(/^\n\s+at /);
  });

  test('a failed update keeps the id it had', async () => {
    const { response } = await provide({ RequestType: 'Update', PhysicalResourceId: 'keep', OldResourceProperties: {} }, () => { throw new Error('no'); });
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'keep' });
  });

  test('the delete of a create that failed is answered without calling the user', async () => {
    const { response, seen } = await provide({ RequestType: 'Delete', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER }, () => ({}));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER });
    expect(seen).toEqual([]);
  });

  test('an onEvent answering nothing (JSON null) gets the defaults', async () => {
    const { response } = await provide({}, () => undefined);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'request-1' });
  });
});

describe('waiter', () => {
  test('polls isComplete at once, then each interval; merges the Data and hands onEvent\'s extra fields on', async () => {
    let polls = 0;
    const { response, seen, sleeps } = await provide({}, () => ({ PhysicalResourceId: 'p', Data: { A: 'a', B: 'onEvent' }, Marker: 'kept' }),
      () => (++polls < 3 ? { IsComplete: false } : { IsComplete: true, Data: { B: 'isComplete', C: 'c' } }));
    expect(sleeps).toEqual([5000, 5000]);
    expect(seen.filter(s => s.function === 'user-isComplete').map(s => s.event)).toEqual(Array(3).fill(expect.objectContaining({
      PhysicalResourceId: 'p', Data: { A: 'a', B: 'onEvent' }, Marker: 'kept', ResponseURL: 'https://response',
    })));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'p', Data: { A: 'a', B: 'isComplete', C: 'c' } });
  });

  test('IsComplete false with Data fails the resource', async () => {
    const { response } = await provide({}, () => ({ PhysicalResourceId: 'p' }), () => ({ IsComplete: false, Data: { X: '1' } }));
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'p' });
    expect(response?.Reason).toMatch(/^Error: "Data" is not allowed if "IsComplete" is "False"/);
  });

  test('an isComplete answering null fails as framework.js does, with a TypeError', async () => {
    const { response } = await provide({}, () => ({ PhysicalResourceId: 'p' }), () => null);
    expect(response?.Reason).toMatch(/^TypeError: Cannot read properties of null \(reading 'IsComplete'\)/);
  });

  test('after the last retry onTimeout fails the resource with "Operation timed out" and the id onEvent answered', async () => {
    const { response, seen, sleeps } = await provide({}, () => ({ PhysicalResourceId: 'p' }), () => ({ IsComplete: false }), withInterval(WAITER, 10));
    expect(seen.filter(s => s.function === 'user-isComplete')).toHaveLength(4);
    expect(sleeps).toEqual([10, 10, 10]);
    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'Operation timed out', PhysicalResourceId: 'p' });
  });

  test('backoff grows the intervals between polls', async () => {
    const { sleeps } = await provide({}, () => ({}), () => ({ IsComplete: false }), { ...WAITER, backoffRate: 2 });
    expect(sleeps).toEqual([5000, 10000, 20000]);
  });
});
