/**
 * CloudFormation's side of a custom resource: the request it sends to the
 * ServiceToken (asynchronously, as a Lambda Event invocation), and how it reads the
 * response the provider submits: the size limit of the response object, FAILED
 * reasons in CloudFormation's words, physical id and Data attributes.
 */
import { randomBytes, randomUUID } from 'crypto';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import type { StackEnvironment } from './aws-resources';
import { RESPONSE_HOST_PREFIX } from './lambda/runtime';
import { checkCustomResourceResponse, checkEventInvokePayload } from './limits';
import type { DeployedProvider, ProviderCall, ProviderEndpoint } from './provider-endpoint';
import type { DeployedResource } from './state-file';

/** The properties hold the ServiceToken, and the ServiceTimeout (seconds) named when no response comes. */
export type CustomResourceCall = Pick<DeployedResource, 'type' | 'properties' | 'physicalId'> & {
  readonly requestType: CloudFormationCustomResourceEvent['RequestType'];
  readonly logicalId: string;
  readonly oldProperties?: Record<string, unknown>;
};

/** CloudFormation refused or failed the resource; `physicalId` is what it learned, if anything. */
export class CustomResourceFailure extends Error {
  constructor(message: string, public readonly physicalId?: string) {
    super(message);
  }
}

/** Sends one request through the provider and returns what CloudFormation records, or throws CustomResourceFailure. */
export async function callCustomResource(
  call: CustomResourceCall, env: StackEnvironment, provider: DeployedProvider, endpoint: ProviderEndpoint, hooks: Pick<ProviderCall, 'sleep' | 'onPoll'>,
): Promise<{ physicalId: string; attributes: Record<string, unknown> }> {
  const requestId = randomUUID();
  // CloudFormation hands a custom resource every number and boolean as a string.
  const request = JSON.stringify({
    RequestType: call.requestType,
    ServiceToken: String(call.properties.ServiceToken),
    ResponseURL: responseUrl(env, call.logicalId, requestId),
    StackId: env.stackId,
    RequestId: requestId,
    LogicalResourceId: call.logicalId,
    ResourceType: call.type,
    ResourceProperties: call.properties,
    OldResourceProperties: call.requestType === 'Update' ? call.oldProperties : undefined,
    PhysicalResourceId: call.requestType === 'Create' ? undefined : call.physicalId,
  }, (_key, value: unknown) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value));
  const refuse = (check: () => void) => {
    try {
      check();
    } catch (error) {
      throw new CustomResourceFailure((error as Error).message, call.physicalId);
    }
  };
  refuse(() => checkEventInvokePayload(request));
  const outcome = await endpoint.run({ requestId, provider, ...hooks }, request);
  if ('noResponse' in outcome) {
    const timeout = call.properties.ServiceTimeout;
    const waited = timeout !== undefined ? ` (after the ServiceTimeout of ${Number(timeout)} seconds, not waited out locally)` : '';
    throw new CustomResourceFailure(
      `CloudFormation did not receive a response from your Custom Resource${waited}. Please check your logs for requestId [${requestId}]. ` +
      `Locally: ${outcome.noResponse}.`, call.physicalId);
  }
  refuse(() => checkCustomResourceResponse(outcome.responseBody));
  const response = JSON.parse(outcome.responseBody) as CloudFormationCustomResourceResponse;
  if (response.Status === 'FAILED') {
    throw new CustomResourceFailure(
      `Received response status [FAILED] from custom resource. Message returned: ${response.Reason} (RequestId: ${requestId})`,
      response.PhysicalResourceId);
  }
  return { physicalId: response.PhysicalResourceId, attributes: response.Data ?? {} };
}

/** A pre-signed S3 URL of the length CloudFormation's are: it counts towards the request's size. */
function responseUrl(env: StackEnvironment, logicalId: string, requestId: string): string {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const key = encodeURIComponent(`${env.stackId}|${logicalId}|${requestId}`);
  const credential = encodeURIComponent(`AKIA${randomBytes(8).toString('hex').toUpperCase()}/${date.slice(0, 8)}/${env.region}/s3/aws4_request`);
  return `https://${RESPONSE_HOST_PREFIX}${env.region.replace(/-/g, '')}.s3.${env.region}.${env.urlSuffix}/${key}` +
    `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-SignedHeaders=host&X-Amz-Expires=7200` +
    `&X-Amz-Credential=${credential}&X-Amz-Signature=${randomBytes(32).toString('hex')}`;
}
