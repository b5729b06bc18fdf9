/**
 * Sends one signed request and reads the whole answer, over Node's own http and
 * https modules. The default handler and its keep-alive agents are shared at module
 * scope so a warm Lambda keeps its TLS connections alive between invocations.
 *
 * Not @smithy/node-http-handler: it was the handler bundle's largest dependency
 * (7.2 kB of 66 kB minified), nearly all of it for what these requests never use
 * (HTTP/2, streamed and `Expect: 100-continue` bodies, socket-capacity warnings).
 * What they do use is a request with a string body, keep-alive and two timeouts.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';

/** What the client needs from an HTTP handler; NodeRequestHandler and the SDK's NodeHttpHandler are two. */
export interface RequestHandler {
  handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }>;
}

export interface RawResponse {
  readonly statusCode: number;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * Fail fast on a dead endpoint, but give a slow answer time: a hung socket would
 * otherwise hold the custom resource until the Lambda times out.
 */
const CONNECTION_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface NodeRequestHandlerOptions {
  /** Until the socket is connected. */
  readonly connectionTimeoutMs: number;
  /** The longest the socket may stay silent once connected. */
  readonly socketTimeoutMs: number;
}

/**
 * Failures carry what the retry classifier reads: `name: 'TimeoutError'` for the two
 * timeouts, Node's own `code` (ECONNRESET, ECONNREFUSED...) for lost connections,
 * `name: 'AbortError'` when the caller's signal ends the attempt.
 */
export class NodeRequestHandler implements RequestHandler {
  private readonly agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };

  constructor(private readonly options: NodeRequestHandlerOptions) {}

  public handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    // The client passes Node's own AbortSignal (exchange); the SDK's type also allows an older shape.
    const abortSignal = options?.abortSignal as AbortSignal | undefined;
    return new Promise((resolve, reject) => {
      if (abortSignal?.aborted) return reject(abortError());
      const secure = request.protocol !== 'http:';
      const query = Object.entries(request.query ?? {})
        .flatMap(([name, value]) => (Array.isArray(value) ? value : value === null ? [] : [value]).map(v => `${escapeUri(name)}=${escapeUri(v)}`))
        .join('&');
      const req = (secure ? httpsRequest : httpRequest)({
        agent: this.agents[secure ? 'https:' : 'http:'],
        method: request.method,
        hostname: request.hostname,
        port: request.port,
        path: query ? `${request.path}?${query}` : request.path,
        headers: request.headers,
      });
      const fail = (error: Error) => {
        req.destroy(error);
        reject(error);
      };
      const connectTimer = setTimeout(() => fail(timeoutError(`no connection within ${this.options.connectionTimeoutMs} ms`)), this.options.connectionTimeoutMs);
      req.once('socket', socket => {
        if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
        else clearTimeout(connectTimer);
      });
      req.setTimeout(this.options.socketTimeoutMs, () => fail(timeoutError(`no answer for ${this.options.socketTimeoutMs} ms`)));
      const onAbort = () => fail(abortError());
      abortSignal?.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => {
        clearTimeout(connectTimer);
        abortSignal?.removeEventListener('abort', onAbort);
      });
      req.once('error', error => {
        clearTimeout(connectTimer);
        reject(error);
      });
      req.once('response', res => {
        clearTimeout(connectTimer);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
        }
        resolve({ response: { statusCode: res.statusCode ?? 0, reason: res.statusMessage, headers, body: res } });
      });
      req.end(request.body);
    });
  }
}

/** RFC 3986, as SigV4 encodes the query it signs. */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function timeoutError(message: string): Error {
  return Object.assign(new Error(`HTTP request: ${message}`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

let sharedHandler: RequestHandler | undefined;

export function defaultRequestHandler(): RequestHandler {
  sharedHandler ??= new NodeRequestHandler({ connectionTimeoutMs: CONNECTION_TIMEOUT_MS, socketTimeoutMs: REQUEST_TIMEOUT_MS });
  return sharedHandler;
}

export async function exchange(handler: RequestHandler, request: HttpRequest, abortSignal?: AbortSignal): Promise<RawResponse> {
  const { response } = await handler.handle(request, abortSignal ? { abortSignal } : undefined);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
  // Read to the end even for errors, so the keep-alive socket can be reused.
  const body = await readBody(response.body);
  return { statusCode: response.statusCode, headers, body };
}

async function readBody(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (isAsyncIterable(body)) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  }
  throw new TypeError('Unsupported HTTP response body type');
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
