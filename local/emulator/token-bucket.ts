/**
 * A token bucket for request rate limits: holds up to one second's worth of
 * requests and refills continuously, so short bursts pass and sustained excess
 * is refused.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(private readonly perSecond: number, now: number) {
    this.tokens = this.capacity;
    this.lastRefill = now;
  }

  private get capacity(): number {
    return Math.max(1, this.perSecond);
  }

  /** Takes one token if there is one. */
  tryTake(now: number): boolean {
    const elapsed = Math.max(0, now - this.lastRefill);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.perSecond) / 1000);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
