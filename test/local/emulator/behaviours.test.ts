/**
 * The undocumented rules outside memberships: uniqueness, limits, user
 * creation lag, credential lifetime, and how behaviours are configured.
 */
import { createGroup, errorOf, getUser } from './support/api';
import { ENV, IAM, World, startWorld } from './support/fixtures';
import { DEFAULT_BEHAVIOUR, EmulatorBehaviour, FinSpaceEmulator } from '../../../local/emulator';
import { SignedClient } from '../../../local/emulator/signed-client';

let world: World;
let admin: SignedClient;

async function setUp(behaviour: Partial<EmulatorBehaviour> = {}): Promise<void> {
  world = await startWorld({ behaviour });
  admin = await world.session(IAM.admin);
}

afterEach(() => world.emulator.stop());

const createUser = (body: Record<string, unknown>) => admin.send({ method: 'POST', path: '/user', body: { type: 'APP_USER', ...body } });

describe('uniqueGroupNames', () => {
  test('true (default): a second group with the same name is a ConflictException, on create and rename', async () => {
    await setUp();
    expect(errorOf(await createGroup(admin, 'readers'))).toEqual({
      status: 409,
      type: 'ConflictException',
      body: { message: "Permission group 'grpReaders' already has this name.", reason: 'PERMISSION_GROUP_NAME_EXISTS' },
    });
    const rename = await admin.send({ method: 'PUT', path: '/permission-group/grpManagers', body: { name: 'readers' } });
    expect(rename.status).toBe(409);
    const keepName = await admin.send({ method: 'PUT', path: '/permission-group/grpReaders', body: { name: 'readers' } });
    expect(keepName.status).toBe(200);
  });

  test('names are compared exactly', async () => {
    await setUp();
    expect((await createGroup(admin, 'Readers')).status).toBe(200);
  });

  test('false: names may repeat', async () => {
    await setUp({ uniqueGroupNames: false });
    expect((await createGroup(admin, 'readers')).status).toBe(200);
  });
});

describe('users', () => {
  test('e-mail addresses are unique regardless of case, and the message does not repeat them', async () => {
    await setUp();
    expect(errorOf(await createUser({ emailAddress: 'ALICE@example.com' }))).toEqual({
      status: 409,
      type: 'ConflictException',
      body: { message: 'A user with this email address already exists.', reason: 'EMAIL_ADDRESS_EXISTS' },
    });
  });

  test('uniqueApiAccessPrincipals true (default): one user per role ARN, on create and update', async () => {
    await setUp();
    const expected = {
      status: 409,
      type: 'ConflictException',
      body: { message: "User 'analyst' already has API access registered for this principal.", reason: 'API_ACCESS_PRINCIPAL_IN_USE' },
    };
    expect(errorOf(await createUser({ emailAddress: 'twin@example.com', apiAccessPrincipalArn: IAM.analyst.roleArn }))).toEqual(expected);
    expect(errorOf(await admin.send({ method: 'PUT', path: '/user/bob', body: { apiAccessPrincipalArn: IAM.analyst.roleArn } }))).toEqual(expected);
    const unchanged = await admin.send({ method: 'PUT', path: '/user/analyst', body: { apiAccessPrincipalArn: IAM.analyst.roleArn } });
    expect(unchanged.status).toBe(200);
  });

  test('uniqueApiAccessPrincipals false: a role ARN may be registered twice', async () => {
    await setUp({ uniqueApiAccessPrincipals: false });
    expect((await createUser({ emailAddress: 'twin@example.com', apiAccessPrincipalArn: IAM.analyst.roleArn })).status).toBe(200);
  });

  test('new users have API access DISABLED unless asked for', async () => {
    await setUp();
    const userId = (await createUser({ emailAddress: 'erin@example.com' })).body.userId;
    expect((await getUser(admin, userId)).body.apiAccess).toBe('DISABLED');
  });

  test('userCreationDelayMs: a new user is CREATING until the delay has passed', async () => {
    await setUp({ userCreationDelayMs: 200 });
    const userId = (await createUser({ emailAddress: 'erin@example.com' })).body.userId;
    const created = (await getUser(admin, userId)).body;
    expect(created.status).toBe('CREATING');
    expect(created.lastEnabledTime).toBeUndefined();
    expect(errorOf(await admin.send({ method: 'POST', path: `/user/${userId}/enable`, body: {} }))).toEqual({
      status: 409,
      type: 'ConflictException',
      body: { message: `User '${userId}' is still being created.`, reason: 'USER_CREATING' },
    });
    expect((await admin.send({ method: 'POST', path: `/user/${userId}/disable`, body: {} })).status).toBe(409);
    world.clock.advance(200);
    expect((await getUser(admin, userId)).body).toMatchObject({ status: 'ENABLED', lastEnabledTime: created.createTime + 200 });
  });

  test('enabling an enabled user and disabling a disabled one succeed without change', async () => {
    await setUp();
    const before = (await getUser(admin, 'bob')).body;
    world.clock.advance(1000);
    expect((await admin.send({ method: 'POST', path: '/user/bob/enable', body: {} })).status).toBe(200);
    expect((await getUser(admin, 'bob')).body).toEqual(before);
    const carol = (await getUser(admin, 'carol')).body;
    expect((await admin.send({ method: 'POST', path: '/user/carol/disable', body: {} })).status).toBe(200);
    expect((await getUser(admin, 'carol')).body).toEqual(carol);
  });

  test('unknown users are ResourceNotFound', async () => {
    await setUp();
    expect(errorOf(await admin.send({ method: 'POST', path: '/user/zoe/enable', body: {} }))).toEqual({
      status: 404,
      type: 'ResourceNotFoundException',
      body: { message: "User 'zoe' does not exist.", reason: 'USER_NOT_FOUND' },
    });
  });
});

