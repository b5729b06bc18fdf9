/**
 * The fast chaos run: a few planned sequences (local/chaos), played at once through
 * the local runner and the real handler bundle, against an emulator that throttles,
 * fails with 5xx, resets connections before and after the write, and delays. After
 * every step FinSpace must hold exactly what the declarations say (see
 * local/chaos/expectation.ts); a failure names the seed and step that replay it.
 *
 * The seeds are chosen to cover both planned failures and their rollbacks (real
 * users added next to the unknown one, in a membership updated and in one created on
 * a group that outlives the rollback: both must be removed again), exclusive and
 * additive memberships with outside members, users dropped from an additive
 * membership, a user handed from one membership of a group to another, a group
 * replaced by a move to the other environment, a membership moved to another group,
 * renames, permission changes and retained resources; and the safety steps: a
 * handler whose privilege comes from the stack's admin group, which a step tries to
 * take away (refused, rolled back), a user disabled outside CloudFormation and then
 * declared (refused at once, rolled back), users added outside and then declared by a
 * step that fails (kept by its rollback: they were there before); FinSpaceUsers of
 * the stack, created (a retained one a member of a group by the construct), changed
 * in type, and removed by the destroys (disabled, or left enabled); and a long outage
 * (seed 315: FinSpace answers only 500s for 55 s of a deploy, longer than either
 * handler function may run, which the step must survive). The last tests check that
 * they still do.
 *
 * Throttling costs real time: the SDK backs off from 1 s and its adaptive limiter
 * then paces the handler, so these six short sequences take 40 to 80 seconds where
 * the same without faults takes one. The long run is `npm run chaos`.
 */
import { type Declaration, EMPTY_DECLARATION, groupIdentity } from '../../../local/chaos/environments';
import { addFigures, emptyFigures, type Figures } from '../../../local/chaos/figures';
import { OUTAGE_HANDLER_TIMEOUTS, planSequence, type Plan } from '../../../local/chaos/plan';
import { runSequence, type SequenceReport } from '../../../local/chaos/sequence';

jest.setTimeout(300_000);

const SEEDS = [2, 12, 26, 161, 203, 315];
const DEPLOY_STEPS = 2;

const plans: Plan[] = SEEDS.map(seed => planSequence(seed, { deploySteps: DEPLOY_STEPS }));
let reports: SequenceReport[];
let total: Figures;
beforeAll(async () => {
  reports = await Promise.all(plans.map(plan => runSequence(plan)));
  total = emptyFigures();
  reports.forEach(report => addFigures(total, report.figures));
});

test.each(SEEDS)('seed %i: after every step FinSpace holds exactly what the declarations say', seed => {
  const { failure } = reports.find(report => report.seed === seed)!;
  const replay = `npm run chaos -- --seed ${seed} --steps ${DEPLOY_STEPS} --sequences 1 --verbose`;
  expect(failure && [`step ${failure.step}: ${failure.changes.join('; ')}`, ...failure.problems, `replay: ${replay}`]).toBeUndefined();
});

test('every kind of fault was injected, and the handler was throttled often', () => {
  for (const plan of plans) {
    expect(plan.config.faults.throttleRate).toBeGreaterThanOrEqual(0.2);
    expect(plan.config.faults.serverErrorRate).toBeGreaterThanOrEqual(0.05);
  }
  expect(total.faults.throttle).toBeGreaterThan(0.1 * total.requests);
  expect(total.faults['server-error']).toBeGreaterThan(0);
  expect(total.faults.reset).toBeGreaterThan(0);
  expect(total.faults['reset-after-write']).toBeGreaterThan(0);
});

test('the planned failures were refused by FinSpace and rolled back, and the checks saw outside members', () => {
  const planned = plans.flatMap(plan => plan.steps).filter(step => step.kind === 'deploy' && step.plannedFailure).length;
  // A planned failure may be beaten to it by faults that outlast the retries: it rolls back all the same.
  expect(total.plannedRollbacks).toBeGreaterThan(0);
  expect(total.plannedRollbacks + total.unplannedRollbacks).toBeGreaterThanOrEqual(planned);
  // Every runner operation is checked, but a destroy that failed and was run again; and every drift round.
  expect(total.checks).toBe(total.steps - total.failedDestroys + total.drift.rounds);
  expect(total.outsideMembersChecked).toBeGreaterThan(0);
  expect(total.declaredMembersChecked).toBeGreaterThan(0);
  // The stack's people, after every step: the adopted user and the FinSpaceUsers the steps create, change and remove.
  expect(total.usersChecked).toBeGreaterThan(total.checks);
});

