/**
 * Every wait of an invocation respects the Lambda's deadline: a handler still
 * waiting for FinSpace when the Lambda stops is killed mid-call. Time is simulated
 * (see handler-world), so the deadline is exact and nothing sleeps for real.
 */
import { handle } from '../../lambda';
import type { IsCompleteResponse } from '../../lambda/provider-types';
import { cfnEvent, GROUP_MEMBERSHIP, groupProps, membershipProps, PERMISSION_GROUP, seedWith, startWorld, World } from '../lambda/support/handler-world';

/** How long the provider's isComplete Lambda may run. */
const INVOCATION_MS = 40_000;
let world: World;
afterEach(() => world?.stop());

test('a poll under throttling that outlasts the invocation answers before the Lambda stops, with no call in flight', async () => {
  world = await startWorld({ seed: seedWith(['alice']), invocationMs: INVOCATION_MS });
  const groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice']));
  const answer = await world.onEvent(event);
  world.emulator.setFaults({ seed: 11, throttleRate: 1, operations: ['ListUsersByPermissionGroup'] });
  world.emulator.resetCalls();

  const invokedAt = world.clock.now();
  const poll = await handle<IsCompleteResponse>({ ...event, ...answer }, world.context(), 'isComplete');

  expect(poll).toEqual({ IsComplete: false });
  const lambdaStops = invokedAt + INVOCATION_MS;
  // It answered in time, and every request it made had been answered by then.
  expect(world.clock.now()).toBeLessThan(lambdaStops);
  const calls = world.emulator.calls;
  expect(calls.length).toBeGreaterThan(1);
  expect(calls.every(call => call.time < lambdaStops && call.errorType === 'ThrottlingException')).toBe(true);
});
