/**
 * Everything the handler logs during a whole lifecycle, and every failure reason it
 * gives, holds no value the API model marks sensitive: credentials, e-mail
 * addresses, group names, descriptions.
 */
import { cfnEvent, GROUP_MEMBERSHIP, membershipProps, PERMISSION_GROUP, ROLE_KEYS, seedWith, startWorld, ENV } from '../lambda/support/handler-world';

const NAME = 'Secret-Group-Name-7f3a';
const RENAMED = 'Secret-Renamed-Group-91c2';
const DESCRIPTION = 'Secret description 0b5e';

test('no sensitive value reaches the logs or the failure reasons of a full lifecycle', async () => {
  const world = await startWorld({ seed: seedWith(['alice', 'bob']) });
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => { printed.push(args.map(String).join(' ')); };
  const reasons: string[] = [];
  try {
    const props = { EnvironmentId: ENV, PermissionGroupName: NAME, Description: DESCRIPTION, ApplicationPermissions: ['CreateDataset'] };
    const group = await world.deploy(cfnEvent('Create', PERMISSION_GROUP, props));
    const id = group.physicalResourceId;
    await world.deploy(cfnEvent('Update', PERMISSION_GROUP, { ...props, PermissionGroupName: RENAMED }, { old: props, physicalResourceId: id }));
    await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(id, ['alice'])));
    await world.deploy(cfnEvent('Update', GROUP_MEMBERSHIP, membershipProps(id, ['bob']), { old: membershipProps(id, ['alice']), physicalResourceId: `${id}/abcd1234/0` }));
    // Failures too: the service rejects a name that is too long, and a user that does not exist.
    for (const failing of [
      cfnEvent('Create', PERMISSION_GROUP, { ...props, PermissionGroupName: `${NAME}${'x'.repeat(300)}` }),
      cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(id, ['ghost'])),
    ]) {
      await world.onEvent(failing).catch((error: Error) => reasons.push(error.message));
    }
    world.emulator.expireCredentials(ENV);
    await world.deploy(cfnEvent('Delete', GROUP_MEMBERSHIP, membershipProps(id, ['bob']), { physicalResourceId: `${id}/abcd1234/0` }));
    await world.deploy(cfnEvent('Delete', PERMISSION_GROUP, { ...props, PermissionGroupName: RENAMED }, { physicalResourceId: id }));
  } finally {
    console.log = original;
    await world.stop();
  }

  expect(reasons).toHaveLength(2);
  const everything = [...world.logs, ...printed, ...reasons].join('\n');
  expect(world.logs.length).toBeGreaterThan(5);
  const vended = world.emulator.calls.length; // sanity: the lifecycle really ran
  expect(vended).toBeGreaterThan(10);
  for (const secret of [NAME, RENAMED, DESCRIPTION, 'alice@example.com', 'bob@example.com', 'automation@example.com',
    ROLE_KEYS.accessKeyId, ROLE_KEYS.secretAccessKey, 'ASIA']) {
    expect(everything).not.toContain(secret);
  }
});
