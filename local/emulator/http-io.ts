/**
 * Reading requests off and writing answers onto node's HTTP objects.
 */
import { IncomingMessage, ServerResponse } from 'http';
import { HttpAnswer } from './protocol';

/** API Gateway's payload limit; the API's largest request is a few kilobytes. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super(`The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Header values by lower-case name. Repeated headers are joined with ',' (what
 * SigV4 canonicalization expects), which node's `headers` object does not do
 * for every header.
 */
export function collectHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index].toLowerCase();
    headers[name] = headers[name] === undefined ? raw[index + 1] : `${headers[name]},${raw[index + 1]}`;
  }
  return headers;
}

/** Splits `request.url` without normalizing the path, which SigV4 signs as sent. */
export function splitTarget(url: string): { rawPath: string; query: URLSearchParams } {
  const questionAt = url.indexOf('?');
  if (questionAt < 0) return { rawPath: url, query: new URLSearchParams() };
  return { rawPath: url.slice(0, questionAt), query: new URLSearchParams(url.slice(questionAt + 1)) };
}

export function writeAnswer(response: ServerResponse, answer: HttpAnswer): void {
  const body = Buffer.from(answer.body, 'utf8');
  response.writeHead(answer.statusCode, { ...answer.headers, 'content-length': String(body.length) });
  response.end(body);
}
