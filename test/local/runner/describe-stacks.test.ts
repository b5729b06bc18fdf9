/**
 * The runner answers CloudFormation's DescribeStacks for the stacks it plays, and the
 * handler's stack-status reader (lambda/stack-status.ts) reads that answer: both
 * sides of the call the handler makes to tell a rollback from a deploy.
 */
import { describeStackStatus, CLOUDFORMATION_ENDPOINT_ENV } from '../../../lambda/stack-status';
import { ProviderEndpoint } from '../../../local/runner/provider-endpoint';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Analytics/4f1f2a40-0000-0000-0000-000000000001';
const CREDENTIALS = { accessKeyId: 'AKIADESCRIBESTACKS01', secretAccessKey: 'describe-stacks-secret' };

let endpoint: ProviderEndpoint;
beforeEach(async () => {
  endpoint = await ProviderEndpoint.start({ credentials: CREDENTIALS });
});
afterEach(() => endpoint.stop());

const statusOf = (stackId: string) => describeStackStatus(stackId, {
  credentials: async () => CREDENTIALS,
  env: { [CLOUDFORMATION_ENDPOINT_ENV]: endpoint.url },
});

test('answers the status the runner has the stack in, as it changes', async () => {
  endpoint.stackStatusChanged(STACK_ID, 'UPDATE_IN_PROGRESS');
  expect(await statusOf(STACK_ID)).toBe('UPDATE_IN_PROGRESS');
  endpoint.stackStatusChanged(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
  expect(await statusOf(STACK_ID)).toBe('UPDATE_ROLLBACK_IN_PROGRESS');
});

test('a stack the runner does not play does not exist, and the reader fails with the code', async () => {
  endpoint.stackStatusChanged(STACK_ID, 'UPDATE_IN_PROGRESS');
  const other = STACK_ID.replace('Analytics', 'Other');
  await expect(statusOf(other)).rejects.toThrow(expect.objectContaining({
    name: 'StackStatusUnavailable',
    message: 'DescribeStacks of the handler\'s own stack failed: ValidationError',
  }));
});