test('between steps, every change made outside CloudFormation was found by the drift audit and healed', () => {
  expect(total.drift.rounds).toBeGreaterThan(0);
  expect(total.drift.injected).toBeGreaterThan(total.drift.rounds);
  expect(total.drift.found).toBe(total.drift.injected);
  expect(total.drift.healedFirstRun + total.drift.healedSecondRun).toBe(total.drift.injected);
});

test('the safety steps failed for their reasons and rolled back, and the rollbacks kept the members added before them', () => {
  // Refused by the handler (lockout) or by FinSpace (disabled user), as PLANNED_FAILURE_REASONS in local/chaos/sequence.ts reads the reason.
  expect(total.plannedRollbacksByFailure.lockout).toBeGreaterThan(0);
  expect(total.plannedRollbacksByFailure['disabled-user']).toBeGreaterThan(0);
  expect(total.preExistingMembersKeptByRollback).toBeGreaterThan(0);
  // The long outage outlasted the handler functions' timeouts, and the step completed all the same.
  expect(total.outages).toBe(1);
  expect(total.outagesCutShort).toBe(0);
  expect(total.stepsCompletedThroughOutage).toBe(1);
  expect(total.longestOutageMs).toBeGreaterThan(OUTAGE_HANDLER_TIMEOUTS.onEvent * 1000);
  // Checked after every step: the handler's user never lost ManageUsersAndGroups.
  expect(total.problems.lockout).toBeUndefined();
});

test('the seeds still cover what they were chosen for', () => {
  const steps = plans.flatMap(plan => plan.steps);
  const changes = steps.flatMap(step => step.changes).join('\n');
  const failures = new Set(steps.map(step => step.kind === 'deploy' ? step.plannedFailure : undefined));
  expect(failures).toEqual(new Set([undefined, 'unknown-user', 'name-taken', 'lockout', 'disabled-user']));
  expect(steps.some(step => step.kind === 'deploy' && step.preExistingMembers)).toBe(true);
  expect(new Set(plans.map(plan => plan.config.handlerPrivilege))).toEqual(new Set(['superuser', 'group']));
  const declarations = steps.flatMap(step => step.kind === 'deploy' ? [step.declaration] : []);
  expect(declarations.some(d => d.memberships.some(m => m.exclusive))).toBe(true);
  expect(declarations.some(d => d.memberships.some(m => !m.exclusive && m.users.length > 0))).toBe(true);
  expect(steps.some(step => step.outsideAdditions.length > 0)).toBe(true);
  expect(changes).toMatch(/retain/);
  // FinSpaceUsers created (one retained, one a superuser) and made members by the construct; the destroys remove them.
  expect(declarations.some(d => d.memberships.some(m => (m.people ?? []).length > 0))).toBe(true);
  expect(changes).toMatch(/add person \w+ in \w \(APP_USER, retain\), and make person \w+ a member/);
  expect(changes).toMatch(/make person \w+ APP_USER/);
  const deployed = steps.filter(step => step.kind === 'deploy' && !step.plannedFailure).flatMap(step => step.changes).join('\n');
  const failed = steps.filter(step => step.kind === 'deploy' && step.plannedFailure).flatMap(step => step.changes).join('\n');
  for (const change of [/(^|[^e])move group .* \(replacement\)/, /(^|[^e])move membership/, /rename group/, /set permissions/, /hand \w+ from membership/]) {
    expect(deployed).toMatch(change);
  }
  expect(plans.some(droppedFromAdditive)).toBe(true);
  expect(failed).toMatch(/add \[\w.*\] to membership/);
  expect(failed).toMatch(/add additive membership (Members\d+) on imported group \S+ \[\w[^]*add unknown user ghost01 to membership \1\b/);
});

/**
 * Whether a step that succeeds drops users from an additive membership that stays on
 * its group, and no membership of the group declares them any more.
 */
function droppedFromAdditive(plan: Plan): boolean {
  let deployed: Declaration = EMPTY_DECLARATION;
  for (const step of plan.steps) {
    if (step.kind === 'deploy' && step.plannedFailure) continue;
    const next = step.kind === 'deploy' ? step.declaration : EMPTY_DECLARATION;
    const drops = next.memberships.some(membership => {
      const before = deployed.memberships.find(m => m.id === membership.id);
      const identity = groupIdentity(next, membership.group);
      const declared = (user: string) => next.memberships.some(m => groupIdentity(next, m.group) === identity && m.users.includes(user));
      return before !== undefined && !before.exclusive && !membership.exclusive &&
        groupIdentity(deployed, before.group) === identity && before.users.some(user => !declared(user));
    });
    if (drops) return true;
    deployed = next;
  }
  return false;
}
