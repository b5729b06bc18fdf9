/**
 * Throttling: the 5,000-member create while the API refuses requests above a
 * fixed rate (the emulator's token bucket, faults.maxRequestsPerSecond), with
 * the handler's own client (adaptive retry: client-side rate limiting after a
 * throttle) against the same handler and concurrency with standard retry (no
 * rate limiting, only backoff).
 *
 * Then the effect a previous engineer saw: a lightly loaded client held to
 * under one request per second after throttles. A client sending 4 requests a
 * second is throttled for one second; what its requests cost in the seconds
 * after shows what the adaptive rate limiter does once the API is fine again.
 */
import type { RetryStrategyV2 } from '@smithy/types';
import { createScenario, LATENCY_MS, MEMBERS } from './reconcile-speed';
import { FinSpaceDataClient, VendedCredentialCache, type RetryMode } from '../../lambda/finspace';
import { createRetryStrategy } from '../../lambda/finspace/retry';
import type { CallRecord } from '../../local/emulator';
import { withEmulator } from '../support/emulator-process';
import { ENVIRONMENT_ID, environmentSeed, GROUP_ID, HANDLER_ROLE_KEYS, userIds } from '../support/finspace-seed';
import { measureDeployment, type DeploymentMeasurement } from '../support/measure-deployment';
import type { Figure, SuiteResult } from '../support/report';
import { inTurn, median } from '../support/stats';
import { synthesizeMembership } from '../support/synthesized-stack';

/** Half of what the two shards send unthrottled (some 700 requests a second here). */
export const MAX_REQUESTS_PER_SECOND = 350;

export interface ThrottlingOptions {
  readonly runs: number;
}

/** What the adaptive rate limiter holds (private in @smithy/util-retry; read, never changed). */
interface RateLimiterState {
  readonly enabled: boolean;
  readonly fillRate: number;
}

interface ThrottledCreate {
  readonly result: DeploymentMeasurement;
  /** Lowest send rate any client's limiter allowed once enabled, requests per second. */
  readonly lowestAllowedRate?: number;
}

async function throttledCreate(mode: RetryMode): Promise<ThrottledCreate> {
  const users = userIds(MEMBERS);
  const limiters: RateLimiterState[] = [];
  let lowest: number | undefined;
  const sampler = setInterval(() => {
    for (const limiter of limiters) {
      if (limiter.enabled) lowest = Math.min(lowest ?? Infinity, limiter.fillRate);
    }
  }, 50);
  try {
    const result = await measureDeployment({
      ...createScenario(synthesizeMembership({ userIds: users }), users),
      faults: { latencyMs: LATENCY_MS, maxRequestsPerSecond: MAX_REQUESTS_PER_SECOND },
      retryMode: mode,
      // The strategy each client would build for itself, kept to read its limiter.
      retryStrategy: () => observed(createRetryStrategy(mode), limiters),
    });
    return { result, lowestAllowedRate: lowest };
  } finally {
    clearInterval(sampler);
  }
}

function observed(strategy: RetryStrategyV2, limiters: RateLimiterState[]): RetryStrategyV2 {
  const limiter = (strategy as unknown as { rateLimiter?: RateLimiterState }).rateLimiter;
  if (limiter) limiters.push(limiter);
  return strategy;
}

/** Answered requests per second of the API, over the seconds it was busy writing. */
function successfulRate(calls: readonly CallRecord[]): number {
  const ok = calls.filter(c => c.statusCode >= 200 && c.statusCode < 300);
  if (ok.length < 2) return 0;
  const seconds = (ok[ok.length - 1].time - ok[0].time) / 1000;
  return ok.length / seconds;
}

/** The light client: see the module comment. */
const LIGHT = { intervalMs: 250, requests: 24, throttleFromMs: 2000, throttleUntilMs: 3000, afterWindowMs: 3000 };

interface LightClientRun {
  /** Median latency of the requests sent in the 3 s after throttling stopped. */
  readonly medianLatencyAfterMs: number;
  /** Requests completed per second, from the start. */
  readonly completionsPerSecond: number[];
  readonly failed: number;
}

