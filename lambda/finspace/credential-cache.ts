/**
 * Process-wide cache of the temporary credentials FinSpace vends per
 * environment. It lives at module scope so a warm Lambda reuses them across
 * invocations instead of paying a GetProgrammaticAccessCredentials call each
 * time; callers that miss together share one fetch.
 */
import type { AwsCredentialIdentity } from '@smithy/types';

export interface VendedCredentials {
  readonly identity: AwsCredentialIdentity;
  /** Epoch ms when the fetch was started: the service's clock starts no earlier. */
  readonly issuedAt: number;
  /** Epoch ms; the service reports only a duration, so this is issuedAt + duration. */
  readonly expiresAt: number;
}

/**
 * Renew this long before expiry, so a credential never expires between being
 * handed out and a slow, retried request being signed with it.
 */
export const RENEWAL_MARGIN_MS = 5 * 60_000;

export class VendedCredentialCache {
  private readonly current = new Map<string, VendedCredentials>();
  private readonly inFlight = new Map<string, Promise<VendedCredentials>>();

  /**
   * Fresh credentials for `key`: the cached ones unless they are within the
   * renewal margin of expiry (judged by `now`), else the result of `fetch`.
   */
  public async get(key: string, now: number, fetch: () => Promise<VendedCredentials>): Promise<AwsCredentialIdentity> {
    const cached = this.current.get(key);
    if (cached && isFresh(cached, now)) return cached.identity;

    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = fetch()
        .then((fetched) => {
          this.current.set(key, fetched);
          return fetched;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return (await pending).identity;
  }

  /**
   * Forgets `stale` after the service rejected it. A no-op when the entry was
   * already replaced, so concurrent failures cause a single renewal.
   */
  public invalidate(key: string, stale: AwsCredentialIdentity): void {
    if (this.current.get(key)?.identity === stale) this.current.delete(key);
  }

  public clear(): void {
    this.current.clear();
  }
}

/**
 * Short lifetimes (durationInMinutes can be as low as 1) would always sit inside
 * a fixed 5-minute margin; capping the margin at half the lifetime keeps such
 * credentials usable.
 */
function isFresh(credentials: VendedCredentials, now: number): boolean {
  const margin = Math.min(RENEWAL_MARGIN_MS, (credentials.expiresAt - credentials.issuedAt) / 2);
  return now < credentials.expiresAt - margin;
}

/** The cache every client shares by default. */
export const sharedVendedCredentialCache = new VendedCredentialCache();
