/**
 * Changes made outside CloudFormation, deployed over with the local runner.
 *
 * CloudFormation sends a custom resource an event only when its properties change:
 * a deploy of an unchanged template does nothing (the runner answers NO_CHANGES, as
 * the CDK CLI does), and an unchanged resource in a changed template gets no event.
 * So drift is healed by the next deploy that updates the drifted resource, and not
 * before. Deletes of what is already gone succeed.
 */
import type { UpdatePermissionGroupRequest } from '../../../lambda/finspace';
import { ApplicationPermission } from '../../../lib/application-permission';
import { type Declaration, type EnvironmentKey, HANDLER_USER, IMPORTED_GROUPS } from '../../../local/chaos/environments';
import { group, membership, StackWorld } from '../support/stack-world';

jest.setTimeout(60_000);

const DESK = IMPORTED_GROUPS.find(g => g.environment === 'a')!;

let world: StackWorld;
beforeEach(async () => {
  world = await StackWorld.start();
});
afterEach(() => world.stop());

const analysts = (description: string, users: string[]): Declaration => ({
  groups: [group('Analysts', { name: 'analysts', description, permissions: [ApplicationPermission.CREATE_DATASET] })],
  memberships: [membership('AnalystMembers', 'Analysts', users)],
});

describe('a permission group changed outside CloudFormation', () => {
  test('stays changed through a deploy of the unchanged template, which sends no event', async () => {
    await world.deploy(analysts('Market data', ['user01', 'user02']));
    await renameOutside(world.groupId('Analysts')!, 'renamed-outside', ['ViewAuditData']);

    const again = await world.deploy(analysts('Market data', ['user01', 'user02']));

    expect(again.status).toBe('NO_CHANGES');
    expect(world.group('renamed-outside')?.applicationPermissions).toEqual(['ViewAuditData']);
    expect(world.group('analysts')).toBeUndefined();
  });

  test('is renamed and re-permissioned back in place by the next deploy that updates it', async () => {
    await world.deploy(analysts('Market data', ['user01', 'user02']));
    const id = world.groupId('Analysts')!;
    await renameOutside(id, 'renamed-outside', ['ViewAuditData']);

    const next = await world.deploy(analysts('Market data, revised', ['user01', 'user02']));

    expect(next.status).toBe('UPDATE_COMPLETE');
    expect(world.groups().filter(g => g.name === 'analysts' || g.name === 'renamed-outside')).toEqual([
      expect.objectContaining({ permissionGroupId: id, name: 'analysts', applicationPermissions: ['CreateDataset'], description: 'Market data, revised' }),
    ]);
  });

  test('deleted outside, is created again by the next deploy that updates it, and its members follow', async () => {
    await world.deploy(analysts('Market data', ['user01', 'user02']));
    const deletedId = world.groupId('Analysts')!;
    await deleteGroupOutside(deletedId);

    const next = await world.deploy(analysts('Market data, revised', ['user01', 'user02']));

    expect(next.status).toBe('UPDATE_COMPLETE');
    expect(world.groups().filter(g => g.name === 'analysts')).toHaveLength(1);
    expect(world.groupId('Analysts')).not.toBe(deletedId);
    expect(world.group('analysts')?.permissionGroupId).toBe(world.groupId('Analysts'));
    expect(world.members('analysts')).toEqual(['user01', 'user02']);
  });

  test('deleted outside, fails a deploy that changes only its members with how to recreate it; the rollback succeeds', async () => {
    await world.deploy(analysts('Market data', ['user01', 'user02']));
    const deletedId = world.groupId('Analysts')!;
    await deleteGroupOutside(deletedId);

    const next = await world.deploy(analysts('Market data', ['user01', 'user02', 'user03']));

    // The membership's update back meets the missing group too; during
    // UPDATE_ROLLBACK_IN_PROGRESS it has nothing to put back, and succeeds.
    expect(next.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(next.reason).toContain('group membership AnalystMembers');
    expect(next.reason).toContain(`permission group ${deletedId} does not exist in FinSpace environment chaosenva. ` +
      'If it was deleted outside CloudFormation, change the PermissionGroup (its description, say) in the next deploy so that it is created again.');
    expect(world.groups().filter(g => g.name === 'analysts')).toEqual([]);

    // As the reason says: a change to the group creates it again, with its members.
    const recreated = await world.deploy(analysts('Market data, recreated', ['user01', 'user02', 'user03']));
    expect(recreated.status).toBe('UPDATE_COMPLETE');
    expect(world.members('analysts')).toEqual(['user01', 'user02', 'user03']);
  });
});

describe('a member removed outside CloudFormation', () => {
  test('stays removed while its membership is unchanged, even when its group is updated', async () => {
    await world.deploy(analysts('Market data', ['user01', 'user02']));
    await removeMemberOutside(world.groupId('Analysts')!, 'user01');

    const next = await world.deploy(analysts('Market data, revised', ['user01', 'user02']));

    expect(next.status).toBe('UPDATE_COMPLETE');
    expect(world.members('analysts')).toEqual(['user02']);
  });

  test('is added back by the next deploy that updates its membership', async () => {
    await world.deploy(analysts('Market data', ['user01', 'user02']));
    await removeMemberOutside(world.groupId('Analysts')!, 'user01');

    const next = await world.deploy(analysts('Market data', ['user01', 'user02', 'user03']));

    expect(next.status).toBe('UPDATE_COMPLETE');
    expect(world.members('analysts')).toEqual(['user01', 'user02', 'user03']);
  });
});

test('a member added outside to a group with an exclusive membership stays until the next deploy that updates the membership', async () => {
  const desk = (users: string[]): Declaration => ({
    groups: [],
    memberships: [{ id: 'DeskMembers', group: { imported: DESK.permissionGroupId }, users, exclusive: true, retain: false }],
  });
  await world.deploy(desk(['user05']));
  expect(world.members(DESK.name)).toEqual([HANDLER_USER, 'user05']);
  await addMemberOutside(DESK.permissionGroupId, 'outsider02');

  expect((await world.deploy(desk(['user05']))).status).toBe('NO_CHANGES');
  expect(world.members(DESK.name)).toEqual([HANDLER_USER, 'outsider02', 'user05']);

  expect((await world.deploy(desk(['user05', 'user06']))).status).toBe('UPDATE_COMPLETE');
  expect(world.members(DESK.name)).toEqual([HANDLER_USER, 'user05', 'user06']);
});

describe('deletes of what is already gone succeed', () => {
  const declaration: Declaration = {
    groups: [group('Analysts', { name: 'analysts' })],
    memberships: [
      membership('AnalystMembers', 'Analysts', ['user01', 'user02']),
      { id: 'DeskMembers', group: { imported: DESK.permissionGroupId }, users: ['user05'], exclusive: false, retain: false },
    ],
  };

  test('a membership removed from the stack whose users were removed outside', async () => {
    await world.deploy(declaration);
    await removeMemberOutside(DESK.permissionGroupId, 'user05');

    const next = await world.deploy({ ...declaration, memberships: declaration.memberships.filter(m => m.id !== 'DeskMembers') });

    expect(next.status).toBe('UPDATE_COMPLETE');
    expect(world.members(DESK.name)).toEqual([HANDLER_USER, 'outsider01']);
  });

  test('a stack whose group was deleted outside, and members removed outside, is destroyed', async () => {
    await world.deploy(declaration);
    await deleteGroupOutside(world.groupId('Analysts')!);
    await removeMemberOutside(DESK.permissionGroupId, 'user05');

    const destroyed = await world.destroy();

    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(world.group('analysts')).toBeUndefined();
    expect(world.members(DESK.name)).toEqual([HANDLER_USER, 'outsider01']);
  });
});

async function renameOutside(permissionGroupId: string, name: string, applicationPermissions: UpdatePermissionGroupRequest['applicationPermissions']) {
  await world.operator().updatePermissionGroup({ permissionGroupId, name, applicationPermissions });
}

async function addMemberOutside(permissionGroupId: string, userId: string, environment: EnvironmentKey = 'a') {
  await world.operator(environment).associateUserToPermissionGroup({ permissionGroupId, userId });
  await settled(() => world.groups(environment).find(g => g.permissionGroupId === permissionGroupId)!
    .members.every(m => m.membershipStatus === 'ADDITION_SUCCESS'));
}

async function removeMemberOutside(permissionGroupId: string, userId: string) {
  await world.operator().disassociateUserFromPermissionGroup({ permissionGroupId, userId });
  await settled(() => !world.groups().find(g => g.permissionGroupId === permissionGroupId)!.members.some(m => m.userId === userId));
}

/** As a person would in the console: remove the members, then delete the group. */
async function deleteGroupOutside(permissionGroupId: string) {
  const members = world.groups().find(g => g.permissionGroupId === permissionGroupId)!.members;
  for (const member of members) await removeMemberOutside(permissionGroupId, member.userId);
  await world.operator().deletePermissionGroup({ permissionGroupId });
}

async function settled(condition: () => boolean) {
  while (!condition()) await new Promise(resolve => setTimeout(resolve, 5));
}
