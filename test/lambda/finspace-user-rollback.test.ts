/**
 * The rollback of a failed deploy puts FinSpace back as it was: a user that a
 * FinSpaceUser with IfExists ADOPT adopted, enabled before the deploy, stays enabled
 * when CloudFormation deletes the resource to undo the failed create. In-process
 * against the emulator; CloudFormation's stack status is the world's.
 */
import { cfnEvent, ENV, seedWith, startWorld, type World } from './support/handler-world';

const FINSPACE_USER = 'Custom::FinSpaceUser';

function userProps(overrides: Record<string, unknown> = {}) {
  return { EnvironmentId: ENV, EmailAddress: 'steward@example.com', Type: 'APP_USER', ApiAccess: 'DISABLED', FirstName: 'Steward', IfExists: 'ADOPT', ...overrides };
}

const statusOf = (userId: string) =>
  world.emulator.snapshot().environments.find(e => e.environmentId === ENV)!.users.find(user => user.userId === userId)?.status;

let world: World;
beforeEach(async () => {
  // 'steward' (steward@example.com) is there, enabled, before any deploy.
  world = await startWorld({ seed: seedWith(['steward']) });
});
afterEach(() => world.stop());

test.each(['ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'])(
  'the delete that undoes the create of an adopting declaration (stack %s) leaves the adopted user enabled',
  async stackStatus => {
    const adopted = await world.deploy(cfnEvent('Create', FINSPACE_USER, userProps()));
    expect(adopted.physicalResourceId).toBe('steward');

    world.stackStatus = stackStatus;
    await world.deploy(cfnEvent('Delete', FINSPACE_USER, userProps(), { physicalResourceId: 'steward' }));

    expect(statusOf('steward')).toBe('ENABLED');
    expect(world.logs).toContain(JSON.stringify({ message: 'the rollback of a failed deploy leaves the user of an adopting declaration enabled', userId: 'steward' }));
  },
);

test('the removal of an adopting declaration (no rollback) disables the user, as RemovalPolicy.DESTROY says', async () => {
  await world.deploy(cfnEvent('Create', FINSPACE_USER, userProps()));
  world.stackStatus = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
  await world.deploy(cfnEvent('Delete', FINSPACE_USER, userProps(), { physicalResourceId: 'steward' }));
  expect(statusOf('steward')).toBe('DISABLED');
});

test('the rollback of a declaration that only creates disables the user it created', async () => {
  const created = await world.deploy(cfnEvent('Create', FINSPACE_USER, userProps({ EmailAddress: 'new.hire@example.com', IfExists: 'FAIL' })));
  world.stackStatus = 'ROLLBACK_IN_PROGRESS';
  await world.deploy(cfnEvent('Delete', FINSPACE_USER, userProps({ EmailAddress: 'new.hire@example.com', IfExists: 'FAIL' }), { physicalResourceId: created.physicalResourceId }));
  expect(statusOf(created.physicalResourceId)).toBe('DISABLED');
});
