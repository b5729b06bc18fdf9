/**
 * Runs `work` for every item, at most `concurrency` at once: that many workers take
 * the next item as each finishes one. Items not yet started when `shouldStop` turns
 * true are skipped (the caller finishes them later). Every started item is awaited
 * before the first error, if any, is thrown.
 *
 * @returns how many items were started
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<number> {
  let next = 0;
  let started = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (shouldStop()) continue;
      started++;
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failures.length > 0) throw failures[0];
  return started;
}
