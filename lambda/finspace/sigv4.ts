/**
 * AWS Signature Version 4 in header form, on Node's crypto: what the handler's
 * requests to FinSpace, S3, CloudFormation and Parameter Store need, and no more.
 *
 * Not @smithy/signature-v4: it was a sixth of the handler bundle (about 12 kB
 * minified with what it pulls from @smithy/core), nearly all for what these
 * requests never use (presigned URLs, event-stream signing, chunked payloads).
 * The canonical request follows it step by step (path normalized and escaped once
 * more unless `uriEscapePath` is false, as S3 wants; query sorted; header values
 * trimmed; x-amz-content-sha256 sent unless given), and the emulator checks every
 * signature with @smithy/signature-v4 itself.
 */
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentity, HttpRequest } from '@smithy/types';

export interface SigningScope {
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity;
  /** S3 signs the path as sent; other services escape it once more. Default true. */
  readonly uriEscapePath?: boolean;
}

/** Headers that proxies may change on the way, which SigV4 leaves unsigned (the AWS SDK's list). */
const UNSIGNED_HEADERS = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards',
  'pragma', 'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id',
]);

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** A copy of `request` with the x-amz-date, session token, payload hash and Authorization headers. */
export function signRequest(request: HttpRequest, scope: SigningScope, signingDate: Date): HttpRequest {
  const { credentials } = scope;
  const longDate = signingDate.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const shortDate = longDate.slice(0, 8);
  const credentialScope = `${shortDate}/${scope.region}/${scope.service}/aws4_request`;
  const headers: Record<string, string> = {};
  let payloadHash: string | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (/^x-amz-content-sha256$/i.test(name)) payloadHash = value;
    if (!/^(authorization|x-amz-date|date)$/i.test(name)) headers[name] = value;
  }
  headers['x-amz-date'] = longDate;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  if (payloadHash === undefined) {
    payloadHash = sha256Hex(typeof request.body === 'string' ? request.body : '');
    headers['x-amz-content-sha256'] = payloadHash;
  }

  const canonicalHeaders = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), String(value).trim().replace(/\s+/g, ' ')] as const)
    .filter(([name]) => !UNSIGNED_HEADERS.has(name) && !/^(proxy|sec)-/.test(name))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const signedHeaders = canonicalHeaders.map(([name]) => name).join(';');
  const canonicalRequest = [
    request.method,
    scope.uriEscapePath === false ? request.path : canonicalPath(request.path),
    canonicalQuery(request.query ?? {}),
    canonicalHeaders.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    payloadHash,
  ].join('\n');
  const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
  let key: Buffer | string = `AWS4${credentials.secretAccessKey}`;
  for (const part of [shortDate, scope.region, scope.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { ...request, headers };
}

/** RFC 3986 escaping, as SigV4 wants it. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Dot segments and empty segments removed, then every segment escaped once more. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment && segment !== '.') segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** Names and values escaped, sorted by name, then value: how SigV4 signs a query, and fine to send. */
export function canonicalQuery(query: NonNullable<HttpRequest['query']>): string {
  return Object.entries(query)
    .filter(([name]) => name.toLowerCase() !== 'x-amz-signature')
    .flatMap(([name, value]) => {
      const values = Array.isArray(value) ? [...value].sort() : value === null ? [] : [value];
      return values.map(v => [escapeUri(name), escapeUri(v)] as const);
    })
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}
