/**
 * isComplete watching only the users onEvent changed, when they are fewer than the
 * pages of a group listing (lambda/group-membership.ts, usersToWatch).
 */
import { handle } from '../../lambda';
import { cfnEvent, ENV, GROUP_MEMBERSHIP, membershipProps, membersOf, seedWith, startWorld, type World } from './support/handler-world';
import type { IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';

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
  // The first isComplete checks the user again after short pauses until it settles.
  expect(result.polls).toBe(1);
  expect(callsTo('ListPermissionGroupsByUser')).toBeGreaterThanOrEqual(1);
});

test('a removed user is watched until it is gone', async () => {
  const result = await world.deploy(update(MEMBERS.slice(1)));
  expect(membersOf(world.emulator, GROUP).map(([userId]) => userId)).not.toContain(MEMBERS[0]);
  expect(callsTo('ListUsersByPermissionGroup')).toBe(3);
  expect(result.polls).toBe(1);
  expect(callsTo('ListPermissionGroupsByUser')).toBeGreaterThanOrEqual(1);
});

/**
 * onEvent with a client that records each call as it starts (before any answer), so
 * that the order says what waited for what, whatever the speed of the machine.
 */
async function onEventRecordingStarts(event: OnEventRequest) {
  const started: string[] = [];
  const base = world.context();
  const answer = await handle<OnEventResponse>(event, world.context({
    clientFor: (environmentId, deadlines) => {
      const client = base.clientFor(environmentId, deadlines);
      const send = client.send.bind(client);
      client.send = (operation, input) => {
        if (operation !== 'GetProgrammaticAccessCredentials') started.push(operation === 'ListUsersByPermissionGroup' ? 'page' : operation);
        return send(operation, input);
      };
      return client;
    },
  }), 'onEvent');
  return { answer, started };
}

test('a declared addition starts once the first page shows the group, before the next page is asked for', async () => {
  const { answer, started } = await onEventRecordingStarts(update([...MEMBERS, 'newcomer']));
  expect(started).toEqual(['page', 'AssociateUserToPermissionGroup', 'page', 'page']);
  // The listing did not show the newcomer yet: the write counts as made, and isComplete watches it.
  expect(answer.WatchedUsers).toEqual({ add: ['newcomer'], remove: [] });
});

test('a removal starts as soon as the page that shows the user has been read', async () => {
  const { answer, started } = await onEventRecordingStarts(update(MEMBERS.slice(1)));
  expect(started).toEqual(['page', 'DisassociateUserFromPermissionGroup', 'page', 'page']);
  expect(answer.WatchedUsers).toEqual({ add: [], remove: [MEMBERS[0]] });
});

test('a removal on the last page waits for that page', async () => {
  const { started } = await onEventRecordingStarts(update(MEMBERS.slice(0, -1)));
  expect(started).toEqual(['page', 'page', 'page', 'DisassociateUserFromPermissionGroup']);
});

test('with no time left in the invocation, isComplete answers not yet instead of waiting', async () => {
  const event = update([...MEMBERS, 'newcomer']);
  const answer = await world.onEvent(event);
  world.emulator.resetCalls();
  // 30 s of the invocation are kept back for retry rounds: none is left to pause in.
  const result = await handle<IsCompleteResponse>({ ...event, ...answer } as OnEventRequest, world.context({ remainingTimeMs: () => 30_000 }), 'isComplete');
  expect(result).toEqual({ IsComplete: false, MembershipProgress: { adding: 1, removing: 0, waitingToReAdd: 0 } });
  expect(callsTo('ListPermissionGroupsByUser')).toBe(1);
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

test('isComplete looks again for at most one poll interval before answering not yet', async () => {
  await world.stop();
  world = await startWorld({
    seed: seedWith([...MEMBERS, 'newcomer'], {
      permissionGroups: [{ permissionGroupId: GROUP, name: 'big', applicationPermissions: [], members: MEMBERS }],
    }),
    behaviour: { additionDelayMs: 60_000 },
  });
  const event = update([...MEMBERS, 'newcomer']);
  const answer = await world.onEvent(event);
  world.emulator.resetCalls();
  const invokedAt = world.clock.now();
  const result = await handle<IsCompleteResponse>({ ...event, ...answer } as OnEventRequest, world.context(), 'isComplete');
  expect(result.IsComplete).toBe(false);
  // Checks at 0, 0.25, 0.75, 1.75 and 3.75 s; the next, 4 s later, would pass the 5 s poll interval.
  expect(world.clock.now() - invokedAt).toBe(3_750);
  expect(callsTo('ListPermissionGroupsByUser')).toBe(5);
});
