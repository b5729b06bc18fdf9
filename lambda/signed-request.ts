/**
 * One SigV4-signed request to an AWS service other than FinSpace (CloudFormation, S3,
 * Parameter Store), with the role's credentials, over the handler's shared HTTP
 * handler, tried again after an answer another attempt may cure.
 */
import { Hash } from '@smithy/core/serde';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { credentialsFromEnvironment } from './finspace';
import { backoffMs, isNetworkError } from './finspace/retry';
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

/**
 * Attempts of one call. Each of these calls decides something a rollback needs (the
 * stack's status, the record of members found present, the ids of a big membership):
 * one throttle or lost connection must not decide it.
 */
const MAX_ATTEMPTS = 4;
/** Error codes of CloudFormation, S3 and Parameter Store that mean "slow down", besides 429 and any 5xx. */
const THROTTLING_CODES = ['Throttling', 'ThrottlingException', 'TooManyUpdates', 'SlowDown', 'RequestLimitExceeded'];

/**
 * The service's error code in an answer: the JSON protocols' header or `__type`, the
 * XML protocols' `<Code>`.
 */
export function errorCodeOf(response: RawResponse): string | undefined {
  const header = response.headers['x-amzn-errortype'];
  const raw = (typeof header === 'string' ? header : undefined)
    ?? /"__type"\s*:\s*"([^"]+)"/.exec(response.body)?.[1]
    ?? /<Code>([^<]+)<\/Code>/.exec(response.body)?.[1];
  return raw?.split(':')[0].split('#').pop();
}

/**
 * Sends the request, again after throttling, a 5xx or a lost connection, with the
 * SDK's backoff (at most a few seconds in all), up to four attempts. The last answer is
 * returned whatever its status; a connection still failing after the last attempt throws.
 */
export async function sendSigned(request: SignedRequest): Promise<RawResponse> {
  for (let attempt = 1; ; attempt++) {
    let response: RawResponse;
    try {
      response = await sendSignedOnce(request);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isNetworkError(error)) throw error;
      await pause(backoffMs(attempt, false));
      continue;
    }
    const throttled = response.statusCode === 429 || THROTTLING_CODES.includes(errorCodeOf(response) ?? '');
    if (attempt >= MAX_ATTEMPTS || !(throttled || response.statusCode >= 500)) return response;
    await pause(backoffMs(attempt, throttled));
  }
}

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function sendSignedOnce(request: SignedRequest): Promise<RawResponse> {
  const { url } = request;
  const unsigned = new HttpRequest({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname || '/',
    headers: { ...request.headers, host: url.host },
    body: request.body,
  });
  const signer = new SignatureV4({
    service: request.service,
    region: request.region,
    credentials: await (request.credentials ?? credentialsFromEnvironment)(),
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: request.uriEscapePath ?? true,
  });
  const signed = (await signer.sign(unsigned, { signingDate: new Date((request.now ?? Date.now)()) })) as HttpRequest;
  return exchange(defaultRequestHandler(), signed);
}
