/**
 * The handler's HTTP transport against a real local server: keep-alive, the
 * query as SigV4 signs it, the body read to the end, and the failures the retry
 * classifier reads (timeouts, lost connections, aborts).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/protocol-http';
import { isNetworkError } from '../../../lambda/finspace/retry';
import { exchange, NodeRequestHandler } from '../../../lambda/finspace/transport';

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly body: string;
  readonly remotePort: number;
}

let server: http.Server;
let port: number;
const seen: Seen[] = [];
/** Requests to /silent get no answer until the test ends. */
const silent: http.ServerResponse[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url!, method: req.method!, body: Buffer.concat(chunks).toString('utf8'), remotePort: req.socket.remotePort! });
      if (req.url === '/silent') silent.push(res);
      else if (req.url === '/reset') req.socket.destroy();
      else res.writeHead(200, { 'content-type': 'application/json', 'X-Amzn-RequestId': 'r-1' }).end(JSON.stringify({ echo: req.url }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const res of silent) res.destroy();
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

const request = (path: string, extra: Partial<ConstructorParameters<typeof HttpRequest>[0]> = {}) =>
  new HttpRequest({ protocol: 'http:', hostname: '127.0.0.1', port, method: 'GET', path, headers: { host: `127.0.0.1:${port}` }, ...extra });

const handler = () => new NodeRequestHandler({ connectionTimeoutMs: 5_000, socketTimeoutMs: 30_000 });

test('answers are read whole, header names lower-cased', async () => {
  const response = await exchange(handler(), request('/a'));
  expect(response).toEqual({ statusCode: 200, headers: expect.objectContaining({ 'x-amzn-requestid': 'r-1' }), body: '{"echo":"/a"}' });
});

test('sequential requests share one kept-alive connection', async () => {
  const h = handler();
  for (const path of ['/1', '/2', '/3']) await exchange(h, request(path));
  expect(seen.map(s => s.url)).toEqual(['/1', '/2', '/3']);
  expect(new Set(seen.map(s => s.remotePort)).size).toBe(1);
});

test('the body is sent and the query encoded and ordered as SigV4 signs it (RFC 3986, sorted by name)', async () => {
  await exchange(handler(), request('/q', { method: 'POST', body: '{"x":1}', query: { nextToken: "a+b/c= d!'()*", maxResults: '100' } }));
  expect(seen).toEqual([expect.objectContaining({ method: 'POST', body: '{"x":1}', url: '/q?maxResults=100&nextToken=a%2Bb%2Fc%3D%20d%21%27%28%29%2A' })]);
});

test('a socket silent past its timeout fails as a retryable TimeoutError', async () => {
  const error = await exchange(new NodeRequestHandler({ connectionTimeoutMs: 5_000, socketTimeoutMs: 50 }), request('/silent')).catch(e => e);
  expect(error).toMatchObject({ name: 'TimeoutError', message: 'HTTP request: no answer for 50 ms' });
  expect(isNetworkError(error)).toBe(true);
});

test('a connection closed without an answer fails as a retryable ECONNRESET', async () => {
  const error = await exchange(handler(), request('/reset')).catch(e => e);
  expect(error).toMatchObject({ code: 'ECONNRESET' });
  expect(isNetworkError(error)).toBe(true);
});

test('a refused connection fails as a retryable ECONNREFUSED', async () => {
  const closed = http.createServer();
  await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise(resolve => closed.close(resolve));
  const error = await exchange(handler(), request('/', { port: closedPort })).catch(e => e);
  expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  expect(isNetworkError(error)).toBe(true);
});

test("the caller's abort signal ends an attempt in flight, and one already aborted sends nothing", async () => {
  const abort = new AbortController();
  const pending = exchange(handler(), request('/silent'), abort.signal).catch(e => e);
  await until(() => seen.some(s => s.url === '/silent'));
  abort.abort();
  expect(await pending).toMatchObject({ name: 'AbortError' });
  seen.length = 0;
  expect(await exchange(handler(), request('/never'), abort.signal).catch(e => e)).toMatchObject({ name: 'AbortError' });
  expect(seen).toEqual([]);
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(resolve => setImmediate(resolve));
}
