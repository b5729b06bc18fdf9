/**
 * A permission group whose move to another environment fails is rolled back to
 * where it was. Found by the chaos runs: CloudFormation updates it back with the old
 * properties as new and the attempted ones as old, and the handler, seeing another
 * environment, created the group again where it still was; FinSpace refused the
 * name, and the stack ended UPDATE_ROLLBACK_FAILED.
 */
import { RESERVED_GROUP_NAMES } from '../../../local/chaos/environments';
import { group, membership, StackWorld } from '../support/stack-world';

jest.setTimeout(30_000);

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start();
});
afterEach(() => world.stop());

test('a group whose move to another environment fails is rolled back to where it was', async () => {
  // Free in environment a; in environment b another group holds it.
  const name = RESERVED_GROUP_NAMES.b;
  await world.deploy({ groups: [group('Analysts', { name, environment: 'a' })], memberships: [membership('Members', 'Analysts', ['user01'])] });
  const id = world.groupId('Analysts');

  const next = await world.deploy({ groups: [group('Analysts', { name, environment: 'b' })], memberships: [membership('Members', 'Analysts', ['user01'])] });

  expect(next.reason).toContain('PERMISSION_GROUP_NAME_EXISTS');
  expect(next.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(world.groups('a').filter(g => g.name === name).map(g => g.permissionGroupId)).toEqual([id]);
  expect(world.members(name, 'a')).toEqual(['user01']);
});
