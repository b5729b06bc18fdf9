/**
 * A rollback puts back what was there before the failed deploy: a user who was
 * already a member, then declared by a deploy that fails, stays. The handler records
 * which declared users it found present (Parameter Store, served by the runner) and
 * the rollback reads the record. Deployed with the local runner through the real
 * handler bundle against the emulator.
 */
import { ApplicationPermission } from '../../../lib/application-permission';
import { type Declaration, type MembershipDeclaration, UNKNOWN_USER } from '../../../local/chaos/environments';
import { group, membership, StackWorld } from '../support/stack-world';

jest.setTimeout(90_000);

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start();
});
afterEach(() => world.stop());

const GROUPS = [
  group('Analysts', { name: 'analysts', permissions: [ApplicationPermission.CREATE_DATASET] }),
  group('Traders', { name: 'traders', permissions: [ApplicationPermission.ACCESS_NOTEBOOKS] }),
];
const ANALYSTS = (users: string[]) => membership('AnalystMembers', 'Analysts', users);
/** Fails on an unknown user, once the memberships it comes after have changed. */
const failing = (after: string[]): MembershipDeclaration => ({ ...membership('TraderMembers', 'Traders', [UNKNOWN_USER]), after });

const declare = (...memberships: MembershipDeclaration[]): Declaration => ({ groups: GROUPS, memberships });

async function addOutside(userId: string): Promise<void> {
  await world.operator().associateUserToPermissionGroup({ permissionGroupId: world.groupId('Analysts')!, userId });
  await settled(() => world.members('analysts').includes(userId));
}

test('an update that declares a member already there, in a deploy that fails on another resource: the rollback keeps it', async () => {
  await world.deploy(declare(ANALYSTS(['user01'])));
  await addOutside('user02');

  const failed = await world.deploy(declare(ANALYSTS(['user01', 'user02', 'user03']), failing(['AnalystMembers'])));

  expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(failed.reason).toContain(`'${UNKNOWN_USER}' does not exist`);
  // user03, which the failed deploy added, leaves; user02, there before it, stays.
  expect(world.members('analysts')).toEqual(['user01', 'user02']);
});

test('a membership created by a deploy that fails: the rollback deletes it and keeps the member that was already there', async () => {
  await world.deploy(declare(ANALYSTS(['user01'])));
  await addOutside('user02');

  const failed = await world.deploy(declare(ANALYSTS(['user01']), membership('MoreAnalysts', 'Analysts', ['user02', 'user03']), failing(['MoreAnalysts'])));

  expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(world.members('analysts')).toEqual(['user01', 'user02']);
});

test('the membership that fails itself, declaring a member already there next to an unknown user: the rollback keeps it', async () => {
  await world.deploy(declare(ANALYSTS(['user01'])));
  await addOutside('user02');

  const failed = await world.deploy(declare(ANALYSTS(['user01', 'user02', UNKNOWN_USER])));

  expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(world.members('analysts')).toEqual(['user01', 'user02']);
});

test('the record serves only the rollback: a later deploy that drops the member removes it', async () => {
  await world.deploy(declare(ANALYSTS(['user01'])));
  await addOutside('user02');
  await world.deploy(declare(ANALYSTS(['user01', 'user02'])));

  const dropped = await world.deploy(declare(ANALYSTS(['user01'])));

  expect(dropped.status).toBe('UPDATE_COMPLETE');
  expect(world.members('analysts')).toEqual(['user01']);
});

async function settled(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(resolve => setTimeout(resolve, 5));
}

test.each(['success', 'conflict'] as const)(
  'a member already there stays through the rollback whether FinSpace answers %s to adding a member again',
  async associateExistingMember => {
    await world.stop();
    world = await StackWorld.start({ behaviour: { associateExistingMember } });
    await world.deploy(declare(ANALYSTS(['user01'])));
    await addOutside('user02');

    const failed = await world.deploy(declare(ANALYSTS(['user01', 'user02']), failing(['AnalystMembers'])));

    expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(world.members('analysts')).toEqual(['user01', 'user02']);
  },
);
