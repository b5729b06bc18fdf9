/**
 * A FinSpace outage must not fail an event before the handler's timeout: a failed
 * rollback leaves the stack UPDATE_ROLLBACK_FAILED. onEvent answers, and the polls
 * of isComplete make the remaining changes once FinSpace answers again. Time is
 * simulated (see handler-world): the outages below outlast several invocations.
 */
import { handle } from '../../lambda';
import type { IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';
import { cfnEvent, GROUP_MEMBERSHIP, groupProps, groupsOf, membershipProps, membersOf, PERMISSION_GROUP, seedWith, startWorld, World } from '../lambda/support/handler-world';

/** How long one invocation may run (the provider's isComplete Lambda). */
const INVOCATION_MS = 2 * 60_000;
/** The Provider framework's queryInterval. */
const POLL_INTERVAL_MS = 5_000;
const MINUTE = 60_000;

let world: World;
let groupId: string;
beforeEach(async () => {
  world = await startWorld({ seed: seedWith(['alice', 'bob', 'carol']), invocationMs: INVOCATION_MS, settings: { timeoutMs: 30 * MINUTE } });
  groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
});
afterEach(() => world.stop());

/**
 * Plays `event` as the Provider framework would while FinSpace answers nothing but
 * 500s for `outageMs`: onEvent, then a poll every POLL_INTERVAL_MS until complete.
 */
async function deployThroughOutage(event: OnEventRequest, outageMs: number) {
  const startedAt = world.clock.now();
  const outageEnds = startedAt + outageMs;
  world.emulator.setFaults({ seed: 1, serverErrorRate: 1 });
  const answer = await handle<OnEventResponse>(event, world.context(), 'onEvent');
  for (let polls = 1; ; polls++) {
    if (world.clock.now() >= outageEnds) world.emulator.setFaults(undefined);
    const poll = await handle<IsCompleteResponse>({ ...event, ...answer } as OnEventRequest, world.context(), 'isComplete');
    if (poll.IsComplete) return { answer, completed: poll, polls, elapsedMs: world.clock.now() - startedAt };
    world.clock.advance(POLL_INTERVAL_MS);
  }
}

test('the rollback of a membership survives a 20-minute outage and puts the members back', async () => {
  const created = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob']));
  await world.deploy(created);
  // The failed deploy had made carol the only member; its rollback restores alice and bob.
  await world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, ['carol']), {
    old: membershipProps(groupId, ['alice', 'bob']), physicalResourceId: `${groupId}/abcd1234/0`,
  }));
  const rollback = cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob']), {
    old: membershipProps(groupId, ['carol']), physicalResourceId: `${groupId}/abcd1234/0`,
  });

  const { answer, polls, elapsedMs } = await deployThroughOutage(rollback, 20 * MINUTE);

  expect(answer.PhysicalResourceId).toBe(`${groupId}/abcd1234/0`);
  expect(elapsedMs).toBeGreaterThan(20 * MINUTE);
  expect(polls).toBeGreaterThan(1);
  expect(membersOf(world.emulator, groupId)).toEqual([['alice', 'ADDITION_SUCCESS'], ['bob', 'ADDITION_SUCCESS']]);
  expect(world.logs).toContain(JSON.stringify({ message: 'FinSpace did not answer; the polls make the remaining changes', error: 'InternalServerException' }));
});

test('a group update and then its delete each survive a 10-minute outage', async () => {
  const renamed = cfnEvent('Update', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'quants' }), { old: groupProps(), physicalResourceId: groupId });
  const update = await deployThroughOutage(renamed, 10 * MINUTE);
  expect(update.answer.PhysicalResourceId).toBe(groupId);
  expect(update.elapsedMs).toBeGreaterThan(10 * MINUTE);
  expect(groupsOf(world.emulator).map(group => group.name)).toEqual(['quants']);

  const deleted = await deployThroughOutage(cfnEvent('Delete', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'quants' }), { physicalResourceId: groupId }), 10 * MINUTE);
  expect(deleted.elapsedMs).toBeGreaterThan(10 * MINUTE);
  expect(groupsOf(world.emulator)).toEqual([]);
});

test('a group create survives a 10-minute outage: the poll that creates the group answers its id', async () => {
  const create = cfnEvent('Create', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'traders' }));
  const { answer, completed, elapsedMs } = await deployThroughOutage(create, 10 * MINUTE);

  // onEvent holds a placeholder that no FinSpace id can be; the Provider framework answers CloudFormation with the poll's id.
  expect(answer.PhysicalResourceId).toBe(`pending-creation-${create.RequestId}`);
  expect(elapsedMs).toBeGreaterThan(10 * MINUTE);
  const traders = groupsOf(world.emulator).filter(group => group.name === 'traders');
  expect(traders).toHaveLength(1);
  const id = traders[0].permissionGroupId;
  expect(completed).toEqual({ IsComplete: true, PhysicalResourceId: id, Data: { PermissionGroupId: id } });
});

