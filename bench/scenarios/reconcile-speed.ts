/**
 * Reconcile speed: one GroupMembership of 5,000 users created against an API
 * that answers every call after 20 ms and settles each addition 1 s after it
 * was asked for. The construct synthesizes one resource (its ids, beyond 3,000, in
 * an S3 object, which the bench hands to the handler inline); a stack of older
 * shards would run them at once, and the bound takes the largest. Then a
 * one-member change to that group, added or removed, with the default settings.
 */
import { DEFAULT_PAGE_SIZE } from '../../lambda/finspace';
import { parseGroupMembershipProperties } from '../../lambda/properties';
import { environmentSeed, userIds } from '../support/finspace-seed';
import { callsByOperation, measureDeployment, type DeploymentMeasurement } from '../support/measure-deployment';
import type { Figure, SuiteResult } from '../support/report';
import { inTurn, median } from '../support/stats';
import { synthesizeMembership, type SynthesizedMembership } from '../support/synthesized-stack';

export const MEMBERS = 5000;
export const LATENCY_MS = 20;
export const SETTLE_MS = 1000;

export interface ReconcileSpeedOptions {
  readonly runs: number;
}

/** The starting state and API behaviour shared by the create benchmarks. */
export function createScenario(next: SynthesizedMembership, users: readonly string[]) {
  return {
    seed: environmentSeed({ users }),
    behaviour: { additionDelayMs: SETTLE_MS, removalDelayMs: SETTLE_MS },
    faults: { latencyMs: LATENCY_MS },
    next,
    expectedMembers: users,
  };
}

/**
 * The fastest any handler could finish with this concurrency: per resource, one
 * credential call, one listing page of the empty group, its writes in waves of
 * `concurrency`, then the settle delay of the last write and one page read after
 * it. The rollback record's PutParameter is left out: Parameter Store answers the
 * bench at once, with no latency injected. The listing that confirms the members overlaps the settle: its pages come in
 * association order, so all but the last can be read while the last writes settle
 * (a listing started after the settle would add 20 ms a page). Resources run side by
 * side, so the slowest bounds the deployment. Poll intervals are not in it:
 * waiting for the next poll is the cost measured.
 *
 *   bound = latency x (1 + 1 + ceil(largest shard / concurrency)) + settle + latency
 */
export function lowerBoundMs(membership: SynthesizedMembership): { boundMs: number; derivation: string } {
  const concurrency = Number(membership.onEvent.environment.MAX_CONCURRENCY);
  const shards = membership.resources.map(r => parseGroupMembershipProperties(r.properties).userIds.length);
  const perShard = shards.map(writes => LATENCY_MS * (1 + 1 + Math.ceil(writes / concurrency)) + SETTLE_MS + LATENCY_MS);
  const boundMs = Math.max(...perShard);
  const largest = Math.max(...shards);
  const resources = shards.length === 1 ? `one resource of ${shards[0]}` : `${shards.length} resources of ${shards.join(' + ')}`;
  const derivation = `${resources} users, concurrency ${concurrency} each: ` +
    `${LATENCY_MS} ms x (1 credential call + 1 page of the empty group + ceil(${largest}/${concurrency}) = ${Math.ceil(largest / concurrency)} write waves) ` +
    `+ ${SETTLE_MS} ms settle of the last write + ${LATENCY_MS} ms for the last listing page read after it = ${(boundMs / 1000).toFixed(2)} s`;
  return { boundMs, derivation };
}

/** Goal for a one-member change with the default settings, in ms of wall time. */
const SMALL_CHANGE_WALL_MS = 2_000;

/**
 * The calls a one-member change may take: the listing of the group that a deploy
 * needs to heal drift (pages of the larger of the group before and after), plus the
 * write, its confirmation and one credential call for each of onEvent's and
 * isComplete's Lambda environments.
 */
function smallChangeCallBudget(membersBefore: number, membersAfter: number): number {
  return Math.ceil(Math.max(membersBefore, membersAfter) / DEFAULT_PAGE_SIZE) + 4;
}

