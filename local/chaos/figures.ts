/**
 * The figures of chaos runs: what ran, what the emulator injected, what the handler
 * sent, what the checks covered. Counted per sequence, added up per run.
 */
import type { CheckTally, ProblemKind } from './expectation';
import { OUTAGE_HANDLER_TIMEOUTS } from './plan';
import type { StepRun } from './world';
import { FAULT_KINDS, type FaultCounts } from '../emulator';

const WRITE_OPERATIONS = new Set([
  'CreatePermissionGroup', 'UpdatePermissionGroup', 'DeletePermissionGroup',
  'AssociateUserToPermissionGroup', 'DisassociateUserFromPermissionGroup',
]);

/** No figures yet; the Figures type follows from this, and formatFigures says what each counts. */
export function emptyFigures() {
  return {
    sequences: 0,
    failedSequences: 0,
    /** Runner operations, retries of unplanned failures included. */
    steps: 0,
    plannedRollbacks: 0,
    plannedRollbacksByFailure: {} as Record<string, number>,
    preExistingMembersKeptByRollback: 0,
    unplannedRollbacks: 0,
    failedDestroys: 0,
    cleanupFailures: 0,
    /** Why unplanned failures, failed destroys and failed cleanup deletes failed, by the first line of the reason. */
    unplannedReasons: {} as Record<string, number>,
    requests: 0,
    /** Write requests that took effect, and those a retry repeated with an earlier one's clientToken (answered again, changing nothing). */
    writes: 0,
    replayedWrites: 0,
    faults: Object.fromEntries(FAULT_KINDS.map(kind => [kind, 0])) as FaultCounts,
    /** Full-state checks, and what they found as expected (CheckTally). */
    checks: 0,
    groupsChecked: 0,
    declaredMembersChecked: 0,
    outsideMembersChecked: 0,
    uncertainMembersChecked: 0,
    usersChecked: 0,
    removalsStillSettling: 0,
    /** By kind; 'error' when the run itself broke (synthesis, the runner, the operator). */
    problems: {} as Partial<Record<ProblemKind | 'stack-stuck' | 'planned-failure-succeeded' | 'outage-failed-step' | 'error', number>>,
    outages: 0,
    outageMs: 0,
    longestOutageMs: 0,
    stepsCompletedThroughOutage: 0,
    stepsRolledBackThroughOutage: 0,
    outagesCutShort: 0,
    outagesNotReached: 0,
    drift: { rounds: 0, injected: 0, found: 0, healedFirstRun: 0, healedSecondRun: 0 },
  };
}

export type Figures = ReturnType<typeof emptyFigures>;

/** One more of `key` in a record of counts. */
export function bump<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** A runner operation: its requests, writes and faults. */
export function countRun(figures: Figures, run: StepRun): void {
  figures.steps++;
  figures.requests += run.calls.length;
  for (const call of run.calls.filter(c => WRITE_OPERATIONS.has(c.operation) && c.statusCode >= 200 && c.statusCode <= 299)) {
    if (call.replayed) figures.replayedWrites++;
    else figures.writes++;
  }
  FAULT_KINDS.forEach(kind => { figures.faults[kind] += run.faults[kind]; });
}

/** The long outage planned for a runner operation: whether it began, how long it lasted, how the step ended. */
export function countOutage(figures: Figures, run: StepRun, completed: boolean): void {
  if (!run.outage) {
    figures.outagesNotReached++;
    return;
  }
  const ms = run.outage.endedAt - run.outage.startedAt;
  figures.outages++;
  if (run.outage.cutShort) figures.outagesCutShort++;
  figures.outageMs += ms;
  figures.longestOutageMs = Math.max(figures.longestOutageMs, ms);
  figures[completed ? 'stepsCompletedThroughOutage' : 'stepsRolledBackThroughOutage']++;
}

export function countCheck(figures: Figures, tally: CheckTally): void {
  figures.checks++;
  for (const [key, n] of Object.entries(tally) as [keyof CheckTally, number][]) figures[`${key}Checked`] += n;
}

