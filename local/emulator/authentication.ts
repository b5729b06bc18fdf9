/**
 * Who signed a request (AWS Signature Version 4, header form), answered like
 * AWS's front door: missing, unknown, mismatched, expired and mis-scoped
 * credentials each get their own error.
 *
 * The checks run in this order: signature present and well formed, key known,
 * session token matches, temporary key not expired, credential scope, clock
 * skew, and last the signature itself, recomputed with @smithy/signature-v4 over
 * exactly the headers the client says it signed.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { Hash } from '@smithy/core/serde';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { CredentialStore, Principal } from './credentials';
import { frontDoorError } from './errors';
import { serviceModel } from './model';
import { WireRequest } from './protocol';

/** Node's crypto, as the AWS SDK hashes in Node: a JavaScript SHA-256 takes CPU from the handler under test. */
const NODE_SHA256 = Hash.bind(null, 'sha256');

/** AWS rejects signatures more than 15 minutes away from its clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

type AuthorizationHeader = ReturnType<typeof parseAuthorizationHeader>;

const incomplete = (message: string) => frontDoorError('IncompleteSignatureException', message);
const invalid = (message: string) => frontDoorError('InvalidSignatureException', message);

/** `region` is the one requests must be signed for, `now` the emulator clock. */
export async function authenticate(request: WireRequest, credentials: CredentialStore, region: string, now: number): Promise<Principal> {
  const header = request.headers.authorization;
  if (header === undefined) {
    if (request.query.has('X-Amz-Signature')) {
      throw incomplete('The emulator does not accept query-string (presigned) signatures; sign the Authorization header.');
    }
    throw frontDoorError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const authorization = parseAuthorizationHeader(header);
  const amzDate = request.headers['x-amz-date'];
  if (amzDate === undefined) throw incomplete("Authorization header requires existence of a 'X-Amz-Date' header.");
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) throw incomplete(`X-Amz-Date must be in ISO 8601 basic format (YYYYMMDD'T'HHMMSS'Z'). Got '${amzDate}'.`);

  const principal = credentials.find(authorization.accessKeyId);
  if (!principal || principal.sessionToken !== request.headers['x-amz-security-token']) {
    throw frontDoorError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (principal.kind === 'vended' && now >= principal.expiresAt) {
    throw frontDoorError('ExpiredTokenException', 'The security token included in the request is expired');
  }
  checkScope(authorization, amzDate, region);
  if (!authorization.signedHeaders.includes('host')) throw invalid("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  checkClockSkew(signingDate.getTime(), now);
  if (!(await signatureMatches(request, authorization, principal, signingDate))) {
    throw invalid(
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return principal;
}

/** Parses `AWS4-HMAC-SHA256 Credential=.../date/region/service/aws4_request, SignedHeaders=..., Signature=...`. */
function parseAuthorizationHeader(header: string) {
  const spaceAt = header.indexOf(' ');
  const algorithm = spaceAt < 0 ? header : header.slice(0, spaceAt);
  if (algorithm !== SIGV4_ALGORITHM) throw incomplete(`Unsupported Authorization algorithm '${algorithm}'; expected ${SIGV4_ALGORITHM}.`);
  const fields = new Map<string, string>();
  for (const part of header.slice(spaceAt + 1).split(',')) {
    const equalsAt = part.indexOf('=');
    if (equalsAt > 0) fields.set(part.slice(0, equalsAt).trim(), part.slice(equalsAt + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    throw incomplete(`Authorization header requires ${missing.map((name) => `'${name}'`).join(', ')} parameter(s). Authorization=${algorithm}`);
  }
  const credential = fields.get('Credential')!.split('/');
  if (credential.length !== 5 || credential.some((piece) => piece.length === 0)) {
    throw incomplete("Credential must have the form '<access key id>/<date>/<region>/<service>/aws4_request'.");
  }
  const [accessKeyId, date, region, service, terminator] = credential;
  return {
    accessKeyId,
    scope: { date, region, service, terminator },
    signedHeaders: fields.get('SignedHeaders')!.split(';').map((name) => name.trim().toLowerCase()),
    signature: fields.get('Signature')!,
  };
}

/** Parses the ISO 8601 basic format of `X-Amz-Date` (`20240102T030405Z`). */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(time: number): string {
  return new Date(time).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function checkScope({ scope }: AuthorizationHeader, amzDate: string, region: string): void {
  const { signingName } = serviceModel.metadata;
  if (scope.terminator !== 'aws4_request') throw incomplete("Credential should be scoped with a valid terminator: 'aws4_request'.");
  if (scope.service !== signingName) throw invalid(`Credential should be scoped to correct service: '${signingName}'.`);
  if (scope.region !== region) throw invalid(`Credential should be scoped to a valid region, not '${scope.region}'.`);
  if (scope.date !== amzDate.slice(0, 8)) {
    throw invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
}

function checkClockSkew(signedAt: number, now: number): void {
  const [signed, earliest, latest, current] = [signedAt, now - MAX_CLOCK_SKEW_MS, now + MAX_CLOCK_SKEW_MS, now].map(formatAmzDate);
  if (signedAt < now - MAX_CLOCK_SKEW_MS) throw invalid(`Signature expired: ${signed} is now earlier than ${earliest} (${current} - 15 min.)`);
  if (signedAt > now + MAX_CLOCK_SKEW_MS) throw invalid(`Signature not yet current: ${signed} is still later than ${latest} (${current} + 15 min.)`);
}

/**
 * True when the signature the client sent is the one its secret produces for
 * this request. The payload hash is always computed from the body itself, so a
 * body changed in transit fails even if `x-amz-content-sha256` was kept.
 */
async function signatureMatches(request: WireRequest, authorization: AuthorizationHeader, principal: Principal, signingDate: Date): Promise<boolean> {
  const headers: Record<string, string> = {};
  for (const name of authorization.signedHeaders) {
    if (request.headers[name] !== undefined) headers[name] = request.headers[name];
  }
  if (headers['x-amz-content-sha256'] !== undefined) headers['x-amz-content-sha256'] = createHash('sha256').update(request.body).digest('hex');
  const signer = new SignatureV4({
    service: authorization.scope.service,
    region: authorization.scope.region,
    credentials: {
      accessKeyId: authorization.accessKeyId,
      secretAccessKey: principal.secretAccessKey,
      sessionToken: authorization.signedHeaders.includes('x-amz-security-token') ? principal.sessionToken : undefined,
    },
    sha256: NODE_SHA256,
    applyChecksum: false,
    uriEscapePath: true,
  });
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(request.query.keys())) {
    const values = request.query.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: (headers.host ?? '').replace(/:\d+$/, ''),
      path: request.rawPath,
      query,
      headers,
      body: request.body,
    }),
    { signingDate, signableHeaders: new Set(authorization.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  const given = authorization.signature;
  return expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}
