/**
 * The group lifecycle, run through the real handler over HTTP against the emulator.
 */
import { handle } from '../../lambda';
import { cfnEvent, groupProps, groupsOf, membershipProps, PERMISSION_GROUP, GROUP_MEMBERSHIP, seedWith, startWorld, World, ENV, ROLE_ARN, HANDLER_USER } from './support/handler-world';

let world: World;
beforeEach(async () => {
  world = await startWorld({ seed: seedWith(['alice', 'bob']) });
});
afterEach(() => world.stop());

async function createGroup(overrides: Record<string, unknown> = {}) {
  const result = await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps(overrides)));
  return result.physicalResourceId;
}

test('create makes one group as declared and returns its id as physical id and data', async () => {
  const result = await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps({ ApplicationPermissions: ['CreateDataset', 'ViewAuditData'] })));
  const groups = groupsOf(world.emulator);
  expect(groups).toHaveLength(1);
  expect(groups[0]).toMatchObject({ name: 'analysts', description: 'Analysts', applicationPermissions: ['CreateDataset', 'ViewAuditData'] });
  expect(result.physicalResourceId).toBe(groups[0].permissionGroupId);
  expect(result.data).toEqual({ PermissionGroupId: groups[0].permissionGroupId });
  expect(world.writes()).toEqual(['CreatePermissionGroup']);
});

test('the same Create event delivered twice makes one group', async () => {
  const event = cfnEvent('Create', PERMISSION_GROUP, groupProps());
  const first = await world.onEvent(event);
  const second = await world.onEvent(event);
  expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
  expect(groupsOf(world.emulator)).toHaveLength(1);
});