describe('limits', () => {
  test('maxPermissionGroups: LimitExceededException above it', async () => {
    await setUp({ maxPermissionGroups: 3 });
    expect((await createGroup(admin, 'third')).status).toBe(200);
    expect(errorOf(await createGroup(admin, 'fourth'))).toEqual({
      status: 400,
      type: 'LimitExceededException',
      body: { message: 'The environment already has the maximum of 3 permission groups.' },
    });
  });

  test('maxActiveUsers: CreateUser and EnableUser are refused above it', async () => {
    // The seed has 8 users who are not disabled.
    await setUp({ maxActiveUsers: 8 });
    const limited = {
      status: 400,
      type: 'LimitExceededException',
      body: { message: 'The environment already has the maximum of 8 users who are not disabled.' },
    };
    expect(errorOf(await createUser({ emailAddress: 'erin@example.com' }))).toEqual(limited);
    expect(errorOf(await admin.send({ method: 'POST', path: '/user/carol/enable', body: {} }))).toEqual(limited);
    await admin.send({ method: 'POST', path: '/user/bob/disable', body: {} });
    expect((await admin.send({ method: 'POST', path: '/user/carol/enable', body: {} })).status).toBe(200);
  });
});

test('defaultCredentialDurationMinutes sets the lifetime of credentials asked without a duration', async () => {
  await setUp({ defaultCredentialDurationMinutes: 15 });
  const response = await world.iam(IAM.admin).send({ method: 'GET', path: '/credentials/programmatic', query: { environmentId: ENV } });
  expect(response.body.durationInMinutes).toBe(15);
  const session = new SignedClient(world.emulator.endpoint, response.body.credentials, { now: world.clock.now });
  world.clock.advance(15 * 60_000);
  expect((await session.send({ method: 'GET', path: '/user', query: { maxResults: 1 } })).headers['x-amzn-errortype']).toBe('ExpiredTokenException');
});

describe('configuration', () => {
  test('the defaults are the documented ones', () => {
    expect(DEFAULT_BEHAVIOUR).toEqual({
      additionDelayMs: 1000,
      removalDelayMs: 1000,
      userCreationDelayMs: 0,
      defaultCredentialDurationMinutes: 60,
      clientTokenTtlMs: 600_000,
      associateExistingMember: 'conflict',
      associateDuringRemoval: 'conflict',
      disassociateNonMember: 'not-found',
      disassociateDuringRemoval: 'conflict',
      deleteGroupWithMembers: 'conflict',
      associateDisabledUser: 'allowed',
      associateCreatingUser: 'allowed',
      associateSuperUser: 'allowed',
      uniqueGroupNames: true,
      uniqueApiAccessPrincipals: true,
      maxPermissionGroups: null,
      maxActiveUsers: null,
    });
  });

  test('setBehaviour changes only what it names', async () => {
    await setUp();
    world.emulator.setBehaviour({ associateSuperUser: 'validation' });
    expect(world.emulator.behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, associateSuperUser: 'validation' });
  });

  test('unknown names and values are refused, all at once, and change nothing', async () => {
    await setUp();
    const attempt = () => world.emulator.setBehaviour({ associateSuperUser: 'maybe', colour: 'blue', additionDelayMs: -1 } as never);
    expect(attempt).toThrow(
      "Invalid behaviour: associateSuperUser must be one of 'allowed', 'validation'; unknown behaviour 'colour'; additionDelayMs must be an integer >= 0",
    );
    expect(world.emulator.behaviour).toEqual(DEFAULT_BEHAVIOUR);
  });

  test('a change must be an object', async () => {
    await setUp();
    expect(() => world.emulator.setBehaviour(null as never)).toThrow('behaviour must be an object');
  });

  test('the default credential duration must lie within the model range', async () => {
    await setUp();
    expect(() => world.emulator.setBehaviour({ defaultCredentialDurationMinutes: 61 })).toThrow(
      "defaultCredentialDurationMinutes must be an integer from 1 to 60 (the model's SessionDuration)",
    );
  });

  test('start refuses invalid behaviour', async () => {
    await setUp();
    await expect(FinSpaceEmulator.start({ behaviour: { deleteGroupWithMembers: 'sometimes' } as never })).rejects.toThrow(
      "deleteGroupWithMembers must be one of 'conflict', 'allowed'",
    );
  });
});
