/**
 * A bare HTTP client for the emulator, for its tests and for tools acting as a FinSpace
 * administrator (the chaos operator): it signs as the AWS SDK v3 does, and lets a test
 * send exactly the path, query and body it wants, or spoil the signature in a chosen way.
 */
import { once } from 'events';
import * as http from 'http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NODE_SHA256 } from './access';
import type { SeedIamPrincipal } from './seed';

export type Keys = Pick<SeedIamPrincipal, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;

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

type ClientOptions = { readonly region?: string; readonly now?: () => number };

export class SignedClient {
  constructor(readonly endpoint: string, readonly keys: Keys | undefined, private readonly options: ClientOptions = {}) {}

  async send(request: ApiRequest, overrides: SigningOverrides = {}): Promise<ApiResponse> {
    const url = new URL(this.endpoint);
    const given = Object.entries(request.query ?? {}).filter(([, value]) => value !== undefined);
    const query = Object.fromEntries(given.map(([key, value]) => [key, String(value)]));
    const body = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    const contentType: Record<string, string> = body.length > 0 ? { 'content-type': 'application/json' } : {};
    let headers: Record<string, string> = { host: url.host, ...contentType, ...request.headers };
    if (!overrides.unsigned) {
      if (!this.keys) throw new Error('this client has no keys');
      const signer = new SignatureV4({
        service: overrides.service ?? 'finspace-api',
        region: overrides.region ?? this.options.region ?? 'us-east-1',
        credentials: { ...this.keys, secretAccessKey: overrides.secretAccessKey ?? this.keys.secretAccessKey },
        sha256: NODE_SHA256,
      });
      const { protocol, hostname, port } = url;
      const unsigned = new HttpRequest({ method: request.method, protocol, hostname, port: Number(port), path: request.path, query, headers, body });
      const signingDate = overrides.signingDate ?? new Date((this.options.now ?? Date.now)());
      headers = (await signer.sign(unsigned, { signingDate })).headers as Record<string, string>;
    }
    const signed = { headers, body };
    overrides.afterSigning?.(signed);
    const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
    return sendRaw(this.endpoint, request.method, search ? `${request.path}?${search}` : request.path, signed.headers, signed.body);
  }

  /** GetProgrammaticAccessCredentials; fails the test if it is refused. */
  async vendCredentials(environmentId: string, durationInMinutes?: number): Promise<Keys> {
    const response = await this.send({ method: 'GET', path: '/credentials/programmatic', query: { environmentId, durationInMinutes } });
    if (response.status !== 200) throw new Error(`credentials refused: ${response.status} ${response.text}`);
    return response.body.credentials as Keys;
  }
}

/** DisableUser as a FinSpace administrator calls it: the role's keys vend the FinSpace user's credentials, which sign the call. */
export async function disableUserAs(
  endpoint: string, roleKeys: Keys, environmentId: string, userId: string, options: ClientOptions = {},
): Promise<void> {
  const user = new SignedClient(endpoint, await new SignedClient(endpoint, roleKeys, options).vendCredentials(environmentId), options);
  const answer = await user.send({ method: 'POST', path: `/user/${encodeURIComponent(userId)}/disable`, body: {} });
  if (answer.status !== 200) throw new Error(`DisableUser ${userId}: ${answer.status} ${answer.text}`);
}

export async function sendRaw(endpoint: string, method: string, target: string, headers: Record<string, string>, body: string): Promise<ApiResponse> {
  const request = http.request(`${endpoint}${target}`, { method, headers });
  request.end(body);
  const [response] = (await once(request, 'response')) as [http.IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: response.statusCode ?? 0, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}
