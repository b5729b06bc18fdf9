/**
 * The FinSpaceUser lifecycle in-process against the emulator, on a simulated clock:
 * the cases the runner tests do not reach, such as a user removed while FinSpace is
 * still creating it, and one disabled by hand.
 */
import { cfnEvent, ENV, seedWith, startWorld, type World } from './support/handler-world';

const FINSPACE_USER = 'Custom::FinSpaceUser';

function userProps(overrides: Record<string, unknown> = {}) {
  return { EnvironmentId: ENV, EmailAddress: 'new.hire@example.com', Type: 'APP_USER', ApiAccess: 'DISABLED', IfExists: 'FAIL', ...overrides };
}

function userWith(world: World, emailAddress: string) {
  return world.emulator.snapshot().environments.find(e => e.environmentId === ENV)!.users.find(user => user.emailAddress === emailAddress);
}

let world: World;
afterEach(() => world.stop());

test('a create waits while FinSpace reports the user CREATING, and answers its id once ENABLED', async () => {
  world = await startWorld({ seed: seedWith([]), behaviour: { userCreationDelayMs: 1_000 } });
  const created = await world.deploy(cfnEvent('Create', FINSPACE_USER, userProps()), { pollMs: 200 });
  expect(created.polls).toBeGreaterThan(1);
  expect(created.data).toEqual({ UserId: created.physicalResourceId });
  expect(userWith(world, 'new.hire@example.com')).toMatchObject({ userId: created.physicalResourceId, status: 'ENABLED' });
});

test('a user removed while still CREATING is disabled by the polls once FinSpace lets it', async () => {
  world = await startWorld({ seed: seedWith([]), behaviour: { userCreationDelayMs: 1_000 } });
  const answer = await world.onEvent(cfnEvent('Create', FINSPACE_USER, userProps()));
  const userId = answer.PhysicalResourceId!;
  expect(userWith(world, 'new.hire@example.com')?.status).toBe('CREATING');
  await world.deploy(cfnEvent('Delete', FINSPACE_USER, userProps(), { physicalResourceId: userId }), { pollMs: 200 });
  expect(userWith(world, 'new.hire@example.com')).toMatchObject({ userId, status: 'DISABLED' });
});

test('an update enables a user that was disabled by hand, and changes only what differs', async () => {
  world = await startWorld({ seed: seedWith([]) });
  const created = await world.deploy(cfnEvent('Create', FINSPACE_USER, userProps({ FirstName: 'New' })));
  await world.disableUser(created.physicalResourceId);
  world.emulator.resetCalls();
  const updated = await world.deploy(cfnEvent('Update', FINSPACE_USER, userProps({ FirstName: 'Newer' }), {
    old: userProps({ FirstName: 'New' }), physicalResourceId: created.physicalResourceId,
  }));
  expect(updated.physicalResourceId).toBe(created.physicalResourceId);
  expect(userWith(world, 'new.hire@example.com')).toMatchObject({ status: 'ENABLED', firstName: 'Newer', apiAccess: 'DISABLED' });
  expect(world.emulator.calls.map(call => call.operation).filter(op => op === 'UpdateUser' || op === 'EnableUser')).toEqual(['UpdateUser', 'EnableUser']);
});

test('the same Create event delivered twice makes one user', async () => {
  world = await startWorld({ seed: seedWith([]) });
  const event = cfnEvent('Create', FINSPACE_USER, userProps());
  const first = await world.onEvent(event);
  const second = await world.onEvent(event);
  expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
  expect(world.emulator.snapshot().environments[0].users.filter(user => user.emailAddress === 'new.hire@example.com')).toHaveLength(1);
});

test('a principal another user holds fails with what FinSpace said, not as an address taken', async () => {
  world = await startWorld({ seed: seedWith([]) });
  await expect(world.onEvent(cfnEvent('Create', FINSPACE_USER, userProps({
    ApiAccess: 'ENABLED', ApiAccessPrincipalArn: 'arn:aws:iam::111122223333:role/finspace-handler', IfExists: 'ADOPT',
  })))).rejects.toThrow(/^FinSpace user Resource: CreateUser failed with ConflictException \(API_ACCESS_PRINCIPAL_IN_USE\)/);
  expect(userWith(world, 'new.hire@example.com')).toBeUndefined();
});
