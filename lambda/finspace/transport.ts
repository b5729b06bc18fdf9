/**
 * Sends one signed request and reads the whole answer. The default handler is
 * shared at module scope so a warm Lambda keeps its TLS connections alive
 * between invocations.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpRequest } from '@smithy/protocol-http';
import type { HttpHandlerOptions, HttpResponse } from '@smithy/types';

/** What the client needs from an HTTP handler; NodeHttpHandler is one. */
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

let sharedHandler: RequestHandler | undefined;

export function defaultRequestHandler(): RequestHandler {
  sharedHandler ??= new NodeHttpHandler({
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
  });
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
