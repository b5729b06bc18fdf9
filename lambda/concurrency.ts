import pLimit from 'p-limit';

/**
 * Runs `work` for every item, at most `concurrency` at once. Items not yet started
 * when `shouldStop` turns true are skipped (the caller finishes them later). Every
 * started item is awaited before the first error, if any, is thrown.
 *
 * @returns how many items were started
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<number> {
  const limit = pLimit(concurrency);
  let started = 0;
  const results = await Promise.allSettled(items.map(item => limit(async () => {
    if (shouldStop()) return;
    started++;
    await work(item);
  })));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return started;
}