test('a move to another environment survives a 10-minute outage: the poll creates the new group and answers its id', async () => {
  await world.emulator.stop();
  world = await startWorld({
    seed: { ...seedWith(['alice']), environments: [...seedWith(['alice']).environments!, { ...seedWith(['alice']).environments![0], environmentId: 'envother' }] },
    invocationMs: INVOCATION_MS,
    settings: { timeoutMs: 30 * MINUTE },
  });
  const id = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  const move = cfnEvent('Update', PERMISSION_GROUP, groupProps({ EnvironmentId: 'envother' }), { old: groupProps(), physicalResourceId: id });

  const { completed } = await deployThroughOutage(move, 10 * MINUTE);

  const moved = world.emulator.snapshot().environments.find(e => e.environmentId === 'envother')!.permissionGroups;
  expect(moved.map(group => group.name)).toEqual(['analysts']);
  expect(completed.PhysicalResourceId).toBe(moved[0].permissionGroupId);
  expect(completed.PhysicalResourceId).not.toBe(id);
});

test('an outage longer than the timeout fails the event once the timeout has passed, with what FinSpace said', async () => {
  const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice']), { logicalResourceId: 'Members' });
  const startedAt = world.clock.now();
  const failure = await deployThroughOutage(event, 60 * MINUTE).then(() => undefined, error => error as Error);
  expect(failure?.message).toBe('group membership Members: ListUsersByPermissionGroup failed with InternalServerException: ' +
    'An internal error occurred (injected fault). FinSpace kept failing after every retry; deploy again later.');
  expect(world.clock.now() - startedAt).toBeGreaterThan(30 * MINUTE);
  expect(world.clock.now() - startedAt).toBeLessThan(30 * MINUTE + INVOCATION_MS + POLL_INTERVAL_MS);
});

test('a FinSpace user create survives a 10-minute outage: the poll that creates the user answers its id', async () => {
  const props = { EnvironmentId: groupProps().EnvironmentId, EmailAddress: 'new.hire@example.com', Type: 'APP_USER', ApiAccess: 'DISABLED', IfExists: 'FAIL' };
  const create = cfnEvent('Create', 'Custom::FinSpaceUser', props);
  const { answer, completed, elapsedMs } = await deployThroughOutage(create, 10 * MINUTE);

  expect(answer.PhysicalResourceId).toBe(`pending-creation-${create.RequestId}`);
  expect(elapsedMs).toBeGreaterThan(10 * MINUTE);
  const users = world.emulator.snapshot().environments[0].users.filter(user => user.emailAddress === 'new.hire@example.com');
  expect(users).toHaveLength(1);
  expect(users[0].status).toBe('ENABLED');
  expect(completed).toEqual({ IsComplete: true, PhysicalResourceId: users[0].userId, Data: { UserId: users[0].userId } });
});

test('a FinSpace user update (the rollback of a renamed user) survives a 10-minute outage: the polls update the user', async () => {
  const props = (firstName: string) => ({
    EnvironmentId: groupProps().EnvironmentId, EmailAddress: 'steward@example.com', Type: 'APP_USER', ApiAccess: 'DISABLED', IfExists: 'FAIL', FirstName: firstName,
  });
  const userId = (await world.deploy(cfnEvent('Create', 'Custom::FinSpaceUser', props('Steward2')))).physicalResourceId;
  await world.deploy(cfnEvent('Update', 'Custom::FinSpaceUser', props('Steward3'), { old: props('Steward2'), physicalResourceId: userId }));
  const rollback = cfnEvent('Update', 'Custom::FinSpaceUser', props('Steward2'), { old: props('Steward3'), physicalResourceId: userId });

  const { answer, completed, elapsedMs } = await deployThroughOutage(rollback, 10 * MINUTE);

  expect(answer.PhysicalResourceId).toBe(userId);
  expect(elapsedMs).toBeGreaterThan(10 * MINUTE);
  expect(completed.IsComplete).toBe(true);
  const user = world.emulator.snapshot().environments[0].users.find(candidate => candidate.userId === userId);
  expect(user).toMatchObject({ firstName: 'Steward2', status: 'ENABLED' });
});
