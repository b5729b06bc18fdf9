/**
 * A small seeded pseudo-random generator (mulberry32), so that a fault
 * scenario replays identically for the same seed and request order.
 */
export type RandomSource = () => number;

/* eslint-disable no-bitwise -- a PRNG is 32-bit integer arithmetic */

/** Returns numbers in [0, 1). */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */
