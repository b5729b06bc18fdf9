/**
 * isComplete watching only the users onEvent changed, when they are fewer than the
 * pages of a group listing (lambda/group-membership.ts, usersToWatch).
 */
import { handle } from '../../lambda';
import { cfnEvent, ENV, GROUP_MEMBERSHIP, membershipProps, membersOf, seedWith, startWorld, type World } from './support/handler-world';
import type { IsCompleteResponse, OnEventRequest } from '../../lambda/provider-types';

/** 250 members: a listing takes 3 pages, so changing 1 or 2 users is watched. */
const MEMBERS = Array.from({ length: 250 }, (_, i) => `member${String(i).padStart(3, '0')}`);
const GROUP = 'bigGroup';
let world: World;

beforeEach(async () => {
  world = await startWorld({
    seed: seedWith([...MEMBERS, 'newcomer'], {
      permissionGroups: [{ permissionGroupId: GROUP, name: 'big', applicationPermissions: [], members: MEMBERS }],
    }),
  });
});
afterEach(() => world.stop());

const update = (userIds: string[]) => cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(GROUP, userIds), {
  old: membershipProps(GROUP, MEMBERS),
  physicalResourceId: `${GROUP}/abcd1234/0`,
});
const callsTo = (operation: string) => world.emulator.calls.filter(call => call.operation === operation).length;

async function pollUntilComplete(event: OnEventRequest): Promise<number> {
  for (let polls = 1; polls <= 100; polls++) {
    const answer = await handle<IsCompleteResponse>(event, world.context(), 'isComplete');
    if (answer.IsComplete) return polls;
    world.clock.advance(25);
  }
  throw new Error('isComplete did not finish');
}

test('an added user is watched on its own: the group is listed once, in onEvent', async () => {
  const result = await world.deploy(update([...MEMBERS, 'newcomer']));
  expect(membersOf(world.emulator, GROUP)).toContainEqual(['newcomer', 'ADDITION_SUCCESS']);
  expect(callsTo('ListUsersByPermissionGroup')).toBe(3);
  expect(callsTo('ListPermissionGroupsByUser')).toBe(result.polls);
});

test('a removed user is watched until it is gone', async () => {
  const result = await world.deploy(update(MEMBERS.slice(1)));
  expect(membersOf(world.emulator, GROUP).map(([userId]) => userId)).not.toContain(MEMBERS[0]);
  expect(callsTo('ListUsersByPermissionGroup')).toBe(3);
  expect(callsTo('ListPermissionGroupsByUser')).toBe(result.polls);
});

test('a watched change that someone undid is made again through a full listing', async () => {
  const event = update([...MEMBERS, 'newcomer']);
  const answer = await world.onEvent(event);
  expect(answer.WatchedUsers).toEqual({ add: ['newcomer'], remove: [] });
  await world.context().clientFor(ENV).disassociateUserFromPermissionGroup({ permissionGroupId: GROUP, userId: 'newcomer' });
  world.clock.advance(100); // the removal settles
  world.emulator.resetCalls();

  await pollUntilComplete({ ...event, ...answer } as OnEventRequest);
  expect(membersOf(world.emulator, GROUP)).toContainEqual(['newcomer', 'ADDITION_SUCCESS']);
  expect(callsTo('ListUsersByPermissionGroup')).toBeGreaterThanOrEqual(3);
  expect(callsTo('AssociateUserToPermissionGroup')).toBe(1);
});

test('with everything already as declared, isComplete makes no call', async () => {
  const event = update(MEMBERS);
  const answer = await world.onEvent(event);
  expect(answer.WatchedUsers).toEqual({ add: [], remove: [] });
  world.emulator.resetCalls();
  expect(await pollUntilComplete({ ...event, ...answer } as OnEventRequest)).toBe(1);
  expect(world.emulator.calls).toEqual([]);
});

test('more changes than listing pages are confirmed by listing the group', async () => {
  const answer = await world.onEvent(update(MEMBERS.slice(5)));
  expect(answer.WatchedUsers).toBeUndefined();
});
