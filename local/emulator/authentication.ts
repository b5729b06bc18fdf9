/**
 * Who signed a request, answered like AWS's front door: missing, unknown,
 * mismatched, expired and mis-scoped credentials each get their own error.
 *
 * The checks run in this order: signature present and well formed, key known,
 * session token matches, temporary key not expired, credential scope, clock
 * skew, and last the signature itself.
 */
import { CredentialStore, Principal } from './credentials';
import { frontDoorError } from './errors';
import { AuthorizationHeader, WireRequest, formatAmzDate, parseAmzDate, parseAuthorizationHeader, signatureMatches } from './sigv4';

/** AWS rejects signatures more than 15 minutes away from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface AuthenticationSettings {
  readonly signingService: string;
  readonly region: string;
  readonly now: number;
}

export async function authenticate(
  request: WireRequest,
  credentials: CredentialStore,
  settings: AuthenticationSettings,
): Promise<Principal> {
  const header = request.headers.authorization;
  if (header === undefined) {
    if (request.query.has('X-Amz-Signature')) {
      throw frontDoorError(
        'IncompleteSignatureException',
        'The emulator does not accept query-string (presigned) signatures; sign the Authorization header.',
      );
    }
    throw frontDoorError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const authorization = parseAuthorizationHeader(header);

  const amzDate = request.headers['x-amz-date'];
  if (amzDate === undefined) {
    throw frontDoorError('IncompleteSignatureException', "Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    throw frontDoorError('IncompleteSignatureException', `X-Amz-Date must be in ISO 8601 basic format (YYYYMMDD'T'HHMMSS'Z'). Got '${amzDate}'.`);
  }

  const principal = credentials.find(authorization.accessKeyId);
  const sentToken = request.headers['x-amz-security-token'];
  if (!principal || principal.sessionToken !== sentToken) {
    throw frontDoorError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (principal.kind === 'vended' && settings.now >= principal.expiresAt) {
    throw frontDoorError('ExpiredTokenException', 'The security token included in the request is expired');
  }

  checkScope(authorization, amzDate, settings);
  if (!authorization.signedHeaders.includes('host')) {
    throw frontDoorError('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  checkClockSkew(signingDate.getTime(), settings.now);

  if (!(await signatureMatches(request, authorization, principal, signingDate))) {
    throw frontDoorError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return principal;
}

function checkScope(authorization: AuthorizationHeader, amzDate: string, settings: AuthenticationSettings): void {
  const { scopeDate, scopeRegion, scopeService, scopeTerminator } = authorization;
  if (scopeTerminator !== 'aws4_request') {
    throw frontDoorError('IncompleteSignatureException', "Credential should be scoped with a valid terminator: 'aws4_request'.");
  }
  if (scopeService !== settings.signingService) {
    throw frontDoorError('InvalidSignatureException', `Credential should be scoped to correct service: '${settings.signingService}'.`);
  }
  if (scopeRegion !== settings.region) {
    throw frontDoorError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${scopeRegion}'.`);
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw frontDoorError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
}

function checkClockSkew(signedAt: number, now: number): void {
  if (signedAt < now - MAX_CLOCK_SKEW_MS) {
    throw frontDoorError(
      'InvalidSignatureException',
      `Signature expired: ${formatAmzDate(signedAt)} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`,
    );
  }
  if (signedAt > now + MAX_CLOCK_SKEW_MS) {
    throw frontDoorError(
      'InvalidSignatureException',
      `Signature not yet current: ${formatAmzDate(signedAt)} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`,
    );
  }
}
