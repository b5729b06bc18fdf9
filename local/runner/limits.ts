/**
 * The AWS limits a deployment runs into, each refused with the error AWS answers,
 * worded as AWS words it, so a failure seen locally reads like a real one.
 */

/** CloudFormation reads a template from S3 up to this many bytes (decimal, not MiB). */
export const MAX_TEMPLATE_BYTES = 1_000_000;
export const MAX_RESOURCES = 500;
/** A custom resource's response object (what the provider PUTs to the ResponseURL). */
export const MAX_CUSTOM_RESOURCE_RESPONSE_BYTES = 4096;
/** Input or output of a Step Functions state, and an execution's input. */
export const MAX_STATE_BYTES = 262_144;
/**
 * Payload of an asynchronous (Event) Lambda invocation: how CloudFormation calls the
 * ServiceToken. Lambda now takes 1 MB here; nothing says CloudFormation's requests do,
 * so the stricter, long-standing limit is kept (README, Choices).
 */
export const MAX_EVENT_INVOKE_BYTES = 262_144;
/** Synchronous (RequestResponse) Lambda invocation; the response's is AWS's own number, 100 bytes above the request's. */
export const MAX_SYNC_REQUEST_BYTES = 6_291_456;
export const MAX_SYNC_RESPONSE_BYTES = 6_291_556;
/** A Lambda function's environment variables, measured as the JSON of the map. */
export const MAX_LAMBDA_ENVIRONMENT_BYTES = 4096;

/** An AWS API refused a request: the name is the error code, the message AWS's. */
export class AwsError extends Error {
  constructor(public readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Refuses `text` over `limit` bytes with AWS's error code and message (given the size). */
function checkSize(text: string, limit: number, code: string, message: (size: number) => string): void {
  const size = byteLength(text);
  if (size > limit) throw new AwsError(code, message(size));
}

/** CloudFormation's validation of a template, before anything is deployed. */
export function checkTemplate(templateBody: string, resourceCount: number): void {
  checkSize(templateBody, MAX_TEMPLATE_BYTES, 'ValidationError', () => `Template may not exceed ${MAX_TEMPLATE_BYTES} bytes in size.`);
  if (resourceCount > MAX_RESOURCES) {
    throw new AwsError('ValidationError', `Template format error: Number of resources, ${resourceCount}, is greater than maximum allowed, ${MAX_RESOURCES}`);
  }
}

/** Lambda's Invoke with InvocationType Event. */
export const checkEventInvokePayload = (payload: string) => checkSize(payload, MAX_EVENT_INVOKE_BYTES, 'RequestEntityTooLargeException',
  size => `${size} byte payload is too large for the Event invocation type (limit ${MAX_EVENT_INVOKE_BYTES} bytes)`);

/** Lambda's Invoke with InvocationType RequestResponse, before the function runs. */
export const checkSyncInvokeRequest = (payload: string) => checkSize(payload, MAX_SYNC_REQUEST_BYTES, 'RequestEntityTooLargeException',
  () => `Request must be smaller than ${MAX_SYNC_REQUEST_BYTES} bytes for the InvokeFunction operation`);

/** What Lambda answers instead of a response over MAX_SYNC_RESPONSE_BYTES: a function error, not an API error. */
export const RESPONSE_TOO_LARGE = {
  errorType: 'Function.ResponseSizeTooLarge',
  errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_RESPONSE_BYTES} bytes).`,
} as const;

/** Step Functions' StartExecution. */
export const checkExecutionInput = (input: string) => checkSize(input, MAX_STATE_BYTES, 'ValidationException',
  () => `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_STATE_BYTES}`);

/** A state's data in a running execution: States.DataLimitExceeded cannot be caught (not even by States.ALL), the execution fails. */
export const checkStateData = (stateName: string, data: string) => checkSize(data, MAX_STATE_BYTES, 'States.DataLimitExceeded',
  () => `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`);

/** CloudFormation reading a custom resource's response object. */
export const checkCustomResourceResponse = (body: string) =>
  checkSize(body, MAX_CUSTOM_RESOURCE_RESPONSE_BYTES, 'CustomResourceResponseTooLong', () => 'Response object is too long.');

/** Lambda's CreateFunction / UpdateFunctionConfiguration. */
export const checkLambdaEnvironment = (variables: Record<string, string>) => checkSize(JSON.stringify(variables), MAX_LAMBDA_ENVIRONMENT_BYTES,
  'InvalidParameterValueException', () => 'Lambda was unable to configure your environment variables because the environment variables you have ' +
    `provided exceeded the 4KB limit. String measured: ${JSON.stringify(variables)}`);
