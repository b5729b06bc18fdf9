/**
 * CloudFormation and Lambda both deliver twice: the same event again, or the same
 * invocation after the handler was cut off between its write and its answer.
 * Either way there must be one group and one membership each.
 */
import { cfnEvent, GROUP_MEMBERSHIP, groupProps, groupsOf, membershipProps, membersOf, PERMISSION_GROUP, seedWith, startWorld, World } from '../lambda/support/handler-world';

let world: World;
beforeEach(async () => {
  world = await startWorld({ seed: seedWith(['alice', 'bob', 'carol']) });
});
afterEach(() => world.stop());

test('a group create whose answers are all lost deletes the group it made before it fails', async () => {
  world.emulator.setFaults({ seed: 3, resetAfterWriteRate: 1, operations: ['CreatePermissionGroup'] });
  await expect(world.onEvent(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).rejects.toThrow(
    'permission group Resource: could not reach FinSpace (ECONNRESET): socket hang up');
  // The Provider framework drops the Delete that follows a failed Create: nothing may be left.
  expect(groupsOf(world.emulator)).toEqual([]);
  expect(world.logs.some(line => line.includes('deleting the group a failed create left behind'))).toBe(true);
});

test('a handler cut off after its write, before it could answer or clean up, and invoked again, leaves one group', async () => {
  const event = cfnEvent('Create', PERMISSION_GROUP, groupProps());
  // The write happens, no answer arrives, and nothing else gets through either.
  world.emulator.setFaults({ seed: 3, resetAfterWriteRate: 1, operations: ['CreatePermissionGroup', 'ListPermissionGroups'] });
  await expect(world.onEvent(event)).rejects.toThrow(/could not reach FinSpace/);
  expect(groupsOf(world.emulator)).toHaveLength(1);
  // Lambda (or CloudFormation) delivers the same event again: the clientToken replays the first answer.
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
