/**
 * A membership moved to another group whose update fails midway (a call that runs
 * out of attempts, not a user FinSpace refuses) leaves no user it added in the new
 * group. Found by the long chaos run, seed 1373: the handler undid its additions only
 * when FinSpace refused a user, and the rollback updates the membership back to its
 * old group, so nothing removed them from the new one.
 *
 * The emulator fails associations with 5xx on 90% of requests; its fault seed 79 lets
 * the first through and fails the next eight, the client's every attempt at the
 * second user.
 */
import { IMPORTED_GROUPS, HANDLER_USER } from '../../../local/chaos/environments';
import { group, membership, StackWorld } from '../support/stack-world';

jest.setTimeout(60_000);

const DESK = IMPORTED_GROUPS.find(g => g.environment === 'a')!;

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start();
});
afterEach(() => world.stop());

test('a membership whose move to another group fails leaves no user it added there', async () => {
  await world.deploy({ groups: [group('Analysts')], memberships: [membership('Members', 'Analysts', ['user01', 'user02'])] });

  const moved = await world.deploy(
    { groups: [group('Analysts')], memberships: [{ ...membership('Members', 'Analysts', ['user01', 'user02']), group: { imported: DESK.permissionGroupId } }] },
    { seed: 79, serverErrorRate: 0.9, operations: ['AssociateUserToPermissionGroup'] },
  );

  expect(moved.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(world.members('analysts')).toEqual(['user01', 'user02']);
  expect(world.members(DESK.name)).toEqual([HANDLER_USER, 'outsider01']);
});
