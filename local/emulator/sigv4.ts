/**
 * AWS Signature Version 4, server side: reads the Authorization header and
 * recomputes the signature with @smithy/signature-v4 over exactly the headers
 * the client says it signed.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { frontDoorError } from './errors';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** An incoming request, as it came off the wire. */
export interface WireRequest {
  readonly method: string;
  /** Path as sent, still percent-encoded (SigV4 encodes it once more). */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Lower-case names; repeated headers joined with ','. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface AuthorizationHeader {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly scopeRegion: string;
  readonly scopeService: string;
  readonly scopeTerminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=.../date/region/service/aws4_request, SignedHeaders=..., Signature=...`. */
export function parseAuthorizationHeader(header: string): AuthorizationHeader {
  const spaceAt = header.indexOf(' ');
  const algorithm = spaceAt < 0 ? header : header.slice(0, spaceAt);
  if (algorithm !== SIGV4_ALGORITHM) {
    throw frontDoorError('IncompleteSignatureException', `Unsupported Authorization algorithm '${algorithm}'; expected ${SIGV4_ALGORITHM}.`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(spaceAt + 1).split(',')) {
    const equalsAt = part.indexOf('=');
    if (equalsAt > 0) fields.set(part.slice(0, equalsAt).trim(), part.slice(equalsAt + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    throw frontDoorError(
      'IncompleteSignatureException',
      `Authorization header requires ${missing.map((name) => `'${name}'`).join(', ')} parameter(s). Authorization=${algorithm}`,
    );
  }
  const credential = (fields.get('Credential') as string).split('/');
  if (credential.length !== 5 || credential.some((piece) => piece.length === 0)) {
    throw frontDoorError(
      'IncompleteSignatureException',
      "Credential must have the form '<access key id>/<date>/<region>/<service>/aws4_request'.",
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerminator] = credential;
  return {
    accessKeyId,
    scopeDate,
    scopeRegion,
    scopeService,
    scopeTerminator,
    signedHeaders: (fields.get('SignedHeaders') as string).split(';').map((name) => name.trim().toLowerCase()),
    signature: fields.get('Signature') as string,
  };
}

/** Parses the ISO 8601 basic format of `X-Amz-Date` (`20240102T030405Z`). */
export function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatAmzDate(time: number): string {
  return new Date(time).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export interface SigningSecret {
  readonly secretAccessKey: string;
  /** Included only when the client signed `x-amz-security-token`. */
  readonly sessionToken?: string;
}

/**
 * True when the signature the client sent is the one its secret produces for
 * this request. The payload hash is always computed from the body itself, so a
 * body changed in transit fails even if `x-amz-content-sha256` was kept.
 */
export async function signatureMatches(
  request: WireRequest,
  authorization: AuthorizationHeader,
  secret: SigningSecret,
  signingDate: Date,
): Promise<boolean> {
  const headers: Record<string, string> = {};
  for (const name of authorization.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  if (headers['x-amz-content-sha256'] !== undefined) {
    headers['x-amz-content-sha256'] = createHash('sha256').update(request.body).digest('hex');
  }
  const signer = new SignatureV4({
    service: authorization.scopeService,
    region: authorization.scopeRegion,
    credentials: {
      accessKeyId: authorization.accessKeyId,
      secretAccessKey: secret.secretAccessKey,
      sessionToken: authorization.signedHeaders.includes('x-amz-security-token') ? secret.sessionToken : undefined,
    },
    sha256: Sha256,
    applyChecksum: false,
    uriEscapePath: true,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: (headers.host ?? '').replace(/:\d+$/, ''),
      path: request.rawPath,
      query: queryObject(request.query),
      headers,
      body: request.body,
    }),
    { signingDate, signableHeaders: new Set(authorization.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const given = authorization.signature;
  return expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    result[key] = values.length === 1 ? values[0] : values;
  }
  return result;
}
