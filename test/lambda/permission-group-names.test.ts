/**
 * A group's create when groups of its name exist, run in-process against the
 * emulator both as it refuses and as it allows a second group of one name: the
 * outcome is the same, and a re-delivered Create still finds its own group.
 */
import { cfnEvent, groupProps, groupsOf, PERMISSION_GROUP, seedWith, startWorld, type World } from './support/handler-world';

describe.each([true, false])('with uniqueGroupNames %s', uniqueGroupNames => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ seed: seedWith([]), behaviour: { uniqueGroupNames } });
  });
  afterEach(() => world.stop());

  test('the same Create event delivered twice makes one group', async () => {
    const event = cfnEvent('Create', PERMISSION_GROUP, groupProps());
    const first = await world.onEvent(event);
    const second = await world.onEvent(event);
    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(groupsOf(world.emulator).map(group => group.permissionGroupId)).toEqual([first.PhysicalResourceId]);
  });

  test('another Create of a taken name fails and leaves only the group that had it', async () => {
    const first = await world.onEvent(cfnEvent('Create', PERMISSION_GROUP, groupProps()));
    world.emulator.resetCalls();
    await expect(world.onEvent(cfnEvent('Create', PERMISSION_GROUP, groupProps(), { logicalResourceId: 'Other' }))).rejects.toThrow(
      `permission group Other: a permission group of environment envhandlertests already has the declared name (${first.PhysicalResourceId}). ` +
      'Set ifExists: IfExists.ADOPT on the PermissionGroup to take the group over, or declare another name.');
    expect(groupsOf(world.emulator).map(group => group.permissionGroupId)).toEqual([first.PhysicalResourceId]);
    // A FinSpace that allows the name makes a second group for the probe, deleted again at once.
    expect(world.writes()).toEqual(uniqueGroupNames ? ['CreatePermissionGroup'] : ['CreatePermissionGroup', 'DeletePermissionGroup']);
  });

  test('a Create with IfExists ADOPT delivered twice adopts the same group', async () => {
    const existing = await world.onEvent(cfnEvent('Create', PERMISSION_GROUP, groupProps()));
    const event = cfnEvent('Create', PERMISSION_GROUP, groupProps({ Description: 'Adopted', IfExists: 'ADOPT' }), { logicalResourceId: 'Adopter' });
    expect((await world.onEvent(event)).PhysicalResourceId).toBe(existing.PhysicalResourceId);
    expect((await world.onEvent(event)).PhysicalResourceId).toBe(existing.PhysicalResourceId);
    expect(groupsOf(world.emulator)).toEqual([expect.objectContaining({ permissionGroupId: existing.PhysicalResourceId, description: 'Adopted' })]);
  });
});
