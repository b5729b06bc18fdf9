/**
 * A user that one deploy hands from one membership of a group to another stays a
 * member. Found by the chaos runs: the membership letting go removed it, when
 * CloudFormation deleted it in the cleanup phase after the new one had added it, or
 * updated it at the same time; the handler now never removes a user another
 * resource of the stack declares (lambda/declared-members.ts). The chaos runs plan
 * such handovers on purpose.
 */
import { group, membership, StackWorld } from '../support/stack-world';

jest.setTimeout(30_000);

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start();
});
afterEach(() => world.stop());

test('a user handed from a membership removed from the stack to a new one stays a member', async () => {
  await world.deploy({ groups: [group('Analysts')], memberships: [membership('Early', 'Analysts', ['user01', 'user02'])] });

  const next = await world.deploy({ groups: [group('Analysts')], memberships: [membership('Late', 'Analysts', ['user02', 'user03'])] });

  expect(next.status).toBe('UPDATE_COMPLETE');
  expect(world.members('analysts')).toEqual(['user02', 'user03']);
});

test('a user handed from a membership moved to another group to a new one of the first group stays a member', async () => {
  const groups = [group('Analysts'), group('Quants')];
  await world.deploy({ groups, memberships: [membership('Desk', 'Analysts', ['user01'])] });

  const next = await world.deploy({
    groups,
    memberships: [membership('Desk', 'Quants', ['user01']), membership('Stayers', 'Analysts', ['user01'])],
  });

  expect(next.status).toBe('UPDATE_COMPLETE');
  expect(world.members('analysts')).toEqual(['user01']);
  expect(world.members('quants')).toEqual(['user01']);
});
