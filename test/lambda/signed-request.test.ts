/**
 * The handler's calls to CloudFormation and S3 try again after an answer another
 * attempt may cure (throttling, a 5xx, a lost connection), as its Parameter Store calls
 * do (parameter-store-retries.test.ts): a rollback decided on a lost DescribeStacks
 * would run as a forward deploy. What the service refuses fails at once.
 */
import { flakyAwsService, type Failure } from './support/flaky-aws-service';
import { CLOUDFORMATION_ENDPOINT_ENV, describeStackStatus } from '../../lambda/stack-status';
import { readS3Object, S3_ENDPOINT_ENV } from '../../lambda/user-ids-object';

const CREDENTIALS = { accessKeyId: 'AKIASIGNEDREQUEST001', secretAccessKey: 'signed-request-secret' };
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Groups/0f3e4c50-0000-4000-8000-000000000000';

const DESCRIBE_STACKS_OK = '<DescribeStacksResponse><DescribeStacksResult><Stacks><member>' +
  '<StackStatus>UPDATE_ROLLBACK_IN_PROGRESS</StackStatus></member></Stacks></DescribeStacksResult></DescribeStacksResponse>';

/** An XML-protocol service (CloudFormation, S3) answering the first `failures` requests with `failure`, then `ok`. */
const flakyService = (failure: Failure, failures: number, ok: string) => flakyAwsService({
  contentType: 'text/xml',
  ok,
  errors: { 'throttle': [400, 'Throttling'], 'server-error': [503, 'ServiceUnavailable'], 'refusal': [403, 'AccessDenied'] },
  error: code => ({ body: `<ErrorResponse><Error><Code>${code}</Code></Error></ErrorResponse>` }),
}, failure, failures);

const statusAt = (url: string) =>
  describeStackStatus(STACK_ID, { credentials: async () => CREDENTIALS, env: { [CLOUDFORMATION_ENDPOINT_ENV]: url } });

test.each(['throttle', 'server-error', 'reset'] as const)('DescribeStacks answered by %s twice answers the status on the third attempt', async failure => {
  const cloudFormation = await flakyService(failure, 2, DESCRIBE_STACKS_OK);
  try {
    await expect(statusAt(cloudFormation.url)).resolves.toBe('UPDATE_ROLLBACK_IN_PROGRESS');
    expect(cloudFormation.requests()).toBe(3);
  } finally {
    await cloudFormation.stop();
  }
});

test('DescribeStacks that CloudFormation keeps throttling fails after four attempts, with its error code', async () => {
  const cloudFormation = await flakyService('throttle', 10, DESCRIBE_STACKS_OK);
  try {
    await expect(statusAt(cloudFormation.url)).rejects.toThrow("DescribeStacks of the handler's own stack failed: Throttling");
    expect(cloudFormation.requests()).toBe(4);
  } finally {
    await cloudFormation.stop();
  }
});

test('DescribeStacks refused fails at once', async () => {
  const cloudFormation = await flakyService('refusal', 10, DESCRIBE_STACKS_OK);
  try {
    await expect(statusAt(cloudFormation.url)).rejects.toThrow("DescribeStacks of the handler's own stack failed: AccessDenied");
    expect(cloudFormation.requests()).toBe(1);
  } finally {
    await cloudFormation.stop();
  }
});

test.each(['throttle', 'server-error', 'reset'] as const)('an S3 read answered by %s three times succeeds on the fourth attempt', async failure => {
  const s3 = await flakyService(failure, 3, 'user01\nuser02\n');
  try {
    const ids = await readS3Object({ bucket: 'assets', key: 'ids/abc.txt', sha256: '' }, {
      credentials: async () => CREDENTIALS,
      env: { AWS_REGION: 'eu-west-1', [S3_ENDPOINT_ENV]: s3.url },
    });
    expect(ids.toString('utf8')).toBe('user01\nuser02\n');
    expect(s3.requests()).toBe(4);
  } finally {
    await s3.stop();
  }
});
