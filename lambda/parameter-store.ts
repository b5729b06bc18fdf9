/**
 * The three Systems Manager Parameter Store calls the handler makes (JSON 1.1,
 * signed with the role's credentials), for the record of members a deploy found
 * already present (preexisting-members.ts), signed like the handler's other AWS calls
 * (signed-request.ts): an SSM client from the SDK would weigh more than the whole bundle.
 */
import { backoffDelayMs, isNetworkError } from './finspace/retry';
import { sendSigned, type AwsCallOptions } from './signed-request';

/** The SDK's service-specific endpoint variable for Systems Manager. */
export const SSM_ENDPOINT_ENV = 'AWS_ENDPOINT_URL_SSM';

export interface Parameter {
  readonly name: string;
  readonly value: string;
}

/** What the record needs of Parameter Store; tests give an in-memory one. */
export interface ParameterStore {
  /** Every parameter directly under `path` (a name without the trailing slash). */
  parametersUnder(path: string): Promise<Parameter[]>;
  /** Creates or overwrites a standard String parameter. */
  put(parameter: Parameter): Promise<void>;
  /** Deletes the parameters that exist among `names` (at most 10). */
  delete(names: readonly string[]): Promise<void>;
}

export interface ParameterStoreOptions extends Omit<AwsCallOptions, 'now'> {
  readonly region: string;
}

/**
 * Attempts of one call. Parameter Store throttles bursts (a few PutParameter calls a
 * second by default) and a kept-alive connection may be gone: a record lost to one
 * such answer would make a rollback remove members that were there before.
 */
const MAX_ATTEMPTS = 4;
/** SSM's error codes that another attempt may cure, besides any 5xx. */
const RETRYABLE_CODES = ['ThrottlingException', 'TooManyUpdates'];

/** Parameter Store over HTTP; a failed call throws an error named after SSM's error code. */
export function parameterStore(options: ParameterStoreOptions): ParameterStore {
  const call = (action: string, input: object) => ssmCall(action, input, options);
  return {
    async parametersUnder(path) {
      const found: Parameter[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call('GetParametersByPath', { Path: path, Recursive: false, MaxResults: 10, ...nextToken ? { NextToken: nextToken } : {} }) as {
          Parameters?: Array<{ Name: string; Value: string }>; NextToken?: string;
        };
        found.push(...(page.Parameters ?? []).map(p => ({ name: p.Name, value: p.Value })));
        nextToken = page.NextToken;
      } while (nextToken);
      return found;
    },
    async put({ name, value }) {
      await call('PutParameter', { Name: name, Value: value, Type: 'String', Tier: 'Standard', Overwrite: true });
    },
    async delete(names) {
      if (names.length > 0) await call('DeleteParameters', { Names: names });
    },
  };
}

async function ssmCall(action: string, input: object, options: ParameterStoreOptions): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ssmAttempt(action, input, options);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      await new Promise(resolve => setTimeout(resolve, backoffDelayMs(attempt, error)));
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (isNetworkError(error)) return true;
  const { name, statusCode } = error as { name?: string; statusCode?: number };
  return (statusCode !== undefined && statusCode >= 500) || RETRYABLE_CODES.includes(name ?? '');
}

async function ssmAttempt(action: string, input: object, options: ParameterStoreOptions): Promise<unknown> {
  const env = options.env ?? process.env;
  const response = await sendSigned({
    service: 'ssm',
    region: options.region,
    method: 'POST',
    url: new URL(env[SSM_ENDPOINT_ENV] || env.AWS_ENDPOINT_URL || `https://ssm.${options.region}.amazonaws.com`),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${action}` },
    body: JSON.stringify(input),
    credentials: options.credentials,
  });
  const body = response.body ? JSON.parse(response.body) as Record<string, unknown> : {};
  if (response.statusCode !== 200) {
    const code = String(response.headers['x-amzn-errortype'] ?? body.__type ?? `HTTP ${response.statusCode}`).split(':')[0].split('#').pop()!;
    throw Object.assign(new Error(`Parameter Store ${action} failed: ${code}`), { name: code, statusCode: response.statusCode });
  }
  return body;
}
