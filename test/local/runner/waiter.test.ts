import { retryDelayMs, totalTimeoutMs, waiterSettings, withInterval } from '../../../local/runner/providers';

/** What aws-cdk-lib's Provider synthesizes for queryInterval 5 s and totalTimeout 30 min (ARNs resolved). */
const PROVIDER_WAITER = JSON.stringify({
  StartAt: 'framework-isComplete-task',
  States: {
    'framework-isComplete-task': {
      End: true,
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 360, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'framework-onTimeout-task' }],
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:111122223333:function:isComplete',
    },
    'framework-onTimeout-task': { End: true, Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:111122223333:function:onTimeout' },
  },
});

test('reads interval, retries and backoff of the Provider framework waiter', () => {
  const settings = waiterSettings(PROVIDER_WAITER);
  expect(settings).toEqual({
    isCompleteState: 'framework-isComplete-task',
    timeoutState: 'framework-onTimeout-task',
    intervalMs: 5000,
    maxRetries: 360,
    backoffRate: 1,
    maxDelayMs: undefined,
  });
  expect(totalTimeoutMs(settings)).toBe(30 * 60 * 1000);
});

test('applies the Step Functions defaults to fields left out', () => {
  const definition = JSON.stringify({
    States: { Wait: { Type: 'Task', Retry: [{ ErrorEquals: ['States.ALL'] }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }] } },
  });
  expect(waiterSettings(definition)).toMatchObject({ intervalMs: 1000, maxRetries: 3, backoffRate: 2 });
});

test('a poll interval override scales the total timeout and keeps the number of retries', () => {
  const scaled = withInterval(waiterSettings(PROVIDER_WAITER), 50);
  expect(scaled).toMatchObject({ intervalMs: 50, maxRetries: 360 });
  expect(totalTimeoutMs(scaled)).toBe(18_000);
  expect(withInterval(waiterSettings(PROVIDER_WAITER), undefined).intervalMs).toBe(5000);
});

test('backoff grows the delay per retry, up to MaxDelaySeconds', () => {
  const settings = { isCompleteState: 'a', timeoutState: 'b', intervalMs: 100, maxRetries: 5, backoffRate: 2, maxDelayMs: 500 };
  expect([1, 2, 3, 4, 5].map(retry => retryDelayMs(settings, retry))).toEqual([100, 200, 400, 500, 500]);
});

test('a definition without a retried and caught task is not a Provider waiter', () => {
  expect(() => waiterSettings(JSON.stringify({ States: { Only: { Type: 'Pass' } } }))).toThrow('not a Provider framework waiter');
});
