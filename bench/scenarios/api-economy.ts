/**
 * API economy: the calls a deployment makes (every request the emulator
 * answered, retries included) against the fewest that the job requires.
 *
 * The minimum, per resource that gets an event: the writes the change needs;
 * one listing of the group in onEvent (the handler's contract: it repairs
 * members changed outside CloudFormation, so it must look); and one
 * confirmation once FinSpace has settled, which is either a listing of the
 * whole group or a ListPermissionGroupsByUser page per changed user, whichever
 * is fewer; plus one credential call per Lambda environment that calls
 * FinSpace (an environment cannot use another's credentials). Polls that find
 * changes still in flight are not in the minimum: they are the cost measured.
 */
import { createScenario, LATENCY_MS, MEMBERS, SETTLE_MS } from './reconcile-speed';
import { DEFAULT_PAGE_SIZE } from '../../lambda/finspace';
import { parseGroupMembershipProperties } from '../../lambda/properties';
import type { CallRecord } from '../../local/emulator';
import { environmentSeed, userIds } from '../support/finspace-seed';
import { callsByOperation, measureDeployment, type DeploymentMeasurement } from '../support/measure-deployment';
import type { Figure, SuiteResult } from '../support/report';
import { median } from '../support/stats';
import { synthesizeMembership, type SynthesizedMembership } from '../support/synthesized-stack';

export interface ApiEconomyOptions {
  readonly runs: number;
}

const WRITES = new Set(['AssociateUserToPermissionGroup', 'DisassociateUserFromPermissionGroup']);
const READS = new Set(['ListUsersByPermissionGroup', 'ListPermissionGroupsByUser']);
const CREDENTIALS = 'GetProgrammaticAccessCredentials';

interface Minimum {
  readonly writes: number;
  readonly reads: number;
  readonly credentials: number;
  readonly total: number;
}

/**
 * The fewest calls for deploying `next` over `previous` onto a group of `membersBefore`
 * users, from `lambdaEnvironments` Lambda environments that call FinSpace.
 */
function minimumCalls(
  previous: SynthesizedMembership | undefined,
  next: SynthesizedMembership,
  membersBefore: number,
  lambdaEnvironments: number,
): Minimum {
  const before = new Map((previous?.resources ?? []).map(r => [r.logicalId, new Set(parseGroupMembershipProperties(r.properties).userIds)]));
  const pages = (members: number) => Math.max(1, Math.ceil(members / DEFAULT_PAGE_SIZE));
  let writes = 0;
  let reads = 0;
  let membersAfter = membersBefore;
  const changes = next.resources.flatMap(resource => {
    const declared = new Set(parseGroupMembershipProperties(resource.properties).userIds);
    const old = before.get(resource.logicalId) ?? new Set<string>();
    const added = [...declared].filter(u => !old.has(u)).length;
    const removed = [...old].filter(u => !declared.has(u)).length;
    membersAfter += added - removed;
    return added + removed === 0 ? [] : [added + removed];
  });
  for (const changed of changes) {
    writes += changed;
    // onEvent's listing finds the group as it was (all resources start at once).
    reads += pages(membersBefore);
    reads += Math.min(pages(membersAfter), changed);
  }
  return { writes, reads, credentials: lambdaEnvironments, total: writes + reads + lambdaEnvironments };
}

function tally(calls: readonly CallRecord[]) {
  const count = (match: (operation: string) => boolean) => calls.filter(c => match(c.operation)).length;
  return {
    writes: count(op => WRITES.has(op)),
    reads: count(op => READS.has(op)),
    credentials: count(op => op === CREDENTIALS),
    total: calls.length,
  };
}

interface Case {
  readonly name: string;
  readonly previous?: SynthesizedMembership;
  readonly next: SynthesizedMembership;
  readonly membersBefore: readonly string[];
  readonly expectedMembers: readonly string[];
}

export async function apiEconomy(options: ApiEconomyOptions): Promise<SuiteResult> {
  const users = userIds(MEMBERS);
  const extra = userIds(1, MEMBERS + 1)[0];
  const declared = synthesizeMembership({ userIds: users });
  const cases: Case[] = [
    { name: `create ${MEMBERS.toLocaleString('en-US')} members`, next: declared, membersBefore: [], expectedMembers: users },
    {
      name: `update: 1 member added to ${MEMBERS.toLocaleString('en-US')}`,
      previous: declared,
      next: synthesizeMembership({ userIds: [...users, extra] }),
      membersBefore: users,
      expectedMembers: [...users, extra],
    },
    {
      name: `update: 1 member removed from ${MEMBERS.toLocaleString('en-US')}`,
      previous: declared,
      next: synthesizeMembership({ userIds: users.slice(1) }),
      membersBefore: users,
      expectedMembers: users.slice(1),
    },
  ];

  const results = cases.map(() => [] as { result: DeploymentMeasurement; minimum: Minimum }[]);
  for (let run = 0; run < options.runs; run++) {
    for (const [index, c] of cases.entries()) {
      const result = await measureDeployment({
        ...createScenario(c.next, c.expectedMembers),
        seed: environmentSeed({ users: [...users, extra], members: c.membersBefore }),
        previous: c.previous,
      });
      if (!result.ok) throw new Error(`${c.name} failed: ${result.resources.map(r => r.reason).filter(Boolean).join('; ')}`);
      results[index].push({ result, minimum: minimumCalls(c.previous, c.next, c.membersBefore.length, result.lambdaEnvironmentsCalling) });
    }
  }

  const figures: Figure[] = cases.map((c, index) => ({
    name: `${c.name}: API calls`,
    unit: 'calls',
    measured: results[index].map(r => r.result.calls.length),
    baselineName: 'minimum for the change',
    baseline: results[index].map(r => r.minimum.total),
    target: { op: '<=', value: 1.1 },
  }));
  const notes = cases.map((c, index) => {
    const last = results[index][results[index].length - 1];
    const made = tally(last.result.calls);
    const polls = results[index].map(r => r.result.resources.map(x => x.polls).join('+')).join(', ');
    return `${c.name} (last run): made ${made.writes} writes + ${made.reads} list pages + ${made.credentials} credential calls = ${made.total} ` +
      `(${JSON.stringify(callsByOperation(last.result.calls))}); minimum ${last.minimum.writes} + ${last.minimum.reads} + ${last.minimum.credentials} = ${last.minimum.total}; ` +
      `resources with an event: ${last.result.resources.length} of ${c.next.resources.length}; isComplete polls per resource by run: ${polls}; ` +
      `wall time, median ${(median(results[index].map(r => r.result.wallMs)) / 1000).toFixed(2)} s.`;
  });
  return {
    suite: 'API economy',
    runs: options.runs,
    figures,
    notes: [
      `${LATENCY_MS} ms per call, ${SETTLE_MS} ms settle, poll interval as synthesized (5 s). Every request the emulator answered counts, retries and credential calls included.`,
      'Minimum per resource that gets an event: the writes; one onEvent listing of the group as found (the handler repairs drift, so it must look); one confirmation after FinSpace settled, a listing of the group or one ListPermissionGroupsByUser page per changed user, whichever is fewer; one credential call per Lambda environment that calls FinSpace.',
      ...notes,
    ],
  };
}
