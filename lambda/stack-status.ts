/**
 * The status of the handler's own stack, from CloudFormation's DescribeStacks (an AWS
 * Query call, signed with the role's credentials). CloudFormation's events do not
 * say whether an Update is a rollback; the stack's status does
 * (UPDATE_ROLLBACK_IN_PROGRESS).
 */
import type { InvocationContext } from './handler-context';
import { errorCodeOf, sendSigned, type AwsCallOptions } from './signed-request';

/** The SDK's service-specific endpoint variable for CloudFormation. */
export const CLOUDFORMATION_ENDPOINT_ENV = 'AWS_ENDPOINT_URL_CLOUDFORMATION';

/** The status rollbacks of an update run in: the resources are updated back to the previous template. */
export const UPDATE_ROLLBACK_IN_PROGRESS = 'UPDATE_ROLLBACK_IN_PROGRESS';

/**
 * The statuses in which CloudFormation deletes what a failed deploy created: after
 * updating the rest back, and when the stack's creation failed.
 */
export const ROLLBACK_CLEANUP_STATUSES: readonly string[] = ['UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'];

/** The stack's StackStatus; throws when CloudFormation does not answer with one. */
export async function describeStackStatus(stackId: string, options: AwsCallOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  // arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>
  const region = stackId.split(':')[3] || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new Error(`no region in stack id ${stackId}`);
  const endpoint = new URL(env[CLOUDFORMATION_ENDPOINT_ENV] || env.AWS_ENDPOINT_URL || `https://cloudformation.${region}.amazonaws.com`);
  const body = new URLSearchParams({ Action: 'DescribeStacks', Version: '2010-05-15', StackName: stackId }).toString();
  const response = await sendSigned({
    service: 'cloudformation',
    region,
    method: 'POST',
    url: endpoint,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    credentials: options.credentials,
    now: options.now,
  });
  const status = /<StackStatus>([A-Z_]+)<\/StackStatus>/.exec(response.body)?.[1];
  if (response.statusCode !== 200 || !status) {
    const code = errorCodeOf(response) ?? `HTTP ${response.statusCode}`;
    throw Object.assign(new Error(`DescribeStacks of the handler's own stack failed: ${code}`), { name: 'StackStatusUnavailable' });
  }
  return status;
}

/**
 * Whether the handler's stack is in one of `statuses` (by default: rolling back an
 * update); when CloudFormation does not answer, the event goes on as a forward deploy
 * would, and the log says so.
 */
export async function stackIsIn(
  event: { readonly StackId: string }, context: Pick<InvocationContext, 'stackStatus' | 'log'>,
  statuses: readonly string[] = [UPDATE_ROLLBACK_IN_PROGRESS],
): Promise<boolean> {
  try {
    return statuses.includes(await context.stackStatus(event.StackId));
  } catch (error) {
    context.log('could not read the stack status', { error: (error as Error).name, reason: (error as Error).message });
    return false;
  }
}
