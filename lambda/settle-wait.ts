/**
 * How long isComplete pauses before checking a change in flight again within the
 * same invocation. Answering "not yet" costs a whole poll interval (5 s by default)
 * before the next look, while a small change often settles within a second: so the
 * first checks come soon after each other, and later ones at the poll interval's pace.
 * How long an invocation may keep checking is the time budget's to say (mayWaitInside).
 */

const FIRST_PAUSE_MS = 250;
const LONGEST_PAUSE_MS = 4_000;

/** The pause after check number `check` (0 for the first) found the change in flight. */
export function settlePause(check: number): number {
  return Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** check);
}
