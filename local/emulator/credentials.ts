/**
 * The two kinds of signing keys the service accepts: long-term IAM keys (which
 * only GetProgrammaticAccessCredentials honours) and the temporary keys it
 * vends, each bound to one environment and one FinSpace user.
 */
import { newSecretAccessKey, newSessionToken, newTemporaryAccessKeyId } from './ids';

export interface IamPrincipal {
  readonly kind: 'iam';
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** The role the key stands for; FinSpace users register this ARN for API access. */
  readonly roleArn: string;
  /** Stands for the IAM policy allowing finspace-api:GetProgrammaticAccessCredentials. */
  readonly allowGetProgrammaticAccessCredentials: boolean;
}

export interface VendedCredentials {
  readonly kind: 'vended';
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly environmentId: string;
  /** The FinSpace user the calls act as. */
  readonly userId: string;
  expiresAt: number;
}

export type Principal = IamPrincipal | VendedCredentials;

const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export class CredentialStore {
  private readonly byAccessKeyId = new Map<string, Principal>();

  has(accessKeyId: string): boolean {
    return this.byAccessKeyId.has(accessKeyId);
  }

  find(accessKeyId: string): Principal | undefined {
    return this.byAccessKeyId.get(accessKeyId);
  }

  addIamPrincipal(principal: Omit<IamPrincipal, 'kind'>): void {
    if (this.byAccessKeyId.has(principal.accessKeyId)) {
      throw new Error(`access key ${principal.accessKeyId} is already registered`);
    }
    this.byAccessKeyId.set(principal.accessKeyId, { kind: 'iam', ...principal });
  }

  vend(environmentId: string, userId: string, now: number, lifetimeMs: number): VendedCredentials {
    this.forgetLongExpired(now);
    let accessKeyId = newTemporaryAccessKeyId();
    while (this.byAccessKeyId.has(accessKeyId)) accessKeyId = newTemporaryAccessKeyId();
    const credentials: VendedCredentials = {
      kind: 'vended',
      accessKeyId,
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      environmentId,
      userId,
      expiresAt: now + lifetimeMs,
    };
    this.byAccessKeyId.set(accessKeyId, credentials);
    return credentials;
  }

  /**
   * Keeps a long-running emulator from growing without bound. A day after expiry
   * a key is answered as unknown rather than expired; no client retries that long.
   */
  private forgetLongExpired(now: number): void {
    for (const [accessKeyId, principal] of this.byAccessKeyId) {
      if (principal.kind === 'vended' && principal.expiresAt < now - FORGET_AFTER_MS) this.byAccessKeyId.delete(accessKeyId);
    }
  }

  /** Ends, at `now`, every vended credential (of one environment, if given) still valid. */
  expire(now: number, environmentId?: string): void {
    for (const principal of this.byAccessKeyId.values()) {
      if (principal.kind !== 'vended') continue;
      if (environmentId !== undefined && principal.environmentId !== environmentId) continue;
      principal.expiresAt = Math.min(principal.expiresAt, now);
    }
  }
}