export function addFigures(total: Figures, part: Figures): void {
  for (const key of Object.keys(total) as (keyof Figures)[]) {
    const value = part[key];
    if (key === 'longestOutageMs') {
      total.longestOutageMs = Math.max(total.longestOutageMs, part.longestOutageMs);
    } else if (typeof value === 'number') {
      (total[key] as number) += value;
    } else {
      const into = total[key] as Record<string, number>;
      for (const [name, count] of Object.entries(value)) into[name] = (into[name] ?? 0) + (count as number);
    }
  }
}

/** The figures as lines of text, as the long run prints them and RELIABILITY.md quotes them. */
export function formatFigures(figures: Figures): string[] {
  const faulted = Object.values(figures.faults).reduce((sum, n) => sum + n, 0);
  const share = (n: number) => figures.requests === 0 ? '0%' : `${(100 * n / figures.requests).toFixed(1)}%`;
  const problems = Object.entries(figures.problems).filter(([, n]) => n > 0);
  const reasons = Object.entries(figures.unplannedReasons).sort(([, a], [, b]) => b - a);
  return [
    `sequences:        ${figures.sequences} (${figures.failedSequences} failed)`,
    `steps:            ${figures.steps} runner operations (deploys and destroys), ` +
      `${figures.plannedRollbacks} planned failures rolled back, ${figures.unplannedRollbacks} unplanned failures rolled back, ` +
      `${figures.failedDestroys} destroys failed and run again, ${figures.cleanupFailures} deletes failed in cleanup (let go)`,
    ...reasons.map(([reason, n]) => `                  x${n}: ${reason}`),
    `planned:          ${Object.entries(figures.plannedRollbacksByFailure).sort(([a], [b]) => a.localeCompare(b)).map(([failure, n]) => `${failure} x${n}`).join(', ') || 'none'} ` +
      `(planned failures rolled back, by why); ${figures.preExistingMembersKeptByRollback} members added outside before a failed step ` +
      'declared them, kept by its rollback',
    `outages:          ${figures.outages} long outages (FinSpace answering only 500s), ${(figures.outageMs / 1000).toFixed(0)} s in all, ` +
      `the longest ${(figures.longestOutageMs / 1000).toFixed(0)} s; ${figures.outages - figures.outagesCutShort} lasted longer than the ` +
      `handler functions' timeouts (onEvent ${OUTAGE_HANDLER_TIMEOUTS.onEvent} s, isComplete ${OUTAGE_HANDLER_TIMEOUTS.isComplete} s), ` +
      `${figures.outagesCutShort} were cut short by the end of their step: ` +
      `${figures.stepsCompletedThroughOutage} steps completed through one, ${figures.stepsRolledBackThroughOutage} rolled back through one ` +
      `(planned failures)${figures.outagesNotReached > 0 ? `, ${figures.outagesNotReached} planned from a rollback that never came` : ''}`,
    `requests:         ${figures.requests} answered by FinSpace while the runner worked, ${faulted} (${share(faulted)}) of them faulted:`,
    `                  throttled ${figures.faults.throttle} (${share(figures.faults.throttle)}), ` +
      `5xx ${figures.faults['server-error']} (${share(figures.faults['server-error'])}), ` +
      `reset before the write ${figures.faults.reset} (${share(figures.faults.reset)}), ` +
      `reset after the write ${figures.faults['reset-after-write']} (${share(figures.faults['reset-after-write'])})`,
    `writes:           ${figures.writes} took effect, ${figures.replayedWrites} retried writes answered from the clientToken memory`,
    `checks:           ${figures.checks} full-state checks: ${figures.groupsChecked} groups, ` +
      `${figures.declaredMembersChecked} declared members ADDITION_SUCCESS, ${figures.outsideMembersChecked} outside members left alone, ` +
      `${figures.usersChecked} users as declared (enabled, disabled or retained)`,
    `                  ${figures.uncertainMembersChecked} members a request that failed midway may have removed (either is right), ` +
      `${figures.removalsStillSettling} removals still settling when a rollback finished`,
    `problems:         ${problems.length === 0 ? 'none (no lost, wrongly removed or unexpected member, no duplicate or missing group or user, no lockout)' :
      problems.map(([kind, n]) => `${kind} x${n}`).join(', ')}`,
    `drift:            ${figures.drift.rounds} rounds: ${figures.drift.injected} changes made outside, ${figures.drift.found} found by the audit, ` +
      `${figures.drift.healedFirstRun} healed by it under faults, ${figures.drift.healedSecondRun} by its next run`,
  ];
}
