import { forEachConcurrently } from '../../lambda/concurrency';

/** Work that waits until the test releases it, recording how many run at once. */
function gatedWork() {
  const releases: Array<() => void> = [];
  let running = 0;
  let mostAtOnce = 0;
  const done: number[] = [];
  const work = (item: number) => new Promise<void>(resolve => {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    releases.push(() => {
      running--;
      done.push(item);
      resolve();
    });
  });
  const releaseAll = async () => {
    // Each release lets a worker start the next item, which queues another release.
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise(resolve => setImmediate(resolve));
    }
  };
  return { work, releaseAll, done, mostAtOnce: () => mostAtOnce, running: () => running, waiting: () => releases.length };
}

test('runs every item, never more than the concurrency at once', async () => {
  const gate = gatedWork();
  const run = forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, gate.work);
  await new Promise(resolve => setImmediate(resolve));
  expect(gate.waiting()).toBe(3);
  await gate.releaseAll();
  await expect(run).resolves.toBe(7);
  expect(gate.done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(gate.mostAtOnce()).toBe(3);
});

test('skips the items not started once shouldStop turns true', async () => {
  const seen: number[] = [];
  const started = await forEachConcurrently([1, 2, 3, 4, 5], 2, async item => {
    seen.push(item);
  }, () => seen.length >= 3);
  expect(started).toBe(3);
  expect(seen).toEqual([1, 2, 3]);
});

test('awaits every started item, then throws the first error', async () => {
  const finished: number[] = [];
  const run = forEachConcurrently([1, 2, 3, 4], 2, async item => {
    await new Promise(resolve => setImmediate(resolve));
    if (item === 2) throw new Error('two failed');
    if (item === 3) throw new Error('three failed');
    finished.push(item);
  });
  await expect(run).rejects.toThrow('two failed');
  expect(finished.sort()).toEqual([1, 4]);
});

test('an empty list starts nothing', async () => {
  await expect(forEachConcurrently([], 8, async () => { throw new Error('never'); })).resolves.toBe(0);
});