describe('update', () => {
  test.each([
    ['name', { PermissionGroupName: 'quants' }, { name: 'quants' }],
    ['description', { Description: 'Quantitative analysts' }, { description: 'Quantitative analysts' }],
    ['permissions', { ApplicationPermissions: ['AccessNotebooks', 'ManageClusters'] }, { applicationPermissions: ['AccessNotebooks', 'ManageClusters'] }],
  ])('of the %s changes it in place with one write', async (_, change, expected) => {
    const id = await createGroup();
    world.emulator.resetCalls();
    const result = await world.deploy(cfnEvent('Update', PERMISSION_GROUP, groupProps(change), { old: groupProps(), physicalResourceId: id }));
    expect(result.physicalResourceId).toBe(id);
    expect(groupsOf(world.emulator)).toEqual([expect.objectContaining({ permissionGroupId: id, ...expected })]);
    expect(world.writes()).toEqual(['UpdatePermissionGroup']);
  });

  test('with nothing changed makes no write', async () => {
    const id = await createGroup();
    world.emulator.resetCalls();
    await world.deploy(cfnEvent('Update', PERMISSION_GROUP, groupProps(), { old: groupProps(), physicalResourceId: id }));
    expect(world.writes()).toEqual([]);
    expect(world.emulator.calls.map(c => c.operation)).toEqual(['GetPermissionGroup']);
  });

  test('heals drift made outside CloudFormation', async () => {
    const id = await createGroup();
    const outside = world.context().clientFor(ENV);
    await outside.updatePermissionGroup({ permissionGroupId: id, name: 'renamed', applicationPermissions: ['ManageUsersAndGroups'] });
    world.emulator.resetCalls();
    await world.deploy(cfnEvent('Update', PERMISSION_GROUP, groupProps(), { old: groupProps(), physicalResourceId: id }));
    expect(groupsOf(world.emulator)).toEqual([expect.objectContaining({ name: 'analysts', applicationPermissions: ['CreateDataset'] })]);
    expect(world.writes()).toEqual(['UpdatePermissionGroup']);
  });

  test('creates the group again, with a new id, when it was deleted outside CloudFormation', async () => {
    const id = await createGroup();
    await world.context().clientFor(ENV).deletePermissionGroup({ permissionGroupId: id });
    const result = await world.deploy(cfnEvent('Update', PERMISSION_GROUP, groupProps(), { old: groupProps(), physicalResourceId: id }));
    const groups = groupsOf(world.emulator);
    expect(groups).toHaveLength(1);
    expect(result.physicalResourceId).toBe(groups[0].permissionGroupId);
    expect(result.physicalResourceId).not.toBe(id);
  });

  test('to another environment is a replacement: a new group there, the old one left for the Delete', async () => {
    world.emulator.seed({
      environments: [{
        environmentId: 'envsecond',
        users: [{ userId: 'automation2', type: 'SUPER_USER', emailAddress: 'automation2@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE_ARN }],
      }],
    });
    const id = await createGroup();
    const result = await world.deploy(cfnEvent('Update', PERMISSION_GROUP, groupProps({ EnvironmentId: 'envsecond' }), { old: groupProps(), physicalResourceId: id }));
    expect(result.physicalResourceId).not.toBe(id);
    const second = world.emulator.snapshot().environments.find(e => e.environmentId === 'envsecond')!;
    expect(second.permissionGroups.map(g => g.permissionGroupId)).toEqual([result.physicalResourceId]);
    expect(groupsOf(world.emulator).map(g => g.permissionGroupId)).toEqual([id]);
  });
});

describe('delete', () => {
  test('deletes the group', async () => {
    const id = await createGroup();
    await world.deploy(cfnEvent('Delete', PERMISSION_GROUP, groupProps(), { physicalResourceId: id }));
    expect(groupsOf(world.emulator)).toEqual([]);
  });

  test('of a group already gone succeeds', async () => {
    const id = await createGroup();
    await world.context().clientFor(ENV).deletePermissionGroup({ permissionGroupId: id });
    world.emulator.resetCalls();
    await world.deploy(cfnEvent('Delete', PERMISSION_GROUP, groupProps(), { physicalResourceId: id }));
    expect(world.emulator.calls.map(c => [c.operation, c.statusCode])).toEqual([['DeletePermissionGroup', 404]]);
  });

  test('for an id that a failed create never produced succeeds without a call', async () => {
    world.emulator.resetCalls();
    await world.deploy(cfnEvent('Delete', PERMISSION_GROUP, groupProps(), { physicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' }));
    expect(world.emulator.calls).toEqual([]);
  });

  test('removes members left by others first when the service refuses to delete a group that has any', async () => {
    const id = await createGroup();
    await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(id, ['alice', 'bob'])));
    await world.deploy(cfnEvent('Delete', PERMISSION_GROUP, groupProps(), { physicalResourceId: id }));
    expect(groupsOf(world.emulator)).toEqual([]);
  });

  test('waiting for members to leave, a poll FinSpace does not answer is tried again, until the time is up', async () => {
    const id = await createGroup();
    await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(id, ['alice'])));
    const event = cfnEvent('Delete', PERMISSION_GROUP, groupProps(), { physicalResourceId: id, logicalResourceId: 'Group' });
    const answer = await world.onEvent(event);
    expect(answer).toMatchObject({ DeleteAfterMembersLeave: true });

    world.emulator.setFaults({ seed: 1, throttleRate: 1, operations: ['ListUsersByPermissionGroup'] });
    await expect(handle({ ...event, ...answer }, world.context(), 'isComplete')).resolves.toEqual({ IsComplete: false });
    const late = { ...event, ...answer, DeleteStartedAt: world.clock.now() - world.settings.timeoutMs - 1 };
    await expect(handle(late, world.context(), 'isComplete')).rejects.toThrow(
      'permission group Group: ListUsersByPermissionGroup failed with ThrottlingException: Rate exceeded. FinSpace kept failing after every retry; deploy again later.');

    world.emulator.setFaults(undefined);
    await world.deploy(event);
    expect(groupsOf(world.emulator)).toEqual([]);
  });
});

describe('failures', () => {
  test('a role not registered in FinSpace fails with a reason that names the role and the registration', async () => {
    await world.stop();
    world = await startWorld({ seed: { iamPrincipals: [{ accessKeyId: 'AKIAHANDLERTESTS0001', secretAccessKey: 'handler-test-role-secret', roleArn: ROLE_ARN }], environments: [{ environmentId: ENV }] } });
    await expect(world.onEvent(cfnEvent('Create', PERMISSION_GROUP, groupProps(), { logicalResourceId: 'Analysts' }))).rejects.toThrow(new RegExp(
      '^permission group Analysts: GetProgrammaticAccessCredentials failed with AccessDeniedException: .*' +
      `FinSpace gives credentials for environment ${ENV} only to a role registered as the IAM principal ARN \\(apiAccessPrincipalArn\\) ` +
      `of an enabled FinSpace user with API access: register ${ROLE_ARN.replace(/[/]/g, '\\/')} on such a user`));
  });

  test('a validation failure from the service becomes a short reason without a stack trace', async () => {
    const failure = await world.onEvent(cfnEvent('Create', PERMISSION_GROUP, groupProps({ ApplicationPermissions: ['ReadEverything'] }), { logicalResourceId: 'Analysts' }))
      .catch(error => error as Error);
    expect(failure).toBeInstanceOf(Error);
    const error = failure as Error;
    expect(error.message).toMatch(/^permission group Analysts: CreatePermissionGroup failed with ValidationException/);
    expect(error.stack).toBe(error.message);
    expect(error.message).not.toContain('\n');
    expect(error.message.length).toBeLessThan(1000);
  });

  test('properties that are not this library\'s fail clearly', async () => {
    await expect(world.onEvent(cfnEvent('Create', PERMISSION_GROUP, { EnvironmentId: ENV }, { logicalResourceId: 'Odd' }))).rejects.toThrow(
      "permission group Odd: invalid resource properties: PermissionGroupName must be a non-empty string. The template was not made by this library's constructs, or by an incompatible version.");
  });
});

test('the rollback of a failed move to another environment converges the group where it still is', async () => {
  world.emulator.seed({
    environments: [{
      environmentId: 'envsecond',
      users: [{ userId: 'automation2', type: 'SUPER_USER', emailAddress: 'automation2@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE_ARN }],
    }],
  });
  const id = await createGroup();
  // CloudFormation rolls back with the old properties as new and the attempted ones as old.
  world.emulator.resetCalls();
  const result = await world.deploy(cfnEvent('Update', PERMISSION_GROUP, groupProps(), { old: groupProps({ EnvironmentId: 'envsecond' }), physicalResourceId: id }));
  expect(result.physicalResourceId).toBe(id);
  expect(groupsOf(world.emulator).map(g => g.permissionGroupId)).toEqual([id]);
  expect(world.writes()).toEqual([]);
});

describe('the handler never takes its own ManageUsersAndGroups away', () => {
  const ADMINS = 'grpAdmins';
  const SPARE = 'grpSpareAdmins';
  const MANAGE = ['ManageUsersAndGroups'];

  /** The handler's user is an app user whose privilege comes from group grpAdmins (and grpSpareAdmins, if `spare`). */
  async function startPrivilegedBy({ spare = false, superUser = false } = {}) {
    await world.stop();
    const seed = seedWith(['alice']);
    const environment = seed.environments![0];
    const handlerUser = { ...environment.users![0], type: superUser ? 'SUPER_USER' as const : 'APP_USER' as const };
    world = await startWorld({
      seed: {
        ...seed,
        environments: [{
          ...environment,
          users: [handlerUser, ...environment.users!.slice(1)],
          permissionGroups: [
            { permissionGroupId: ADMINS, name: 'admins', applicationPermissions: MANAGE, members: [HANDLER_USER, 'alice'] },
            ...(spare ? [{ permissionGroupId: SPARE, name: 'spare', applicationPermissions: MANAGE, members: [HANDLER_USER] }] : []),
          ],
        }],
      },
    });
    world.emulator.resetCalls();
  }
  const dropPermission = () => cfnEvent('Update', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'admins', ApplicationPermissions: ['ViewAuditData'] }), {
    old: groupProps({ PermissionGroupName: 'admins', ApplicationPermissions: MANAGE }),
    physicalResourceId: ADMINS,
    logicalResourceId: 'Admins',
  });
  const deleteAdmins = () => cfnEvent('Delete', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'admins', ApplicationPermissions: MANAGE }), {
    physicalResourceId: ADMINS,
    logicalResourceId: 'Admins',
  });
  const refusal = (change: string) =>
    `permission group Admins: refused: ${change} permission group ${ADMINS} would take ManageUsersAndGroups from FinSpace user ${HANDLER_USER}, ` +
    'which this handler acts as and which no other group grants it; every later change, rollback and delete would then fail with AccessDenied. ' +
    'First grant the user ManageUsersAndGroups through another group (or make it a superuser).';

  test('an update that drops the permission from the group that grants it is refused before any write', async () => {
    await startPrivilegedBy();
    await expect(world.deploy(dropPermission())).rejects.toThrow(refusal('removing ManageUsersAndGroups from'));
    expect(world.writes()).toEqual([]);
    expect(groupsOf(world.emulator).find(g => g.permissionGroupId === ADMINS)!.applicationPermissions).toEqual(MANAGE);
    // The handler can still act: the rollback (back to the old properties) succeeds.
    const rollback = cfnEvent('Update', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'admins', ApplicationPermissions: MANAGE }), {
      old: groupProps({ PermissionGroupName: 'admins', ApplicationPermissions: ['ViewAuditData'] }),
      physicalResourceId: ADMINS,
    });
    await expect(world.deploy(rollback)).resolves.toMatchObject({ physicalResourceId: ADMINS });
  });

  test('deleting the group that grants it is refused before any member is removed', async () => {
    await startPrivilegedBy();
    await expect(world.deploy(deleteAdmins())).rejects.toThrow(refusal('deleting'));
    expect(world.writes()).toEqual([]);
    expect(groupsOf(world.emulator).find(g => g.permissionGroupId === ADMINS)!.members.map(m => m.userId)).toEqual([HANDLER_USER, 'alice']);
  });

  test.each([
    ['another group still grants it', { spare: true }],
    ['the handler acts as a superuser', { superUser: true }],
  ])('both go ahead when %s', async (_, setup) => {
    await startPrivilegedBy(setup);
    await world.deploy(dropPermission());
    expect(groupsOf(world.emulator).find(g => g.permissionGroupId === ADMINS)!.applicationPermissions).toEqual(['ViewAuditData']);
    await world.deploy(deleteAdmins());
    expect(groupsOf(world.emulator).map(g => g.permissionGroupId)).not.toContain(ADMINS);
  });

  test('a change that does not touch the permission costs no check', async () => {
    await startPrivilegedBy();
    await world.deploy(cfnEvent('Update', PERMISSION_GROUP, groupProps({ PermissionGroupName: 'admins', Description: 'New', ApplicationPermissions: MANAGE }), {
      old: groupProps({ PermissionGroupName: 'admins', ApplicationPermissions: MANAGE }),
      physicalResourceId: ADMINS,
    }));
    expect(world.emulator.calls.map(call => call.operation).filter(op => op !== 'GetProgrammaticAccessCredentials'))
      .toEqual(['GetPermissionGroup', 'UpdatePermissionGroup']);
  });
});
