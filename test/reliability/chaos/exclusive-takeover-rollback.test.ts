/**
 * A deploy that makes a membership exclusive and removes the other memberships of
 * its group, and then fails, leaves those memberships' users in place. Found by the
 * long chaos run, seed 1362: the exclusive update removed everyone it did not
 * declare at once, while the other memberships are only deleted in the cleanup
 * phase, which a failed deploy never reaches; the rollback restored the exclusive
 * membership's old declaration but not the users it had removed.
 */
import { UNKNOWN_USER } from '../../../local/chaos/environments';
import { group, membership, StackWorld } from '../support/stack-world';

jest.setTimeout(30_000);

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start();
});
afterEach(() => world.stop());

test('a failed switch to exclusive leaves the users of the group\'s other memberships in place', async () => {
  await world.deploy({
    groups: [group('Analysts')],
    memberships: [membership('Early', 'Analysts', ['user01']), membership('Kept', 'Analysts', ['user02'])],
  });

  // Early leaves, Kept becomes exclusive, and FinSpace refuses one of Kept's users.
  const next = await world.deploy({
    groups: [group('Analysts')],
    memberships: [membership('Kept', 'Analysts', ['user02', UNKNOWN_USER], { exclusive: true })],
  });

  expect(next.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(world.members('analysts')).toEqual(['user01', 'user02']);
});

test('a failed deploy that replaces an exclusive membership with a new one leaves the old one\'s users in place', async () => {
  // Found by the long chaos run, seed 3311. The new exclusive membership is created,
  // removing the old one's users; another resource fails; the rollback deletes the
  // new membership, and keeps the old one, whose users are gone.
  const groups = [group('Analysts'), group('Quants')];
  await world.deploy({
    groups,
    memberships: [membership('Early', 'Analysts', ['user01', 'user02'], { exclusive: true }), membership('Other', 'Quants', ['user03'])],
  });

  const next = await world.deploy({
    groups,
    memberships: [membership('Late', 'Analysts', ['user01'], { exclusive: true }), membership('Other', 'Quants', ['user03', UNKNOWN_USER])],
  });

  expect(next.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(world.members('analysts')).toEqual(['user01', 'user02']);
});