export async function reconcileSpeed(options: ReconcileSpeedOptions): Promise<SuiteResult> {
  const users = userIds(MEMBERS);
  // The construct's defaults (pollInterval 5 s, maxConcurrency 8), and the same
  // handler writing one call at a time.
  const variants = {
    product: synthesizeMembership({ userIds: users }),
    serial: synthesizeMembership({ userIds: users, maxConcurrency: 1 }),
  };
  const bound = lowerBoundMs(variants.product);
  const newcomer = userIds(1, MEMBERS + 1)[0];
  const changes = [
    { name: `update: 1 member added to ${MEMBERS.toLocaleString('en-US')}`, next: synthesizeMembership({ userIds: [...users, newcomer] }), after: [...users, newcomer] },
    { name: `update: 1 member removed from ${MEMBERS.toLocaleString('en-US')}`, next: synthesizeMembership({ userIds: users.slice(1) }), after: users.slice(1) },
  ];

  const measured: Record<keyof typeof variants, DeploymentMeasurement[]> = { product: [], serial: [] };
  const changed = changes.map(() => [] as DeploymentMeasurement[]);
  for (let run = 0; run < options.runs; run++) {
    for (const name of inTurn(run, Object.keys(variants) as (keyof typeof variants)[])) {
      const result = await measureDeployment(createScenario(variants[name], users));
      if (!result.ok) throw new Error(`the ${name} create failed: ${result.resources.map(r => r.reason).filter(Boolean).join('; ')}`);
      measured[name].push(result);
    }
    for (const [index, change] of changes.entries()) {
      const result = await measureDeployment({
        ...createScenario(change.next, change.after),
        seed: environmentSeed({ users: [...users, newcomer], members: users }),
        previous: variants.product,
      });
      if (!result.ok) throw new Error(`${change.name} failed: ${result.resources.map(r => r.reason).filter(Boolean).join('; ')}`);
      changed[index].push(result);
    }
  }

  const wall = (name: keyof typeof variants) => measured[name].map(m => m.wallMs);
  const figures: Figure[] = [
    {
      name: `create ${MEMBERS.toLocaleString('en-US')} members (one resource): wall time`,
      unit: 's',
      measured: wall('product'),
      baselineName: 'lower bound, concurrency 8',
      baseline: wall('product').map(() => bound.boundMs),
      target: { op: '<=', value: 1.2 },
    },
    {
      name: 'same: speed-up over the handler at concurrency 1',
      unit: 's',
      measured: wall('product'),
      baselineName: 'same handler, maxConcurrency 1',
      baseline: wall('serial'),
      ratio: 'speedup',
      target: { op: '>=', value: 6 },
    },
    ...changes.flatMap((change, index): Figure[] => [
      {
        name: `${change.name}: wall time`,
        unit: 's',
        measured: changed[index].map(m => m.wallMs),
        baselineName: 'goal',
        baseline: changed[index].map(() => SMALL_CHANGE_WALL_MS),
        target: { op: '<=', value: 1 },
      },
      {
        name: 'same: API calls',
        unit: 'calls',
        measured: changed[index].map(m => m.calls.length),
        baselineName: 'listing pages + 4',
        baseline: changed[index].map(() => smallChangeCallBudget(MEMBERS, change.after.length)),
        target: { op: '<=', value: 1 },
      },
    ]),
  ];
  const describe = (name: keyof typeof variants) => {
    const runs = measured[name];
    const onEvent = median(runs.flatMap(r => r.resources.map(x => x.onEventMs)));
    const polls = runs.map(r => r.resources.map(x => x.polls).join('+')).join(', ');
    return `onEvent median ${(onEvent / 1000).toFixed(2)} s per shard; isComplete polls per shard by run: ${polls}`;
  };
  return {
    suite: 'Reconcile speed',
    runs: options.runs,
    figures,
    notes: [
      `Lower bound: ${bound.derivation}.`,
      `Wall time: from the first onEvent to the last isComplete that answers IsComplete: true. As the Provider framework does, isComplete is called at once after onEvent, then every pollInterval (${variants.product.pollIntervalMs / 1000} s, the construct's default, read from the synthesized waiter). Lambda and Step Functions overheads are not modelled.`,
      `concurrency 8: ${describe('product')}.`,
      `concurrency 1: ${describe('serial')}; its lower bound ${(lowerBoundMs(variants.serial).boundMs / 1000).toFixed(2)} s.`,
      'The first isComplete lists all 5,000 members in association order (50 pages, about 1.1 s), so by the time it reads the last page, the last additions have had their 1 s to settle; whatever it still finds in flight it checks again within the same invocation after short pauses (lambda/settle-wait.ts), so the 5 s poll interval does not enter the wall time.',
      ...changes.map((change, index) => {
        const runs = changed[index];
        const byOperation = (m: DeploymentMeasurement) => Object.entries(callsByOperation(m.calls)).map(([op, n]) => `${op} ${n}`).join(', ');
        return `${change.name}: ${runs.map(r => r.resources.length).join(', ')} resource(s) with an event; isComplete invocations ${runs.map(r => r.resources.map(x => x.polls).join('+')).join(', ')}; ` +
          `onEvent ${runs.map(r => (r.resources[0].onEventMs / 1000).toFixed(2)).join(', ')} s; calls (last run): ${byOperation(runs[runs.length - 1])}.`;
      }),
    ],
  };
}
