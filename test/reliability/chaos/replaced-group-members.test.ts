/**
 * A membership that leaves a group removes its users from that group, also when the
 * group itself is replaced in the same deploy (moved to another environment, the old
 * one retained) and another membership declares the same user for the group's
 * replacement. Found by the long chaos run, seed 3379: the stack's declared members
 * are kept per group construct, which the old group and its replacement share, so
 * the leaving membership took the user for one another resource declares, and left
 * it in the old group.
 */
import { HANDLER_USER, IMPORTED_GROUPS } from '../../../local/chaos/environments';
import { group, membership, StackWorld } from '../support/stack-world';

jest.setTimeout(30_000);

const FLOOR = IMPORTED_GROUPS.find(g => g.environment === 'b')!;

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start();
});
afterEach(() => world.stop());

test('a membership leaving a group replaced in the same deploy removes its users from the group left behind', async () => {
  await world.deploy({
    groups: [group('Analysts', { environment: 'a', retain: true })],
    memberships: [membership('Leaving', 'Analysts', ['user01']), membership('Staying', 'Analysts', [])],
  });

  const next = await world.deploy({
    groups: [group('Analysts', { environment: 'b', retain: true })],
    memberships: [
      { ...membership('Leaving', 'Analysts', ['user01']), group: { imported: FLOOR.permissionGroupId } },
      membership('Staying', 'Analysts', ['user01']),
    ],
  });

  expect(next.status).toBe('UPDATE_COMPLETE');
  expect(world.members('analysts', 'a')).toEqual([]);
  expect(world.members('analysts', 'b')).toEqual(['user01']);
  expect(world.members(FLOOR.name, 'b')).toEqual([HANDLER_USER, 'outsider02', 'user01']);
});