async function lightClient(mode: RetryMode): Promise<LightClientRun> {
  return withEmulator(async emulator => {
    await emulator.seed(environmentSeed({ users: [] }));
    const client = new FinSpaceDataClient({
      environmentId: ENVIRONMENT_ID,
      region: emulator.region,
      endpoint: emulator.endpoint,
      credentials: async () => HANDLER_ROLE_KEYS,
      credentialCache: new VendedCredentialCache(),
      retryMode: mode,
    });
    await client.getPermissionGroup({ permissionGroupId: GROUP_ID }); // credentials fetched, connection open
    await emulator.setFaults({ latencyMs: LATENCY_MS, operations: ['GetPermissionGroup'] });

    const startedAt = Date.now();
    const window = (async () => {
      await sleep(LIGHT.throttleFromMs);
      await emulator.setFaults({ latencyMs: LATENCY_MS, throttleRate: 1, operations: ['GetPermissionGroup'] });
      await sleep(LIGHT.throttleUntilMs - LIGHT.throttleFromMs);
      await emulator.setFaults({ latencyMs: LATENCY_MS, operations: ['GetPermissionGroup'] });
    })();
    const requests: Promise<{ sentAt: number; doneAt: number; ok: boolean }>[] = [];
    for (let i = 0; i < LIGHT.requests; i++) {
      const sentAt = Date.now() - startedAt;
      requests.push(client.getPermissionGroup({ permissionGroupId: GROUP_ID }).then(
        () => ({ sentAt, doneAt: Date.now() - startedAt, ok: true }),
        () => ({ sentAt, doneAt: Date.now() - startedAt, ok: false }),
      ));
      await sleep(LIGHT.intervalMs);
    }
    const done = await Promise.all(requests);
    await window;
    const after = done.filter(r => r.sentAt >= LIGHT.throttleUntilMs && r.sentAt < LIGHT.throttleUntilMs + LIGHT.afterWindowMs);
    const perSecond: number[] = [];
    for (const r of done) {
      const second = Math.floor(r.doneAt / 1000);
      while (perSecond.length <= second) perSecond.push(0);
      perSecond[second]++;
    }
    return {
      medianLatencyAfterMs: median(after.map(r => r.doneAt - r.sentAt)),
      completionsPerSecond: perSecond,
      failed: done.filter(r => !r.ok).length,
    };
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

export async function throttling(options: ThrottlingOptions): Promise<SuiteResult> {
  const creates: Record<RetryMode, ThrottledCreate[]> = { adaptive: [], standard: [] };
  const light: Record<RetryMode, LightClientRun[]> = { adaptive: [], standard: [] };
  for (let run = 0; run < options.runs; run++) {
    for (const mode of inTurn(run, ['adaptive', 'standard'] as RetryMode[])) {
      const create = await throttledCreate(mode);
      if (!create.result.ok) {
        throw new Error(`the throttled create with ${mode} retry did not converge: ${create.result.resources.map(r => r.reason).filter(Boolean).join('; ')}`);
      }
      creates[mode].push(create);
      light[mode].push(await lightClient(mode));
    }
  }
  const throttled = (mode: RetryMode) => creates[mode].map(c => c.result.faultCounts['rate-limit']);
  const wall = (mode: RetryMode) => creates[mode].map(c => c.result.wallMs);
  const figures: Figure[] = [
    {
      name: `create ${MEMBERS.toLocaleString('en-US')} members, API limited to ${MAX_REQUESTS_PER_SECOND} req/s: throttled calls`,
      unit: 'calls',
      measured: throttled('adaptive'),
      baselineName: 'standard retry (no rate limiting)',
      baseline: throttled('standard'),
      target: { op: '<', value: 1 },
    },
    {
      name: 'same: wall time until converged',
      unit: 's',
      measured: wall('adaptive'),
      baselineName: 'standard retry (no rate limiting)',
      baseline: wall('standard'),
    },
    {
      name: 'light client (4 req/s), 1 s throttled: median latency in the 3 s after',
      unit: 'ms',
      measured: light.adaptive.map(l => l.medianLatencyAfterMs),
      baselineName: 'standard retry (no rate limiting)',
      baseline: light.standard.map(l => l.medianLatencyAfterMs),
    },
  ];
  const describeCreate = (mode: RetryMode) => {
    const runs = creates[mode];
    const rate = median(runs.map(c => successfulRate(c.result.calls)));
    const lowest = runs.map(c => c.lowestAllowedRate).filter((r): r is number => r !== undefined);
    return `${mode}: all ${runs.length} runs converged; calls answered per run ${runs.map(c => c.result.calls.length).join(', ')}; ` +
      `successful requests per second, median ${rate.toFixed(0)} of the ${MAX_REQUESTS_PER_SECOND} allowed` +
      (lowest.length > 0 ? `; the lowest send rate a shard's rate limiter allowed, median over runs ${median(lowest).toFixed(1)} req/s` : '');
  };
  const describeLight = (mode: RetryMode) => `${mode}: requests completed per second (first run, throttled from ${LIGHT.throttleFromMs / 1000} s to ${LIGHT.throttleUntilMs / 1000} s): ` +
    `${light[mode][0].completionsPerSecond.join(' ')}; failed ${light[mode].map(l => l.failed).join(', ')}`;
  return {
    suite: 'Throttling',
    runs: options.runs,
    figures,
    notes: [
      `The API answers 429 ThrottlingException above ${MAX_REQUESTS_PER_SECOND} requests per second (token bucket holding one second of requests, all operations), ${LATENCY_MS} ms per call; both variants run the same handler at maxConcurrency 8 per shard, 8 attempts per call.`,
      describeCreate('adaptive'),
      describeCreate('standard'),
      describeLight('adaptive'),
      describeLight('standard'),
    ],
  };
}
