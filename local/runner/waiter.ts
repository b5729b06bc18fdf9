/**
 * The Provider framework's waiter: the Step Functions state machine that calls the
 * framework's isComplete task until it stops failing with Retry, and runs the
 * onTimeout task when the retries are exhausted. Its timing is read from the
 * synthesized definition, as Step Functions reads it.
 */

export interface WaiterSettings {
  /** The state that invokes framework isComplete, and the one its Catch leads to. */
  readonly isCompleteState: string;
  readonly timeoutState: string;
  readonly intervalMs: number;
  /** Retries after the first attempt (Step Functions' MaxAttempts). */
  readonly maxRetries: number;
  readonly backoffRate: number;
  readonly maxDelayMs?: number;
}

interface RetrierDefinition {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

interface StateDefinition {
  readonly Type: string;
  readonly Retry?: RetrierDefinition[];
  readonly Catch?: { readonly ErrorEquals: string[]; readonly Next: string }[];
}

/**
 * Reads the waiter's timing from an Amazon States Language definition: the Task
 * state whose Retry catches States.ALL. Step Functions' defaults apply to fields
 * left out (IntervalSeconds 1, MaxAttempts 3, BackoffRate 2).
 */
export function waiterSettings(definitionString: string): WaiterSettings {
  const definition = JSON.parse(definitionString) as { States: Record<string, StateDefinition> };
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    const retrier = state.Type === 'Task' ? state.Retry?.find(r => r.ErrorEquals.includes('States.ALL')) : undefined;
    const fallback = state.Catch?.find(c => c.ErrorEquals.includes('States.ALL'));
    if (!retrier || !fallback) continue;
    return {
      isCompleteState: name,
      timeoutState: fallback.Next,
      intervalMs: (retrier.IntervalSeconds ?? 1) * 1000,
      maxRetries: retrier.MaxAttempts ?? 3,
      backoffRate: retrier.BackoffRate ?? 2,
      maxDelayMs: retrier.MaxDelaySeconds === undefined ? undefined : retrier.MaxDelaySeconds * 1000,
    };
  }
  throw new Error('the waiter state machine has no Task state with a Retry and a Catch for States.ALL: not a Provider framework waiter');
}

/**
 * The same waiter with time scaled down: the first retry `intervalMs` after the
 * first attempt instead of IntervalSeconds, the number of retries unchanged, so
 * the total timeout shrinks by the same factor.
 */
export function withInterval(settings: WaiterSettings, intervalMs: number | undefined): WaiterSettings {
  if (intervalMs === undefined) return settings;
  const factor = intervalMs / settings.intervalMs;
  return {
    ...settings,
    intervalMs,
    maxDelayMs: settings.maxDelayMs === undefined ? undefined : settings.maxDelayMs * factor,
  };
}

/** Milliseconds Step Functions waits before retry number `retry` (1-based). */
export function retryDelayMs(settings: WaiterSettings, retry: number): number {
  const delay = settings.intervalMs * settings.backoffRate ** (retry - 1);
  return settings.maxDelayMs === undefined ? delay : Math.min(delay, settings.maxDelayMs);
}

/** The waiter's total time before onTimeout runs, not counting the attempts themselves. */
export function totalTimeoutMs(settings: WaiterSettings): number {
  let total = 0;
  for (let retry = 1; retry <= settings.maxRetries; retry++) total += retryDelayMs(settings, retry);
  return total;
}
