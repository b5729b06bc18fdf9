/**
 * Who may call what. Authentication is SigV4 (header form) with AWS's order of
 * checks and its error for each; the keys are long-term IAM keys and the temporary
 * keys the service vends. Authorization has the service's two layers (user guide,
 * temporary credentials): IAM governs GetProgrammaticAccessCredentials, FinSpace
 * what the user behind vended keys may do. Denials say what is missing: the
 * emulator is a test tool, and a precise reason saves a debugging session.
 */
import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { Hash } from '@smithy/core/serde';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { EmulatorBehaviour } from './behaviour';
import { EnvironmentState } from './environment';
import { frontDoorError, modeledError } from './errors';
import { newTemporaryAccessKeyId } from './ids';
import { OperationName, serviceModel } from './model';
import { WireRequest } from './protocol';
import type { SeedIamPrincipal } from './seed';

/** Node's crypto, as the AWS SDK hashes in Node: a JavaScript SHA-256 takes CPU from the handler under test. */
export const NODE_SHA256 = Hash.bind(null, 'sha256');

/** AWS rejects signatures more than 15 minutes away from its clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** A day after expiry a vended key is forgotten (then unknown), so a long-running emulator does not grow without bound. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;
const MANAGE_USERS_AND_GROUPS = 'ManageUsersAndGroups';
const CREDENTIALS_ACTION = 'finspace-api:GetProgrammaticAccessCredentials';

export type IamPrincipal = SeedIamPrincipal & { readonly kind: 'iam'; readonly allowGetProgrammaticAccessCredentials: boolean };

export type VendedCredentials = Required<Pick<SeedIamPrincipal, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>> & {
  readonly kind: 'vended';
  readonly environmentId: string;
  /** The FinSpace user the calls act as. */
  readonly userId: string;
  expiresAt: number;
};

export type Principal = IamPrincipal | VendedCredentials;

type AuthorizationHeader = ReturnType<typeof parseAuthorizationHeader>;

const incomplete = (message: string) => frontDoorError('IncompleteSignatureException', message);
const invalid = (message: string) => frontDoorError('InvalidSignatureException', message);
/** Every refusal of either layer is an AccessDeniedException; only the message differs. */
const denied = (message: string) => modeledError('AccessDeniedException', message);

export class AccessKeys {
  private readonly byAccessKeyId = new Map<string, Principal>();

  find(accessKeyId: string): Principal | undefined {
    return this.byAccessKeyId.get(accessKeyId);
  }

  addIamPrincipal(principal: SeedIamPrincipal): void {
    const allowGetProgrammaticAccessCredentials = principal.allowGetProgrammaticAccessCredentials ?? true;
    this.byAccessKeyId.set(principal.accessKeyId, { kind: 'iam', ...principal, allowGetProgrammaticAccessCredentials });
  }

  /** Ends, at `now`, every vended credential (of one environment, if given) still valid. */
  expire(now: number, environmentId?: string): void {
    for (const principal of this.byAccessKeyId.values()) {
      if (principal.kind === 'vended' && (environmentId === undefined || principal.environmentId === environmentId)) {
        principal.expiresAt = Math.min(principal.expiresAt, now);
      }
    }
  }

