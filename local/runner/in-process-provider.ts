/**
 * The order of calls the Provider framework makes, with the handlers called in this
 * process: for the handler's unit tests and the benchmarks, which need its lifecycle fast
 * and without processes (the runner runs the framework's own code: provider-endpoint.ts).
 * onEvent, then isComplete with onEvent's answer merged into the request, at once and
 * after each interval, until it answers IsComplete: true.
 */

export interface InProcessHandlers<E> {
  onEvent(event: E): Promise<unknown>;
  isComplete(event: E): Promise<unknown>;
}

export interface InProcessResult {
  readonly physicalResourceId: string;
  readonly data: Record<string, unknown>;
  /** isComplete calls. */
  readonly polls: number;
}

type Answer = { readonly PhysicalResourceId?: string; readonly IsComplete?: boolean; readonly Data?: Record<string, unknown> };

/** Throws what a handler threw, or "Operation timed out" after `maxAttempts` polls; `sleep` defaults to real time. */
export async function provideInProcess<E extends { RequestType: string; RequestId: string; PhysicalResourceId?: string }>(
  request: E,
  handlers: InProcessHandlers<E>,
  waiter: { readonly intervalMs: number; readonly maxAttempts: number; readonly sleep?: (ms: number) => Promise<void> },
): Promise<InProcessResult> {
  const sleep = waiter.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  const answer = (await handlers.onEvent(request) ?? {}) as Answer;
  const physicalResourceId = answer.PhysicalResourceId ?? (request.RequestType === 'Create' ? request.RequestId : request.PhysicalResourceId!);
  const event = { ...request, ...answer, PhysicalResourceId: physicalResourceId };
  for (let polls = 1; polls <= waiter.maxAttempts; polls++) {
    if (polls > 1) await sleep(waiter.intervalMs);
    const result = await handlers.isComplete(JSON.parse(JSON.stringify(event))) as Answer;
    if (result.IsComplete) return { physicalResourceId, data: { ...answer.Data, ...result.Data }, polls };
  }
  throw new Error('Operation timed out');
}
