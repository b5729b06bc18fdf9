/**
 * Runs work over a dependency graph the way CloudFormation works through a stack:
 * every item as soon as all of its prerequisites are done, independent items at
 * the same time. After the first failure nothing new starts; what is running
 * finishes, and its outcome counts.
 */

export interface GraphRun {
  /** The failures, in the order they happened. */
  readonly errors: readonly unknown[];
  /** Items whose work never started because of a failure. */
  readonly notStarted: readonly string[];
}

/**
 * @param items in the order to start them when several are ready
 * @param prerequisites of an item; those not among `items` count as done
 */
export async function runInDependencyOrder(
  items: readonly string[],
  prerequisites: (item: string) => Iterable<string>,
  work: (item: string) => Promise<void>,
): Promise<GraphRun> {
  const pending = new Set(items);
  const done = new Set<string>();
  const errors: unknown[] = [];
  const running = new Set<Promise<void>>();

  const isReady = (item: string) => [...prerequisites(item)].every(p => done.has(p) || !items.includes(p));
  for (;;) {
    if (errors.length === 0) {
      for (const item of items.filter(i => pending.has(i) && isReady(i))) {
        pending.delete(item);
        const task: Promise<void> = work(item)
          .then(() => { done.add(item); }, (error: unknown) => { errors.push(error); })
          .finally(() => running.delete(task));
        running.add(task);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  return { errors, notStarted: items.filter(item => pending.has(item)) };
}
