import { SendWindow, type WindowSlot } from '../../../lambda/finspace';

const acquireMany = (window: SendWindow, n: number) => Promise.all(Array.from({ length: n }, () => window.acquire()));
/** Whether the acquire is still waiting after everything queued has run. */
async function isWaiting(acquire: Promise<WindowSlot>): Promise<boolean> {
  let done = false;
  void acquire.then(() => { done = true; });
  await new Promise(resolve => setImmediate(resolve));
  return !done;
}

test('is unlimited until FinSpace throttles', async () => {
  const window = new SendWindow();
  await acquireMany(window, 50);
  expect(window.width).toBe(Number.POSITIVE_INFINITY);
});

test('a burst of throttles among the attempts in flight narrows it once, not once per throttle', async () => {
  const window = new SendWindow();
  const slots = await acquireMany(window, 8);
  for (const slot of slots.slice(0, 6)) slot.release(true);
  expect(window.width).toBe(6); // 8 in flight x 0.75, where 0.75^6 would leave 1.4
});

test('a throttle of an attempt started after the narrowing narrows it again', async () => {
  const window = new SendWindow();
  const first = await acquireMany(window, 8);
  first[0].release(true); // width 6
  for (const slot of first.slice(1)) slot.release(false);
  const second = await acquireMany(window, 4);
  second[0].release(true);
  expect(window.width).toBe(4 * 0.75); // the 4 in flight x 0.75
});

test('never closes: one attempt may always be in flight', async () => {
  const window = new SendWindow();
  for (let round = 0; round < 20; round++) (await window.acquire()).release(true);
  expect(window.width).toBe(1);
  const slot = await window.acquire();
  const next = window.acquire();
  expect(await isWaiting(next)).toBe(true);
  slot.release(false);
  await expect(next).resolves.toBeDefined();
});

test('widens by about one attempt per window of answers', async () => {
  const window = new SendWindow();
  const slots = await acquireMany(window, 8);
  slots[0].release(true); // width 6
  for (const slot of slots.slice(1)) slot.release(false); // 7 answers
  expect(window.width).toBeGreaterThan(7);
  expect(window.width).toBeLessThan(7.2);
});

test('an acquire waits while the window is full and goes on when an attempt is answered', async () => {
  const window = new SendWindow();
  const slots = await acquireMany(window, 4);
  slots[0].release(true); // width 3, 3 in flight
  const waiting = window.acquire();
  expect(await isWaiting(waiting)).toBe(true);
  slots[1].release(false);
  await expect(waiting).resolves.toBeDefined();
});
