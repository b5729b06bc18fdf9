/**
 * Throttling: 5,000 members created while the API refuses requests above a fixed
 * rate (the emulator's token bucket, faults.maxRequestsPerSecond), the shipped
 * handler in the runner's Lambda containers as in every other suite, against the
 * rate bound: the fewest calls the create needs, at the rate the API allows, then
 * the settle.
 *
 * The members are split over two groups of one stack, 2,500 each, whose two
 * membership resources CloudFormation creates at once: one resource at its own
 * concurrency (8 calls in flight at 20 ms) cannot send 350 requests a second, so it
 * would measure its concurrency, not how the send window behaves under throttling.
 *
 * Then a lightly loaded client throttled for a second: the client's send window
 * (adaptive mode, the handler's) against backoff alone (standard mode), to show that
 * the pacing does not hold a light client down once the API is fine again.
 */
import { createScenario, LATENCY_MS, MEMBERS, SETTLE_MS } from './reconcile-speed';
import { FinSpaceDataClient, VendedCredentialCache, type RetryMode } from '../../lambda/finspace';
import { parseGroupMembershipProperties } from '../../lambda/properties';
import type { CallRecord } from '../../local/emulator';
import { withEmulator } from '../support/emulator-process';
import { ENVIRONMENT_ID, environmentSeed, GROUP_ID, HANDLER_ROLE_KEYS, userIds } from '../support/finspace-seed';
import { measureDeployment, type DeploymentMeasurement } from '../support/measure-deployment';
import type { Figure, SuiteResult } from '../support/report';
import { median } from '../support/stats';
import { synthesizeMembership, type SynthesizedMembership } from '../support/synthesized-stack';

/** Under what the two resources send unthrottled (up to 2 x 8 calls in flight at 20 ms: 800 a second). */
export const MAX_REQUESTS_PER_SECOND = 350;
/** The second group of the stack; the first is the benchmark's GROUP_ID. */
const SECOND_GROUP_ID = 'benchgroup0000000000002';

export interface ThrottlingOptions {
  readonly runs: number;
}

/**
 * The fastest any handler could create the members at this rate: the calls before
 * the last write (per resource a credential call and one page of the empty group,
 * then every write), less the bucket's first second, at the allowed rate; then the
 * settle of the last write and one page read after it (the rest of the confirming
 * listing overlaps the settle, as in the reconcile speed bound):
 *
 *   bound = (writes + 2 x resources - rate) / rate + settle + latency
 */
export function rateBoundMs(membership: SynthesizedMembership): { boundMs: number; derivation: string } {
  const resources = membership.resources.map(r => parseGroupMembershipProperties(r.properties).userIds.length);
  const writes = resources.reduce((a, b) => a + b, 0);
  const calls = writes + 2 * resources.length;
  const burst = MAX_REQUESTS_PER_SECOND;
  const boundMs = ((calls - burst) / MAX_REQUESTS_PER_SECOND) * 1000 + SETTLE_MS + LATENCY_MS;
  const derivation = `(${writes.toLocaleString('en-US')} writes + ${resources.length} resources x (1 credential call + 1 page of the empty group) = ${calls.toLocaleString('en-US')} calls ` +
    `- ${burst} the bucket holds at the start) / ${MAX_REQUESTS_PER_SECOND} req/s + ${SETTLE_MS} ms settle + ${LATENCY_MS} ms for the page read after it = ${(boundMs / 1000).toFixed(2)} s`;
  return { boundMs, derivation };
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
  const users = userIds(MEMBERS);
  const half = MEMBERS / 2;
  const [first, second] = [users.slice(0, half), users.slice(half)];
  const membership = synthesizeMembership({ userIds: first, otherGroups: { [SECOND_GROUP_ID]: second } });
  if (membership.resources.length !== 2) throw new Error(`expected two membership resources, got ${membership.resources.length}`);
  const bound = rateBoundMs(membership);
  const creates: DeploymentMeasurement[] = [];
  const light: Record<RetryMode, LightClientRun[]> = { adaptive: [], standard: [] };
  for (let run = 0; run < options.runs; run++) {
    const result = await measureDeployment({
      ...createScenario(membership, first),
      seed: environmentSeed({ users, extraGroups: [SECOND_GROUP_ID] }),
      otherGroupsExpected: { [SECOND_GROUP_ID]: second },
      faults: { latencyMs: LATENCY_MS, maxRequestsPerSecond: MAX_REQUESTS_PER_SECOND },
    });
    if (!result.ok) throw new Error(`the throttled create did not converge: ${result.resources.map(r => r.reason).filter(Boolean).join('; ')}`);
    creates.push(result);
    for (const mode of ['adaptive', 'standard'] as RetryMode[]) light[mode].push(await lightClient(mode));
  }
  const figures: Figure[] = [
    {
      name: `create ${MEMBERS.toLocaleString('en-US')} members (2 groups at once), API limited to ${MAX_REQUESTS_PER_SECOND} req/s: wall time until converged`,
      unit: 's',
      measured: creates.map(c => c.wallMs),
      baselineName: 'rate bound',
      baseline: creates.map(() => bound.boundMs),
      target: { op: '<=', value: 1.1 },
    },
    {
      name: 'light client (4 req/s), 1 s throttled: median latency in the 3 s after',
      unit: 'ms',
      measured: light.adaptive.map(l => l.medianLatencyAfterMs),
      baselineName: 'standard retry (backoff only)',
      baseline: light.standard.map(l => l.medianLatencyAfterMs),
    },
  ];
  const throttled = creates.map(c => c.faultCounts['rate-limit']);
  const describeLight = (mode: RetryMode) => `light client, ${mode}: requests completed per second (first run, throttled from ${LIGHT.throttleFromMs / 1000} s to ${LIGHT.throttleUntilMs / 1000} s): ` +
    `${light[mode][0].completionsPerSecond.join(' ')}; failed ${light[mode].map(l => l.failed).join(', ')}`;
  return {
    suite: 'Throttling',
    runs: options.runs,
    figures,
    notes: [
      `The API answers 429 ThrottlingException above ${MAX_REQUESTS_PER_SECOND} requests per second (token bucket holding one second of requests, all operations), ${LATENCY_MS} ms per call, ${SETTLE_MS} ms settle; the handler at its defaults (maxConcurrency 8 per resource, 8 attempts per call, the send window); 2 groups of ${half.toLocaleString('en-US')} members, their membership resources created at once, each in Lambda environments of its own.`,
      `Rate bound: ${bound.derivation}.`,
      `Create: all ${creates.length} runs converged; calls answered per run ${creates.map(c => c.calls.length).join(', ')}; throttled calls per run ${throttled.join(', ')}; ` +
        `successful requests per second, median ${median(creates.map(c => successfulRate(c.calls))).toFixed(0)} of the ${MAX_REQUESTS_PER_SECOND} allowed.`,
      describeLight('adaptive'),
      describeLight('standard'),
    ],
  };
}
