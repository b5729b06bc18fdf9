/**
 * Client-side pacing after throttles: a window of attempts in flight that narrows when
 * FinSpace throttles and widens again with every answer, as TCP's congestion window
 * does (additive increase, multiplicative decrease).
 *
 * Why not the SDK's adaptive rate limiter: it cuts its rate for every throttled answer,
 * so a burst of throttles among the calls in flight compounds the cut (0.7^n), and its
 * recovery is capped by the send rate it has just held down; under a steady throttle
 * it converged far below the rate the API allowed. Here the window narrows at most once
 * per round of calls: a throttle of an attempt that started before the last narrowing
 * reports congestion already answered. Between throttles it widens by about one
 * attempt per window of answers, so it keeps probing for the rate the API allows and
 * keeps it busy, and it never goes below one attempt in flight.
 */

/** The share of the window kept when FinSpace throttles. */
const NARROWING = 0.75;

/** One attempt's place in the window. */
export interface WindowSlot {
  /** The attempt was answered: throttled or not. Called once. */
  release(throttled: boolean): void;
}

export class SendWindow {
  /** Attempts allowed in flight; unlimited until the first throttle. */
  private size = Number.POSITIVE_INFINITY;
  private inFlight = 0;
  /** Counts narrowings; an attempt remembers the one it started under. */
  private epoch = 0;
  private readonly waiting: Array<() => void> = [];

  /** The attempts allowed in flight now (Infinity before any throttle). */
  public get width(): number {
    return this.size;
  }

  /** Waits for room in the window. */
  public async acquire(): Promise<WindowSlot> {
    while (this.inFlight >= Math.max(1, Math.floor(this.size))) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    }
    this.inFlight++;
    const startedIn = this.epoch;
    let released = false;
    return {
      release: throttled => {
        if (released) return;
        released = true;
        this.inFlight--;
        if (throttled) {
          if (startedIn === this.epoch) {
            this.size = Math.max(1, Math.min(this.size, this.inFlight + 1) * NARROWING);
            this.epoch++;
          }
        } else if (Number.isFinite(this.size)) {
          this.size += 1 / this.size;
        }
        this.waiting.shift()?.();
      },
    };
  }
}
