/**
 * CloudFormation and Lambda both deliver twice: the same event again, or the same
 * invocation after the handler was cut off between its write and its answer.
 * Either way there must be one group and one membership each.
 */
import { handle } from '../../lambda';
import type { IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';
import { cfnEvent, ENV, GROUP_MEMBERSHIP, groupProps, groupsOf, membershipProps, membersOf, PERMISSION_GROUP, seedWith, startWorld, World } from '../lambda/support/handler-world';

let world: World;
beforeEach(async () => {
  world = await startWorld({ seed: seedWith(['alice', 'bob', 'carol']) });
});
afterEach(() => world.stop());

test('a group create whose answers are all lost asks again with its clientToken and answers with the group it made', async () => {
  world.emulator.setFaults({ seed: 3, resetAfterWriteRate: 1, operations: ['CreatePermissionGroup'] });
  // FinSpace answers again from the moment the handler asks once more.
  const context = world.context({
    log: message => {
      if (message === 'the create was not answered; asking again with its clientToken') world.emulator.setFaults(undefined);
    },
  });
  const answer = await handle<OnEventResponse>(cfnEvent('Create', PERMISSION_GROUP, groupProps()), context, 'onEvent');
  const groups = groupsOf(world.emulator);
  expect(groups.map(group => group.permissionGroupId)).toEqual([answer.PhysicalResourceId]);
  // The repeated token replayed the first create's answer: one group, created once.
  expect(world.emulator.calls.filter(call => call.operation === 'CreatePermissionGroup' && call.statusCode === 200 && !call.replayed)).toHaveLength(1);
});

test('a create never answered leaves alone a group of the same name that someone else made meanwhile; its poll answers the group it made', async () => {
  world.emulator.setBehaviour({ uniqueGroupNames: false });
  const theirs = (await world.context().clientFor(ENV).createPermissionGroup({
    name: 'analysts', applicationPermissions: ['ViewAuditData'],
  })).permissionGroupId;
  world.emulator.setFaults({ seed: 3, resetAfterWriteRate: 1, operations: ['CreatePermissionGroup'] });
  const event = cfnEvent('Create', PERMISSION_GROUP, groupProps());
  const answer = await world.onEvent(event);
  // onEvent leaves the create to the polls, under a placeholder id.
  expect(answer).toMatchObject({ PhysicalResourceId: `pending-creation-${event.RequestId}`, CreateInPolls: true });
  expect(world.logs.some(line => line.includes('a group made by this create may be left behind'))).toBe(true);

  world.emulator.setFaults(undefined);
  const poll = await handle<IsCompleteResponse>({ ...event, ...answer } as OnEventRequest, world.context(), 'isComplete');
  const left = groupsOf(world.emulator);
  expect(left).toHaveLength(2);
  const ours = left.find(group => group.permissionGroupId !== theirs)!;
  // The create's own clientToken answered the group it made, never theirs.
  expect(poll).toEqual({ IsComplete: true, PhysicalResourceId: ours.permissionGroupId, Data: { PermissionGroupId: ours.permissionGroupId } });
});

test('a handler cut off after its write, before it could answer or clean up, and invoked again, leaves one group', async () => {
  const event = cfnEvent('Create', PERMISSION_GROUP, groupProps());
  // The write happens, and no answer to a create arrives (the listing of names before it gets through).
  world.emulator.setFaults({ seed: 3, resetAfterWriteRate: 1, operations: ['CreatePermissionGroup'] });
  expect(await world.onEvent(event)).toMatchObject({ CreateInPolls: true });
  expect(groupsOf(world.emulator)).toHaveLength(1);
  // Lambda (or CloudFormation) delivers the same event again: the group of the name is
  // there now, and the clientToken, asked again, replays the first answer: it is ours.
  world.emulator.setFaults(undefined);
  const answer = await world.onEvent(event);
  const groups = groupsOf(world.emulator);
  expect(groups).toHaveLength(1);
  expect(answer.PhysicalResourceId).toBe(groups[0].permissionGroupId);
});

test('membership writes whose answers are lost, then the event delivered again, leave each user a member once', async () => {
  const groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  const event = cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, ['alice', 'bob', 'carol']));
  world.emulator.setFaults({ seed: 5, resetAfterWriteRate: 1, operations: ['AssociateUserToPermissionGroup'] });
  await world.onEvent(event).catch(() => undefined);
  expect(world.emulator.faultCounts()['reset-after-write']).toBeGreaterThan(0);
  world.emulator.setFaults(undefined);
  await world.deploy(event);
  await world.deploy(event);
  expect(membersOf(world.emulator, groupId)).toEqual([['alice', 'ADDITION_SUCCESS'], ['bob', 'ADDITION_SUCCESS'], ['carol', 'ADDITION_SUCCESS']]);
});

test('the same group Create event delivered twice, concurrently, makes one group', async () => {
  const event = cfnEvent('Create', PERMISSION_GROUP, groupProps());
  const [first, second] = await Promise.all([world.onEvent(event), world.onEvent(event)]);
  expect(first.PhysicalResourceId).toBe(second.PhysicalResourceId);
  expect(groupsOf(world.emulator)).toHaveLength(1);
});
