/**
 * A membership too large for the template: its user ids travel in an S3 asset, which
 * the local runner publishes from the cloud assembly and serves to the handler as S3
 * would. Deployed with the real handler bundle and aws-cdk-lib's framework, then a
 * failed deploy whose rollback names the previous object.
 */
import { group, membership, StackWorld } from './support/stack-world';
import { MAX_INLINE_USER_IDS } from '../../contract/user-ids-object';
import { ENVIRONMENT_IDS, UNKNOWN_USER } from '../../local/chaos/environments';

jest.setTimeout(300_000);

const MANY = Array.from({ length: MAX_INLINE_USER_IDS + 1 }, (_, i) => `bulk${String(i).padStart(5, '0')}`);

let world: StackWorld;
beforeAll(async () => {
  world = await StackWorld.start();
  world.emulator.seed({
    environments: [{
      environmentId: ENVIRONMENT_IDS.a,
      users: [...MANY, 'bulkextra1'].map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
    }],
  });
});
afterAll(() => world.stop());

test('crosses from inline ids to the asset in one resource, and a failed deploy rolls back to the previous object\'s users', async () => {
  const inline = await world.deploy({ groups: [group('Bulk')], memberships: [membership('Everyone', 'Bulk', MANY.slice(0, MAX_INLINE_USER_IDS))] });
  expect(inline.status).toBe('CREATE_COMPLETE');

  // One user more moves the ids into the asset: the same resource is updated, and lists the group once.
  const first = await world.deploy({ groups: [group('Bulk')], memberships: [membership('Everyone', 'Bulk', MANY)] });
  expect(first.status).toBe('UPDATE_COMPLETE');
  expect(first.events.filter(e => e.kind === 'resource' && e.resourceType === 'Custom::FinSpaceGroupMembership').map(e => e.kind === 'resource' && e.status))
    .toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']);
  expect(world.emulator.calls.filter(call => call.operation === 'ListUsersByPermissionGroup')).toHaveLength(MAX_INLINE_USER_IDS / 100);
  expect(world.members('bulk')).toEqual(MANY);

  // One user more and one FinSpace refuses: the update fails after adding the first,
  // and the rollback (the previous object's users) removes it again.
  const failed = await world.deploy({ groups: [group('Bulk')], memberships: [membership('Everyone', 'Bulk', [...MANY, 'bulkextra1', UNKNOWN_USER])] });
  expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(failed.reason).toContain(`'${UNKNOWN_USER}' does not exist`);
  expect(world.members('bulk')).toEqual(MANY);

  expect((await world.destroy()).status).toBe('DELETE_COMPLETE');
});
