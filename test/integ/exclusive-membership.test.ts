/**
 * integ.exclusive-membership.ts deployed with the local runner against the
 * FinSpace emulator. The group exists before the stack, with members of its own:
 * the exclusive membership removes them all but the handler's own user, follows the
 * second revision, and on destroy removes only the users it declared.
 */
import { EXCLUSIVE_ENVIRONMENT, TRADING_DESK_GROUP_ID } from './cases/exclusive-membership';
import { AUTOMATION_USER, IntegWorld, statuses } from './support/integ-world';

jest.setTimeout(60_000);

const STACK = 'FinSpaceExclusiveMembershipInteg';
const ASSERTIONS = 'ExclusiveMembershipDefaultTestDeployAssert2026AB88';
const DESK = { name: 'trading-desk', applicationPermissions: ['AccessNotebooks'], pendingMembers: [] };

let world: IntegWorld;
beforeAll(async () => {
  world = await IntegWorld.start({
    integ: 'integ.exclusive-membership.ts',
    environmentId: EXCLUSIVE_ENVIRONMENT,
    users: ['trader01', 'trader02', 'trader03', 'intruder01'],
    permissionGroups: [{
      permissionGroupId: TRADING_DESK_GROUP_ID,
      name: 'trading-desk',
      applicationPermissions: ['AccessNotebooks'],
      members: ['intruder01', AUTOMATION_USER, 'trader01'],
    }],
  });
});
afterAll(() => world.stop());

test('makes the group\'s members exactly the declared users, keeping the handler\'s own user', async () => {
  const run = await world.deploy(1);

  expect(statuses(run)).toEqual({ [STACK]: 'CREATE_COMPLETE', [ASSERTIONS]: 'CREATE_COMPLETE' });
  expect(world.groups()).toEqual([{ ...DESK, members: [AUTOMATION_USER, 'trader01', 'trader02'] }]);
});

test('the second revision swaps members', async () => {
  const run = await world.deploy(2);

  expect(statuses(run)).toEqual({ [STACK]: 'UPDATE_COMPLETE', [ASSERTIONS]: 'NO_CHANGES' });
  expect(world.groups()).toEqual([{ ...DESK, members: [AUTOMATION_USER, 'trader02', 'trader03'] }]);
});

test('destroy removes the declared users and leaves the group, which the stack does not own', async () => {
  const run = await world.destroy();

  expect(statuses(run)).toEqual({ [ASSERTIONS]: 'DELETE_COMPLETE', [STACK]: 'DELETE_COMPLETE' });
  expect(world.groups()).toEqual([{ ...DESK, members: [AUTOMATION_USER] }]);
});
