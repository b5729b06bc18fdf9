/**
 * clientToken memory. Within a token's lifetime the same parameters get the first answer
 * again, other parameters a conflict. Only successes are remembered: a request that failed
 * had no effect, so repeating it must be free to succeed later.
 */
import { OperationInput, OperationOutput } from './protocol';

export class IdempotencyCache {
  /** Insertion order is arrival order, which lets expiry sweep from the front. */
  private readonly entries = new Map<string, { fingerprint: string; output: OperationOutput; firstSeenAt: number }>();

  check(key: string, fingerprint: string, now: number, ttlMs: number) {
    const entry = this.entries.get(key);
    if (!entry || now >= entry.firstSeenAt + ttlMs) {
      this.entries.delete(key);
      return { kind: 'new' } as const;
    }
    return entry.fingerprint === fingerprint ? ({ kind: 'replay', output: entry.output } as const) : ({ kind: 'conflict' } as const);
  }

  remember(key: string, fingerprint: string, output: OperationOutput, now: number, ttlMs: number): void {
    for (const [oldKey, entry] of this.entries) {
      if (now < entry.firstSeenAt + ttlMs) break;
      this.entries.delete(oldKey);
    }
    this.entries.set(key, { fingerprint, output, firstSeenAt: now });
  }
}

/** A request's parameters (without its token) as JSON with sorted keys, so that key order does not matter. */
export function fingerprintOf(parameters: OperationInput): string {
  const sortKeys = (_key: string, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))) : value;
  return JSON.stringify(parameters, sortKeys);
}
