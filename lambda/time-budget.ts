/**
 * The time one invocation has, and every decision that depends on it: until when a
 * failing call may start another round of attempts, whether writes and undos may
 * still start, and whether a change has run past the handler's timeout.
 */

/** The entry point being invoked. */
export type Phase = 'onEvent' | 'isComplete';

/**
 * A call that keeps failing transiently after its attempts is tried again in further
 * rounds until this long before the Lambda would be stopped. A failure then ends the
 * event, whatever it was doing: a rollback or a delete that fails has lasting effects.
 * The time kept back is for undoing a failed create's additions and for answering.
 */
const RETRY_RESERVE_MS: Record<Phase, number> = { onEvent: 120_000, isComplete: 30_000 };
/** Every call to FinSpace is over this long before the Lambda would be stopped: time to answer. */
const ANSWER_MARGIN_MS = 5_000;
/** Writes stop starting this long before the Lambda would be stopped; isComplete finishes them. */
const WRITE_MARGIN_MS = 30_000;
/** Undos of a failed event's additions stop being tried again this long before the Lambda would be stopped. */
const UNDO_MARGIN_MS = 15_000;
/**
 * isComplete checks a change in flight again within one invocation for at most one
 * poll interval (the time its answer "not yet" would cost anyway), and never longer
 * than this: longer waits are the Provider framework's.
 */
const WAIT_INSIDE_MS = 60_000;

export class TimeBudget {
  /** When the invocation began (epoch ms). */
  private readonly invokedAt: number;

  /**
   * @param phase the entry point, which decides the reserve for retry rounds
   * @param settings how long one change may take (timeoutMs) and the poll interval (pollIntervalMs)
   * @param now the clock, epoch ms
   * @param remainingMs milliseconds left before the Lambda is stopped
   */
  constructor(
    private readonly phase: Phase,
    private readonly settings: { readonly timeoutMs: number; readonly pollIntervalMs: number },
    public readonly now: () => number,
    public readonly remainingMs: () => number,
  ) {
    this.invokedAt = now();
  }

  /** Until when (epoch ms) a transiently failing call may start another round of attempts. */
  public retryRoundsUntil(): number {
    return this.now() + this.remainingMs() - RETRY_RESERVE_MS[this.phase];
  }

  /**
   * When (epoch ms) every call to FinSpace must be over, retries and pauses included,
   * so that the invocation answers before the Lambda is stopped.
   */
  public callsEndBy(): number {
    return this.now() + this.remainingMs() - ANSWER_MARGIN_MS;
  }

  /** Whether a write may still start: isComplete makes the ones that did not. */
  public writesAllowed(): boolean {
    return this.remainingMs() > WRITE_MARGIN_MS;
  }

  /**
   * Whether the invocation may pause `pauseMs` and check again: within one poll
   * interval (at most WAIT_INSIDE_MS) of its start, and leaving the reserve for retry
   * rounds intact.
   */
  public mayWaitInside(pauseMs: number): boolean {
    const longest = Math.min(WAIT_INSIDE_MS, this.settings.pollIntervalMs);
    return this.now() + pauseMs - this.invokedAt <= longest && this.remainingMs() - pauseMs > RETRY_RESERVE_MS[this.phase];
  }

  /** Whether an undo that FinSpace did not answer may be tried again. */
  public undoRetriesAllowed(): boolean {
    return this.remainingMs() > UNDO_MARGIN_MS;
  }

  /**
   * Whether the change that began at `startedAt` (epoch ms, as the event carries it:
   * absent means now) has run past the handler's timeout.
   */
  public expired(startedAt: unknown): boolean {
    return this.now() - this.changeStartedAt(startedAt) > this.settings.timeoutMs;
  }

  /** When the change began (epoch ms), from what the event carries: absent means now. */
  public changeStartedAt(startedAt: unknown): number {
    return startedAt === undefined || startedAt === null ? this.now() : Number(startedAt);
  }
}
