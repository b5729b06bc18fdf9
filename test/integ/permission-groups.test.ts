/**
 * integ.permission-groups.ts deployed with the local runner against the FinSpace
 * emulator: created, updated to its second revision, destroyed. After each step
 * FinSpace holds exactly what the revision declares, every member ADDITION_SUCCESS.
 */
import { PERMISSION_GROUPS_ENVIRONMENT } from './cases/permission-groups';
import { IntegWorld, statuses } from './support/integ-world';

jest.setTimeout(60_000);

const STACK = 'FinSpacePermissionGroupsInteg';
const ASSERTIONS = 'PermissionGroupsDefaultTestDeployAssert1BABB215';

let world: IntegWorld;
beforeAll(async () => {
  world = await IntegWorld.start({
    integ: 'integ.permission-groups.ts',
    environmentId: PERMISSION_GROUPS_ENVIRONMENT,
    users: ['analyst01', 'analyst02', 'analyst03', 'engineer01', 'auditor01'],
  });
});
afterAll(() => world.stop());

test('creates the groups with their permissions and members', async () => {
  const run = await world.deploy(1);

  expect(statuses(run)).toEqual({ [STACK]: 'CREATE_COMPLETE', [ASSERTIONS]: 'CREATE_COMPLETE' });
  expect(world.groups()).toEqual([
    {
      name: 'integ-analysts',
      description: 'Explore market data in notebooks',
      applicationPermissions: ['AccessNotebooks', 'CreateDataset'],
      members: ['analyst01', 'analyst02'],
      pendingMembers: [],
    },
    { name: 'integ-engineers', applicationPermissions: ['ManageClusters'], members: ['engineer01'], pendingMembers: [] },
  ]);
});

test('the second revision renames and re-permissions a group in place, changes members, adds a group and deletes one', async () => {
  const analystsId = world.groupId('integ-analysts');

  const run = await world.deploy(2);

  expect(statuses(run)).toEqual({ [STACK]: 'UPDATE_COMPLETE', [ASSERTIONS]: 'NO_CHANGES' });
  expect(world.groups()).toEqual([
    { name: 'integ-auditors', applicationPermissions: ['ViewAuditData'], members: ['auditor01'], pendingMembers: [] },
    {
      name: 'integ-market-analysts',
      description: 'Explore market data in notebooks',
      applicationPermissions: ['AccessNotebooks', 'ViewAuditData'],
      members: ['analyst02', 'analyst03'],
      pendingMembers: [],
    },
  ]);
  expect(world.groupId('integ-market-analysts')).toBe(analystsId);
});

test('a second deploy of the same revision changes nothing', async () => {
  const run = await world.deploy(2);

  expect(statuses(run)).toEqual({ [STACK]: 'NO_CHANGES', [ASSERTIONS]: 'NO_CHANGES' });
});

test('destroy removes the members and deletes the groups', async () => {
  const run = await world.destroy();

  expect(statuses(run)).toEqual({ [ASSERTIONS]: 'DELETE_COMPLETE', [STACK]: 'DELETE_COMPLETE' });
  expect(world.groups()).toEqual([]);
});
