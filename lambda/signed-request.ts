/**
 * One SigV4-signed request to an AWS service other than FinSpace (CloudFormation, S3),
 * with the role's credentials, over the handler's shared HTTP handler.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import { credentialsFromEnvironment, signRequest } from './finspace';
import { defaultRequestHandler, exchange, type RawResponse } from './finspace/transport';

/** What a call to another AWS service may be given instead of the function's environment: for tests. */
export interface AwsCallOptions {
  readonly credentials?: () => Promise<AwsCredentialIdentity>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
}

export interface SignedRequest {
  readonly service: string;
  readonly region: string;
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** S3 signs the path as sent; other services encode it once more. Default true. */
  readonly uriEscapePath?: boolean;
  readonly credentials?: () => Promise<AwsCredentialIdentity>;
  readonly now?: () => number;
}

export async function sendSigned(request: SignedRequest): Promise<RawResponse> {
  const { url } = request;
  const unsigned = {
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname || '/',
    query: {},
    headers: { ...request.headers, host: url.host },
    body: request.body,
  };
  const signed = signRequest(
    unsigned,
    {
      service: request.service,
      region: request.region,
      credentials: await (request.credentials ?? credentialsFromEnvironment)(),
      uriEscapePath: request.uriEscapePath,
    },
    new Date((request.now ?? Date.now)()),
  );
  return exchange(defaultRequestHandler(), signed);
}
