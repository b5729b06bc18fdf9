/**
 * The two kinds of signing keys the service accepts: long-term IAM keys (which
 * only GetProgrammaticAccessCredentials honours) and the temporary keys it
 * vends, each bound to one environment and one FinSpace user.
 */
import { randomBytes } from 'crypto';
import { newTemporaryAccessKeyId } from './ids';
import type { SeedIamPrincipal } from './seed';

/** A long-term key as seeded; FinSpace users register its roleArn for API access. */
export interface IamPrincipal extends SeedIamPrincipal {
  readonly kind: 'iam';
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

/**
 * Keeps a long-running emulator from growing without bound. A day after expiry
 * a key is answered as unknown rather than expired; no client retries that long.
 */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export class CredentialStore {
  private readonly byAccessKeyId = new Map<string, Principal>();

  find(accessKeyId: string): Principal | undefined {
    return this.byAccessKeyId.get(accessKeyId);
  }

  addIamPrincipal(principal: IamPrincipal): void {
    if (this.byAccessKeyId.has(principal.accessKeyId)) throw new Error(`access key ${principal.accessKeyId} is already registered`);
    this.byAccessKeyId.set(principal.accessKeyId, principal);
  }

  vend(environmentId: string, userId: string, now: number, lifetimeMs: number): VendedCredentials {
    for (const [key, principal] of this.byAccessKeyId) {
      if (principal.kind === 'vended' && principal.expiresAt < now - FORGET_AFTER_MS) this.byAccessKeyId.delete(key);
    }
    let accessKeyId = newTemporaryAccessKeyId();
    while (this.byAccessKeyId.has(accessKeyId)) accessKeyId = newTemporaryAccessKeyId();
    const credentials: VendedCredentials = {
      kind: 'vended',
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      // Opaque, well within the model's 1000-character limit for `sessionToken`.
      sessionToken: randomBytes(240).toString('base64'),
      environmentId,
      userId,
      expiresAt: now + lifetimeMs,
    };
    this.byAccessKeyId.set(accessKeyId, credentials);
    return credentials;
  }

  /** Ends, at `now`, every vended credential (of one environment, if given) still valid. */
  expire(now: number, environmentId?: string): void {
    for (const principal of this.byAccessKeyId.values()) {
      if (principal.kind === 'vended' && (environmentId === undefined || principal.environmentId === environmentId)) {
        principal.expiresAt = Math.min(principal.expiresAt, now);
      }
    }
  }
}
