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

test('a group create whose answer is lost after the write, then invoked again, leaves one group', async () => {
  const event = cfnEvent('Create', PERMISSION_GROUP, groupProps());
  // Every answer is lost after the write (the client gives up after its attempts).
  world.emulator.setFaults({ seed: 3, resetAfterWriteRate: 1, operations: ['CreatePermissionGroup'] });
  await expect(world.onEvent(event)).rejects.toThrow('permission group Resource: could not reach FinSpace (ECONNRESET): socket hang up');
  expect(groupsOf(world.emulator)).toHaveLength(1);
  // Lambda (or CloudFormation) delivers the same event again.
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
