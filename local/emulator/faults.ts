/**
 * Fault injection, decided per request from a seeded generator so a scenario is
 * reproducible: every request subject to faults draws exactly two numbers (latency,
 * then fault) in arrival order, whatever the outcome; the rate limit is applied on
 * top and does not disturb that sequence.
 */
import { Check, checkSettings } from './behaviour';
import { OperationName, isOperationName } from './model';

export const FAULT_KINDS = ['throttle', 'server-error', 'reset', 'reset-after-write', 'rate-limit'] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** The options, each explained in README.md (Fault injection). */
export interface FaultOptions {
  readonly seed?: number;
  readonly latencyMs?: number | { readonly min: number; readonly max: number };
  readonly throttleRate?: number;
  readonly serverErrorRate?: number;
  readonly connectionResetRate?: number;
  readonly resetAfterWriteRate?: number;
  readonly maxRequestsPerSecond?: number;
  readonly operations?: readonly OperationName[];
}

export type FaultCounts = Record<FaultKind, number>;

/** The faults drawn by share, in the order one draw is matched against them. */
const RATES = [
  ['throttle', 'throttleRate'],
  ['server-error', 'serverErrorRate'],
  ['reset', 'connectionResetRate'],
  ['reset-after-write', 'resetAfterWriteRate'],
] as const;
const RATE_KEYS = RATES.map(([, key]) => key);

export class FaultInjector {
  private readonly random: RandomSource;
  private readonly tally: FaultCounts = emptyCounts();
  /** Holds up to one second's worth of requests (starts full), refilled continuously: short bursts pass, sustained excess is refused. */
  private bucketTokens = Infinity;

  constructor(readonly options: FaultOptions, private lastRefill: number) {
    this.random = seededRandom(options.seed ?? 1);
  }

  decide(operation: OperationName, now: number): { readonly latencyMs: number; readonly fault?: FaultKind } {
    if (this.options.operations && !this.options.operations.includes(operation)) return { latencyMs: 0 };
    const latencyMs = this.drawLatency();
    let fault = this.drawFault();
    if (this.options.maxRequestsPerSecond !== undefined && !this.takeToken(this.options.maxRequestsPerSecond, now)) fault = 'rate-limit';
    if (fault) this.tally[fault] += 1;
    return { latencyMs, fault };
  }

  counts(): FaultCounts {
    return { ...this.tally };
  }

  private takeToken(perSecond: number, now: number): boolean {
    this.bucketTokens = Math.min(Math.max(1, perSecond), this.bucketTokens + (Math.max(0, now - this.lastRefill) * perSecond) / 1000);
    this.lastRefill = now;
    if (this.bucketTokens < 1) return false;
    this.bucketTokens -= 1;
    return true;
  }

  private drawLatency(): number {
    const [draw, latency] = [this.random(), this.options.latencyMs ?? 0];
    return typeof latency === 'number' ? latency : Math.round(latency.min + draw * (latency.max - latency.min));
  }

  /** One draw picks at most one fault, each with its own share of [0, 1). */
  private drawFault(): FaultKind | undefined {
    const draw = this.random();
    let upTo = 0;
    for (const [kind, rateKey] of RATES) {
      upTo += this.options[rateKey] ?? 0;
      if (draw < upTo) return kind;
    }
    return undefined;
  }
}

export function emptyCounts(): FaultCounts {
  return Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as FaultCounts;
}

const rate: Check = (value) => (typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'must be a number from 0 to 1');

const CHECKS: Readonly<Record<keyof FaultOptions, Check>> = {
  seed: (value) => (Number.isSafeInteger(value) ? undefined : 'must be an integer'),
  latencyMs: (value) => (isLatency(value) ? undefined : 'must be a number >= 0 or { min, max } with 0 <= min <= max'),
  ...(Object.fromEntries(RATE_KEYS.map((key) => [key, rate])) as Record<(typeof RATE_KEYS)[number], Check>),
  maxRequestsPerSecond: (value) => (typeof value === 'number' && value > 0 ? undefined : 'must be a number > 0'),
  operations: (value) => {
    if (!Array.isArray(value)) return 'must be a list of operation names';
    const unknown = value.filter((name) => typeof name !== 'string' || !isOperationName(name));
    return unknown.length === 0 ? undefined : `lists ${unknown.map((name) => `unknown operation '${String(name)}'`).join(', ')}`;
  },
};

/** Checks options from code or the admin route; a typo must not silently mean "no faults". */
export function checkFaultOptions(value: unknown): FaultOptions {
  const problems = checkSettings(value, CHECKS, 'fault options', 'fault option', true);
  const options = value as FaultOptions;
  // Rates already refused do not count again in the total.
  const total = RATE_KEYS.reduce((sum, key) => sum + (rate(options[key]) === undefined ? (options[key] as number) : 0), 0);
  if (total > 1) problems.push('the fault rates must add up to at most 1');
  if (problems.length > 0) throw new Error(`Invalid fault options: ${problems.join('; ')}`);
  return options;
}

function isLatency(value: unknown): boolean {
  if (typeof value === 'number') return value >= 0;
  if (typeof value !== 'object' || value === null) return false;
  const { min, max } = value as { min?: unknown; max?: unknown };
  return typeof min === 'number' && typeof max === 'number' && min >= 0 && min <= max;
}

/** Numbers in [0, 1). */
export type RandomSource = () => number;

/* eslint-disable no-bitwise -- a PRNG is 32-bit integer arithmetic */

/** The fault generator (mulberry32): the same seed and request order replay the same faults. */
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
