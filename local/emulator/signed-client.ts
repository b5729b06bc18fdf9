/**
 * A bare HTTP client for the emulator, for its tests and for tools that act as a
 * FinSpace administrator (the chaos operator): it signs with @smithy/signature-v4
 * the way the AWS SDK v3 does, and lets a test send exactly the path, query
 * and body it wants, or spoil the signature in a chosen way.
 */
import * as http from 'http';
import { Hash } from '@smithy/core/serde';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** Node's crypto, as the AWS SDK hashes in Node: a JavaScript SHA-256 takes CPU from the handler under test. */
const NODE_SHA256 = Hash.bind(null, 'sha256');

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Encoded as given. */
  readonly path: string;
  readonly query?: Record<string, string | number | undefined>;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: any;
}

/** Ways to sign wrongly. */
export interface SigningOverrides {
  readonly unsigned?: boolean;
  readonly region?: string;
  readonly service?: string;
  readonly signingDate?: Date;
  readonly secretAccessKey?: string;
  /** Changes the request after it was signed. */
  readonly afterSigning?: (request: { headers: Record<string, string>; body: string }) => void;
}

export interface ClientOptions {
  readonly region?: string;
  readonly now?: () => number;
}

export class SignedClient {
  constructor(
    readonly endpoint: string,
    readonly keys: Keys | undefined,
    private readonly options: ClientOptions = {},
  ) {}

  async send(request: ApiRequest, overrides: SigningOverrides = {}): Promise<ApiResponse> {
    const url = new URL(this.endpoint);
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query[key] = String(value);
    }
    const body =
      request.body === undefined ? '' : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    const headers: Record<string, string> = { host: url.host, ...(request.headers ?? {}) };
    if (body.length > 0 && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    let signed: { headers: Record<string, string>; body: string } = { headers, body };
    if (!overrides.unsigned) {
      if (!this.keys) throw new Error('this client has no keys');
      const signer = new SignatureV4({
        service: overrides.service ?? 'finspace-api',
        region: overrides.region ?? this.options.region ?? 'us-east-1',
        credentials: { ...this.keys, secretAccessKey: overrides.secretAccessKey ?? this.keys.secretAccessKey },
        sha256: NODE_SHA256,
      });
      const unsigned = new HttpRequest({
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: request.path,
        query,
        headers,
        body,
      });
      const signingDate = overrides.signingDate ?? new Date((this.options.now ?? Date.now)());
      const result = await signer.sign(unsigned, { signingDate });
      signed = { headers: result.headers as Record<string, string>, body };
    }
    overrides.afterSigning?.(signed);
    const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
    return sendRaw(this.endpoint, request.method, search ? `${request.path}?${search}` : request.path, signed.headers, signed.body);
  }

  /** GetProgrammaticAccessCredentials; fails the test if it is refused. */
  async vendCredentials(environmentId: string, durationInMinutes?: number): Promise<Keys> {
    const response = await this.send({
      method: 'GET',
      path: '/credentials/programmatic',
      query: { environmentId, durationInMinutes },
    });
    if (response.status !== 200) throw new Error(`credentials refused: ${response.status} ${response.text}`);
    return response.body.credentials as Keys;
  }
}

/**
 * DisableUser as a FinSpace administrator calls it: the role's keys vend the FinSpace
 * user's credentials for the environment, which sign the call.
 */
export async function disableUserAs(
  endpoint: string, roleKeys: Keys, environmentId: string, userId: string, options: ClientOptions = {},
): Promise<void> {
  const user = new SignedClient(endpoint, await new SignedClient(endpoint, roleKeys, options).vendCredentials(environmentId), options);
  const answer = await user.send({ method: 'POST', path: `/user/${encodeURIComponent(userId)}/disable`, body: {} });
  if (answer.status !== 200) throw new Error(`DisableUser ${userId}: ${answer.status} ${answer.text}`);
}

export function sendRaw(endpoint: string, method: string, target: string, headers: Record<string, string>, body: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${endpoint}${target}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body: text ? JSON.parse(text) : undefined });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
