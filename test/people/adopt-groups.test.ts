/**
 * Existing permission groups: taken over with IfExists.ADOPT, refused otherwise, and
 * found by name for memberships; deployed with the runner against the emulator both
 * as it refuses a second group of one name and as it allows one, with the same
 * outcome in both cases.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { ApplicationPermission, GroupMembership, IfExists, PermissionGroup } from '../../lib';
import { appUser, handlerReason, PeopleWorld } from './support/people-world';

// Each deploy runs the real Lambda functions in local containers: seconds, more on a busy machine.
jest.setTimeout(300_000);

const USERS = ['pm01', 'pm02', 'pm03'].map(userId => appUser(userId));
const HAND_MADE = { permissionGroupId: 'handmadegroup000000000001', name: 'portfolio-managers', applicationPermissions: ['ViewAuditData'], members: ['pm01'] };
const TWIN = { ...HAND_MADE, permissionGroupId: 'handmadegroup000000000002', members: [] };

describe.each([
  ['refuses a second group of one name', true],
  ['allows a second group of one name', false],
])('FinSpace that %s', (_name, uniqueGroupNames) => {
  let world: PeopleWorld;
  afterEach(() => world.stop());

  const declareGroup = (ifExists?: IfExists, removalPolicy?: RemovalPolicy) => world.deploy((stack, access) => {
    new PermissionGroup(stack, 'PortfolioManagers', {
      access,
      permissionGroupName: 'portfolio-managers',
      description: 'Front office',
      applicationPermissions: [ApplicationPermission.ACCESS_NOTEBOOKS],
      members: ['pm02'],
      ifExists,
      removalPolicy,
    });
  });

  test('a group whose name is taken is not created again: the deploy fails, naming the existing group', async () => {
    world = await PeopleWorld.start({ users: USERS, groups: [HAND_MADE], behaviour: { uniqueGroupNames } });
    const failed = await declareGroup();
    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    expect(handlerReason(failed.reason)).toBe('permission group PortfolioManagers90728CC5: a permission group of environment peopleenvironment01 ' +
      'already has the declared name (handmadegroup000000000001). Set ifExists: IfExists.ADOPT on the PermissionGroup to take the group over, or declare another name.');
    expect(world.groups().map(group => group.permissionGroupId)).toEqual(['handmadegroup000000000001']);
    expect(world.members('portfolio-managers')).toEqual(['pm01']);
  });

  test('IfExists.ADOPT takes the one group of the name over, and by default keeps it when the stack goes', async () => {
    world = await PeopleWorld.start({ users: USERS, groups: [HAND_MADE], behaviour: { uniqueGroupNames } });
    expect(await declareGroup(IfExists.ADOPT)).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    expect(world.physicalId('PortfolioManagers')).toBe('handmadegroup000000000001');
    expect(world.groups()).toEqual([expect.objectContaining({
      permissionGroupId: 'handmadegroup000000000001', name: 'portfolio-managers', description: 'Front office', applicationPermissions: ['AccessNotebooks'],
    })]);
    // Additive: the member someone added by hand stays.
    expect(world.members('portfolio-managers')).toEqual(['pm01', 'pm02']);

    expect(await world.destroy()).toEqual({ status: 'DELETE_COMPLETE', reason: undefined });
    expect(world.groups().map(group => group.permissionGroupId)).toEqual(['handmadegroup000000000001']);
    expect(world.members('portfolio-managers')).toEqual(['pm01']);
  });

  test('IfExists.ADOPT with RemovalPolicy.DESTROY deletes the adopted group with the stack', async () => {
    world = await PeopleWorld.start({ users: USERS, groups: [HAND_MADE], behaviour: { uniqueGroupNames, deleteGroupWithMembers: 'allowed' } });
    expect(await declareGroup(IfExists.ADOPT, RemovalPolicy.DESTROY)).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    expect(await world.destroy()).toEqual({ status: 'DELETE_COMPLETE', reason: undefined });
    expect(world.groups()).toEqual([]);
  });

  test('no group of the name: IfExists.ADOPT creates one', async () => {
    world = await PeopleWorld.start({ users: USERS, behaviour: { uniqueGroupNames } });
    expect(await declareGroup(IfExists.ADOPT)).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    expect(world.groups()).toHaveLength(1);
    expect(world.members('portfolio-managers')).toEqual(['pm02']);
  });

  test('two groups of the name: adopting fails, naming both', async () => {
    world = await PeopleWorld.start({ users: USERS, groups: [HAND_MADE, TWIN], behaviour: { uniqueGroupNames } });
    const failed = await declareGroup(IfExists.ADOPT);
    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    expect(handlerReason(failed.reason)).toBe('permission group PortfolioManagers90728CC5: 2 permission groups of environment peopleenvironment01 ' +
      'have the declared name (handmadegroup000000000001, handmadegroup000000000002): cannot tell which one to adopt. ' +
      'Rename or delete all but one of them, or declare another name.');
    expect(world.groups()).toHaveLength(2);
  });

  test('renaming a group to a name another group has fails, and changes nothing', async () => {
    world = await PeopleWorld.start({ users: USERS, groups: [HAND_MADE], behaviour: { uniqueGroupNames } });
    const declare = (name: string) => world.deploy((stack, access) => {
      new PermissionGroup(stack, 'Desk', { access, permissionGroupName: name });
    });
    expect(await declare('desk')).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    const deskId = world.physicalId('Desk');
    const failed = await declare('portfolio-managers');
    expect(failed.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(handlerReason(failed.reason)).toBe(`permission group DeskBDDAF902: cannot rename permission group ${deskId}: another group of environment ` +
      'peopleenvironment01 already has the declared name (handmadegroup000000000001). Declare another name.');
    expect(world.groups().map(group => [group.permissionGroupId, group.name]).sort()).toEqual([[deskId, 'desk'], ['handmadegroup000000000001', 'portfolio-managers']].sort());
  });

  test('fromPermissionGroupName finds the one group of the name at deploy time; none or two fail', async () => {
    world = await PeopleWorld.start({ users: USERS, groups: [HAND_MADE], behaviour: { uniqueGroupNames } });
    const declareMembers = (name: string) => world.deploy((stack, access) => {
      new GroupMembership(stack, 'Managers', {
        group: PermissionGroup.fromPermissionGroupName(stack, 'PortfolioManagers', access, name),
        userIds: ['pm03'],
      });
    });
    expect(await declareMembers('portfolio-managers')).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    expect(world.members('portfolio-managers')).toEqual(['pm01', 'pm03']);

    const missing = await declareMembers('nobody-has-this-name');
    expect(missing.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(handlerReason(missing.reason)).toMatch(/^permission group by name PortfolioManagers[0-9A-F]{8}: no permission group of environment peopleenvironment01 has the declared name; create it, or correct the name\.$/);
    expect(world.members('portfolio-managers')).toEqual(['pm01', 'pm03']);

    expect(await world.destroy()).toEqual({ status: 'DELETE_COMPLETE', reason: undefined });
    expect(world.members('portfolio-managers')).toEqual(['pm01']);
  });

  test('fromPermissionGroupName with two groups of the name fails, naming both', async () => {
    world = await PeopleWorld.start({ users: USERS, groups: [HAND_MADE, TWIN], behaviour: { uniqueGroupNames } });
    const failed = await world.deploy((stack, access) => {
      new GroupMembership(stack, 'Managers', {
        group: PermissionGroup.fromPermissionGroupName(stack, 'PortfolioManagers', access, 'portfolio-managers'),
        userIds: ['pm03'],
      });
    });
    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    expect(handlerReason(failed.reason)).toMatch(/: 2 permission groups of environment peopleenvironment01 have the declared name \(handmadegroup000000000001, handmadegroup000000000002\); refer to the one you mean with PermissionGroup\.fromPermissionGroupId\(\)\.$/);
    expect(world.groups().map(group => [group.permissionGroupId, group.members.map(member => member.userId)])).toEqual([
      ['handmadegroup000000000001', ['pm01']],
      ['handmadegroup000000000002', []],
    ]);
  });
});
