/**
 * Members that FinSpace never finishes adding, deployed with the local runner: the
 * deployment fails within the configured timeout, with the handler's reason (how
 * many are stuck, which, since when) rather than the waiter's "Operation timed out",
 * and the stack rolls back.
 *
 * The timeout is scaled down to 3 seconds (polls every second), the shortest that
 * FinSpaceDataAccess accepts; the handler gives up two polls before the waiter would.
 * The runner keeps the synthesized poll interval here: replacing it would shrink the
 * waiter's timeout but not the handler's own deadline, which is real time.
 */
import { Duration } from 'aws-cdk-lib';
import type { Declaration } from '../../../local/chaos/environments';
import type { RunnerEvent } from '../../../local/runner';
import { group, membership, StackWorld } from '../support/stack-world';

jest.setTimeout(30_000);

const TIMEOUT_MS = 3_000;
const NEVER = 60 * 60 * 1000;

const analysts = (users: string[]): Declaration => ({
  groups: [group('Analysts', { name: 'analysts' })],
  memberships: [membership('AnalystMembers', 'Analysts', users)],
});

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start({
    timing: { timeout: Duration.millis(TIMEOUT_MS), pollInterval: Duration.seconds(1) },
    pollIntervalMs: 'as-synthesized',
  });
});
afterEach(() => world.stop());

test('members stuck in a new membership fail the create within the timeout, naming them, and the stack rolls back', async () => {
  world.emulator.setBehaviour({ additionDelayMs: NEVER });

  const deployment = await world.deploy(analysts(['user01', 'user02']));

  expect(deployment.status).toBe('ROLLBACK_COMPLETE');
  const failed = failedEvent(deployment.events, 'CREATE_FAILED');
  expect(failed.logicalId).toMatch(/^AnalystMembers/);
  expect(failed.reason).toMatch(/group membership AnalystMembers\w*: members did not settle within .* 2 still not ADDITION_SUCCESS \('user01', 'user02'\)/);
  expect(failed.reason).not.toContain('Operation timed out');
  expect(failed.elapsedMs).toBeLessThan(TIMEOUT_MS);
  // The rollback removed the members being added and deleted the group.
  expect(world.group('analysts')).toBeUndefined();
});

test('a member stuck in an updated membership fails the update within the timeout, and the rollback removes it', async () => {
  await world.deploy(analysts(['user01', 'user02']));
  world.emulator.setBehaviour({ additionDelayMs: NEVER });

  const deployment = await world.deploy(analysts(['user01', 'user02', 'user03']));

  expect(deployment.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const failed = failedEvent(deployment.events, 'UPDATE_FAILED');
  expect(failed.reason).toMatch(/members did not settle within .* 1 still not ADDITION_SUCCESS \('user03'\)/);
  expect(failed.elapsedMs).toBeLessThan(TIMEOUT_MS);
  expect(world.members('analysts')).toEqual(['user01', 'user02']);
});

function failedEvent(events: readonly RunnerEvent[], status: string) {
  const event = events.find(e => e.kind === 'resource' && e.status === status);
  if (event?.kind !== 'resource') throw new Error(`no ${status} event`);
  return event;
}