  /** The principal that signed the request; `region` is the one requests must be signed for. */
  async authenticate(request: WireRequest, region: string, now: number): Promise<Principal> {
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
    const principal = this.find(authorization.accessKeyId);
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

  /**
   * GetProgrammaticAccessCredentials: the IAM layer first, then the FinSpace user the
   * principal may obtain credentials for. An unknown environment is an
   * AccessDeniedException too: the operation declares no ResourceNotFoundException, and
   * IAM-style APIs do not reveal which resources exist to callers who may not use them.
   */
  vend(
    request: { principal: Principal; environment?: EnvironmentState; region: string; now: number; behaviour: EmulatorBehaviour },
    input: { environmentId: string; durationInMinutes?: number },
  ): object {
    const { principal, environment, now, behaviour } = request;
    if (principal.kind !== 'iam') {
      throw denied(
        'Temporary FinSpace credentials are not authorized to call GetProgrammaticAccessCredentials; ' +
          'sign it with the IAM credentials of the role registered on a FinSpace user.',
      );
    }
    if (!principal.allowGetProgrammaticAccessCredentials) {
      const [, partition = 'aws', , , account = ''] = principal.roleArn.split(':');
      const resource = `arn:${partition}:finspace-api:${request.region}:${account}:/credentials/programmatic`;
      throw denied(
        `User: ${principal.roleArn} is not authorized to perform: ${CREDENTIALS_ACTION} on resource: ` +
          `${resource} because no identity-based policy allows the ${CREDENTIALS_ACTION} action`,
      );
    }
    if (!environment) throw denied(`No FinSpace environment '${input.environmentId}' exists in this account.`);
    const registered = environment.usersWithPrincipal(principal.roleArn);
    if (registered.length === 0) {
      throw denied(`No FinSpace user in environment '${input.environmentId}' has API access registered for principal '${principal.roleArn}'.`);
    }
    // With duplicates allowed, any registered user that qualifies will do; the first explains a refusal.
    const candidates = behaviour.uniqueApiAccessPrincipals ? registered.slice(0, 1) : registered;
    const user = candidates.find((candidate) => candidate.status === 'ENABLED' && candidate.apiAccess === 'ENABLED');
    if (!user) {
      const [first] = candidates;
      const refusal = first.status !== 'ENABLED' ? `is ${first.status}, not ENABLED` : 'does not have API access enabled';
      throw denied(`The FinSpace user '${first.userId}' registered for principal '${principal.roleArn}' ${refusal}.`);
    }
    for (const [key, known] of this.byAccessKeyId) {
      if (known.kind === 'vended' && known.expiresAt < now - FORGET_AFTER_MS) this.byAccessKeyId.delete(key);
    }
    let accessKeyId = newTemporaryAccessKeyId();
    while (this.byAccessKeyId.has(accessKeyId)) accessKeyId = newTemporaryAccessKeyId();
    const durationInMinutes = input.durationInMinutes ?? behaviour.defaultCredentialDurationMinutes;
    // The session token is opaque, well within the model's 1000-character limit.
    const keys = { accessKeyId, secretAccessKey: randomBytes(30).toString('base64'), sessionToken: randomBytes(240).toString('base64') };
    const expiresAt = now + durationInMinutes * 60_000;
    this.byAccessKeyId.set(accessKeyId, { kind: 'vended', ...keys, environmentId: environment.environmentId, userId: user.userId, expiresAt });
    return { credentials: keys, durationInMinutes };
  }
}

/**
 * Every operation but GetProgrammaticAccessCredentials acts as the FinSpace user the
 * credentials were vended for, who must still be ENABLED and a superuser or a settled
 * member of a group with ManageUsersAndGroups. Answers the environment they act in.
 */
export function authorizeUserManagement(operation: OperationName, principal: Principal, environment: EnvironmentState | undefined): EnvironmentState {
  if (principal.kind !== 'vended') {
    throw denied(
      `${operation} must be signed with temporary credentials from GetProgrammaticAccessCredentials; ` +
        'IAM credentials are only authorized for GetProgrammaticAccessCredentials.',
    );
  }
  const user = environment?.users.get(principal.userId);
  if (!environment || !user) throw denied(`The FinSpace user '${principal.userId}' behind these credentials no longer exists.`);
  if (user.status !== 'ENABLED') throw denied(`The FinSpace user '${user.userId}' behind these credentials is ${user.status}.`);
  const manages = environment.membershipsOf(user.userId).some(
    ({ group, membership }) => membership.status === 'ADDITION_SUCCESS' && group.applicationPermissions.includes(MANAGE_USERS_AND_GROUPS),
  );
  if (user.type !== 'SUPER_USER' && !manages) {
    throw denied(
      `The FinSpace user '${user.userId}' is neither a superuser nor an ADDITION_SUCCESS member of a permission group ` +
        `with ${MANAGE_USERS_AND_GROUPS}, which ${operation} requires.`,
    );
  }
  return environment;
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
  const signedHeaders = fields.get('SignedHeaders')!.split(';').map((name) => name.trim().toLowerCase());
  return { accessKeyId, scope: { date, region, service, terminator }, signedHeaders, signature: fields.get('Signature')! };
}

/** Parses the ISO 8601 basic format of `X-Amz-Date` (`20240102T030405Z`). */
function parseAmzDate(value: string): Date | undefined {
  const extended = value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  const date = new Date(extended);
  return extended === value || Number.isNaN(date.getTime()) ? undefined : date;
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
  const amzDate = (time: number) => new Date(time).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const [signed, earliest, latest, current] = [signedAt, now - MAX_CLOCK_SKEW_MS, now + MAX_CLOCK_SKEW_MS, now].map(amzDate);
  if (signedAt < now - MAX_CLOCK_SKEW_MS) throw invalid(`Signature expired: ${signed} is now earlier than ${earliest} (${current} - 15 min.)`);
  if (signedAt > now + MAX_CLOCK_SKEW_MS) throw invalid(`Signature not yet current: ${signed} is still later than ${latest} (${current} + 15 min.)`);
}

/**
 * Recomputes the signature over exactly the headers the client signed. The payload
 * hash is always computed from the body itself, so a body changed in transit fails
 * even if `x-amz-content-sha256` was kept.
 */
async function signatureMatches(request: WireRequest, authorization: AuthorizationHeader, principal: Principal, signingDate: Date): Promise<boolean> {
  const headers = Object.fromEntries(authorization.signedHeaders.filter((name) => request.headers[name] !== undefined)
    .map((name) => [name, request.headers[name]]));
  if (headers['x-amz-content-sha256'] !== undefined) headers['x-amz-content-sha256'] = createHash('sha256').update(request.body).digest('hex');
  const { accessKeyId, scope: { service, region }, signedHeaders } = authorization;
  const sessionToken = signedHeaders.includes('x-amz-security-token') ? principal.sessionToken : undefined;
  const credentials = { accessKeyId, secretAccessKey: principal.secretAccessKey, sessionToken };
  const signer = new SignatureV4({ service, region, credentials, sha256: NODE_SHA256, applyChecksum: false, uriEscapePath: true });
  const query = Object.fromEntries([...new Set(request.query.keys())].map((key) => {
    const values = request.query.getAll(key);
    return [key, values.length === 1 ? values[0] : values];
  }));
  const hostname = (headers.host ?? '').replace(/:\d+$/, '');
  const { method, rawPath: path, body } = request;
  const unsigned = new HttpRequest({ method, protocol: 'http:', hostname, path, query, headers, body });
  const signed = await signer.sign(unsigned, { signingDate, signableHeaders: new Set(signedHeaders) });
  const expected = Buffer.from(/Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '');
  const given = Buffer.from(authorization.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
