/**
 * The two-step authorization under stress: credentials that expire during a long
 * reconcile, and the three ways FinSpace can refuse the handler's identity, each of
 * which must fail at once with a reason that says what to register or grant.
 */
import { cfnEvent, ENV, GROUP_MEMBERSHIP, groupProps, HANDLER_USER, membershipProps, membersOf, PERMISSION_GROUP, ROLE_ARN, ROLE_KEYS, seedWith, startWorld, World } from '../lambda/support/handler-world';

let world: World;
afterEach(() => world?.stop());

const credentialCalls = () => world.emulator.calls.filter(c => c.operation === 'GetProgrammaticAccessCredentials').length;

test('vended credentials that expire in the middle of a reconcile are renewed without failing the deploy', async () => {
  const users = Array.from({ length: 120 }, (_, i) => `member${i}`);
  world = await startWorld({ seed: seedWith(users), settings: { maxConcurrency: 2 } });
  const groupId = (await world.deploy(cfnEvent('Create', PERMISSION_GROUP, groupProps()))).physicalResourceId;
  world.emulator.resetCalls();
  world.emulator.setFaults({ seed: 1, latencyMs: 2 });

  // Expire every vended credential once a third of the users have been added.
  let expired = false;
  const watcher = setInterval(() => {
    const adds = world.emulator.calls.filter(c => c.operation === 'AssociateUserToPermissionGroup').length;
    if (!expired && adds >= 40) {
      world.emulator.expireCredentials(ENV);
      expired = true;
    }
  }, 1);
  try {
    await world.deploy(cfnEvent('Create', GROUP_MEMBERSHIP, membershipProps(groupId, users)));
  } finally {
    clearInterval(watcher);
  }
  expect(expired).toBe(true);
  expect(membersOf(world.emulator, groupId)).toHaveLength(120);
  expect(membersOf(world.emulator, groupId).every(([, status]) => status === 'ADDITION_SUCCESS')).toBe(true);
  const rejected = world.emulator.calls.filter(c => c.errorType === 'ExpiredTokenException').length;
  expect(rejected).toBeGreaterThan(0);
  expect(credentialCalls()).toBe(1); // the renewal; the first credentials were cached from the group's create
});

describe('an identity FinSpace does not accept fails at once, saying what to fix', () => {
  const registration = `register ${ROLE_ARN} on such a user`;
  const grant = `The FinSpace user registered for ${ROLE_ARN} must be a superuser or belong to a permission group with ManageUsersAndGroups.`;

  test.each([
    ['the role is registered on no user', [], registration],
    ['the registered user has API access disabled',
      [{ userId: HANDLER_USER, type: 'SUPER_USER' as const, emailAddress: 'a@example.com', apiAccess: 'DISABLED' as const, apiAccessPrincipalArn: ROLE_ARN }], registration],
    ['the registered user is disabled',
      [{ userId: HANDLER_USER, type: 'SUPER_USER' as const, status: 'DISABLED' as const, emailAddress: 'a@example.com', apiAccess: 'ENABLED' as const, apiAccessPrincipalArn: ROLE_ARN }], registration],
    ['the registered user may not manage users and groups',
      [{ userId: HANDLER_USER, type: 'APP_USER' as const, emailAddress: 'a@example.com', apiAccess: 'ENABLED' as const, apiAccessPrincipalArn: ROLE_ARN }], grant],
  ])('%s', async (_, users, advice) => {
    world = await startWorld({ seed: { iamPrincipals: [{ ...ROLE_KEYS, roleArn: ROLE_ARN }], environments: [{ environmentId: ENV, users }] } });
    const failure = await world.onEvent(cfnEvent('Create', PERMISSION_GROUP, groupProps(), { logicalResourceId: 'Analysts' })).catch(e => e as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^permission group Analysts: \w+ failed with AccessDeniedException/);
    expect((failure as Error).message).toContain(advice);
    // No retries of a refusal: one attempt per call made.
    expect(world.emulator.calls.filter(c => c.statusCode === 403)).toHaveLength(1);
  });

  test('an IAM policy without GetProgrammaticAccessCredentials is named too', async () => {
    const iamPrincipals = [{ ...ROLE_KEYS, roleArn: ROLE_ARN, allowGetProgrammaticAccessCredentials: false }];
    world = await startWorld({ seed: { ...seedWith([]), iamPrincipals } });
    const failure = await world.onEvent(cfnEvent('Create', PERMISSION_GROUP, groupProps(), { logicalResourceId: 'Analysts' })).catch(e => e as Error);
    expect((failure as Error).message).toContain('check that the role may call finspace-api:GetProgrammaticAccessCredentials');
  });
});
