/**
 * The real AWS SDK (v2, which still ships a FinSpace Data client) against the
 * emulator: it signs, serializes and parses errors on its own, so this shows
 * that an SDK cannot tell the emulator from the service.
 */
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';

import Finspacedata from 'aws-sdk/clients/finspacedata';
import { ENV, IAM, ManualClock, standardSeed } from './support/fixtures';
import { FinSpaceEmulator } from '../../../local/emulator';

let emulator: FinSpaceEmulator;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await FinSpaceEmulator.start({ seed: standardSeed(), behaviour: { additionDelayMs: 40, removalDelayMs: 40 }, now: clock.now });
});

afterEach(() => emulator.stop());

interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The SDK's clock offset makes it sign with the emulator's manual clock, as a real client's clock agrees with AWS's. */
function client(credentials: Keys, options: Partial<Finspacedata.ClientConfiguration> = {}): Finspacedata {
  return new Finspacedata({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials,
    maxRetries: 0,
    systemClockOffset: clock.now() - Date.now(),
    ...options,
  });
}

async function session(keys: Keys = IAM.admin): Promise<Finspacedata> {
  const answer = await client(keys).getProgrammaticAccessCredentials({ environmentId: ENV, durationInMinutes: 30 }).promise();
  expect(answer.durationInMinutes).toBe(30);
  const { accessKeyId, secretAccessKey, sessionToken } = answer.credentials ?? {};
  return client({ accessKeyId: accessKeyId as string, secretAccessKey: secretAccessKey as string, sessionToken });
}

interface SdkError {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
  readonly retryable?: boolean;
}

/** The error an SDK call fails with. */
async function failure(request: { promise(): Promise<unknown> }): Promise<SdkError> {
  try {
    await request.promise();
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('the call succeeded');
}

test('IAM key -> credentials -> every user and group operation', async () => {
  const finspace = await session();

  const { permissionGroupId } = await finspace
    .createPermissionGroup({ name: 'traders', description: 'Front office', applicationPermissions: ['CreateDataset'] })
    .promise();
  expect(permissionGroupId).toMatch(/^[0-9A-Za-z]{22}$/);
  const groupId = permissionGroupId as string;
  await finspace.updatePermissionGroup({ permissionGroupId: groupId, applicationPermissions: ['CreateDataset', 'AccessNotebooks'] }).promise();
  const { permissionGroup } = await finspace.getPermissionGroup({ permissionGroupId: groupId }).promise();
  expect(permissionGroup).toMatchObject({ name: 'traders', description: 'Front office', applicationPermissions: ['CreateDataset', 'AccessNotebooks'] });
  expect(typeof permissionGroup?.createTime).toBe('number');
  const groups = await finspace.listPermissionGroups({ maxResults: 100 }).promise();
  expect(groups.permissionGroups?.map((group) => group.permissionGroupId)).toContain(groupId);

  const { userId } = await finspace.createUser({ emailAddress: 'erin@example.com', type: 'APP_USER', firstName: 'Erin' }).promise();
  const newUser = userId as string;
  await finspace.updateUser({ userId: newUser, lastName: 'Roe' }).promise();
  expect(await finspace.getUser({ userId: newUser }).promise()).toMatchObject({ userId: newUser, firstName: 'Erin', lastName: 'Roe', status: 'ENABLED' });
  expect((await finspace.listUsers({ maxResults: 100 }).promise()).users?.map((user) => user.userId)).toContain(newUser);

  const associated = await finspace.associateUserToPermissionGroup({ permissionGroupId: groupId, userId: newUser }).promise();
  expect(associated.statusCode).toBe(200);
  const members = () => finspace.listUsersByPermissionGroup({ permissionGroupId: groupId, maxResults: 10 }).promise();
  expect((await members()).users).toEqual([expect.objectContaining({ userId: newUser, membershipStatus: 'ADDITION_IN_PROGRESS' })]);
  clock.advance(40);
  expect((await members()).users).toEqual([expect.objectContaining({ userId: newUser, membershipStatus: 'ADDITION_SUCCESS' })]);
  const groupsOfUser = await finspace.listPermissionGroupsByUser({ userId: newUser, maxResults: 10 }).promise();
  expect(groupsOfUser.permissionGroups).toEqual([{ permissionGroupId: groupId, name: 'traders', membershipStatus: 'ADDITION_SUCCESS' }]);

  const disassociated = await finspace.disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId: newUser }).promise();
  expect(disassociated.statusCode).toBe(200);
  await finspace.disableUser({ userId: newUser }).promise();
  await finspace.enableUser({ userId: newUser }).promise();
  clock.advance(40);
  expect((await finspace.deletePermissionGroup({ permissionGroupId: groupId }).promise()).permissionGroupId).toBe(groupId);

  // The SDK fills clientToken itself; the emulator saw one on every call that has it.
  const withToken = emulator.calls.filter((call) =>
    ['CreatePermissionGroup', 'UpdatePermissionGroup', 'DeletePermissionGroup', 'CreateUser', 'UpdateUser', 'EnableUser', 'DisableUser',
      'AssociateUserToPermissionGroup', 'DisassociateUserFromPermissionGroup'].includes(call.operation),
  );
  expect(withToken).toHaveLength(9);
  expect(withToken.every((call) => typeof call.clientToken === 'string' && call.statusCode === 200)).toBe(true);
});

test('nextToken round-trips through the SDK', async () => {
  emulator.seed({
    environments: [
      { environmentId: ENV, permissionGroups: Array.from({ length: 120 }, (_, index) => ({ permissionGroupId: `bulk${index}`, name: `bulk ${index}`, applicationPermissions: [] })) },
    ],
  });
  const finspace = await session();
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page: Finspacedata.ListPermissionGroupsResponse = await finspace.listPermissionGroups({ maxResults: 50, nextToken }).promise();
    ids.push(...(page.permissionGroups ?? []).map((group) => group.permissionGroupId as string));
    nextToken = page.nextToken;
  } while (nextToken);
  expect(ids).toHaveLength(122);
  expect(new Set(ids).size).toBe(122);
});

describe('errors reach the SDK with their code, status and message', () => {
  test('ResourceNotFoundException', async () => {
    const finspace = await session();
    expect(await failure(finspace.getPermissionGroup({ permissionGroupId: 'grpNowhere' }))).toMatchObject({
      code: 'ResourceNotFoundException',
      statusCode: 404,
      message: "Permission group 'grpNowhere' does not exist.",
    });
  });

  test('ValidationException from the server when the SDK does not validate', async () => {
    const credentials = (await client(IAM.admin).getProgrammaticAccessCredentials({ environmentId: ENV }).promise()).credentials as Keys;
    const unchecked = client(credentials, { paramValidation: false });
    expect(await failure(unchecked.listUsers({ maxResults: 101 }))).toMatchObject({
      code: 'ValidationException',
      statusCode: 400,
      message: "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    });
  });

  test('ConflictException', async () => {
    const finspace = await session();
    expect(await failure(finspace.createPermissionGroup({ name: 'readers', applicationPermissions: [] }))).toMatchObject({
      code: 'ConflictException',
      statusCode: 409,
    });
  });

  test('AccessDeniedException for IAM keys on group operations', async () => {
    expect(await failure(client(IAM.admin).listPermissionGroups({ maxResults: 10 }))).toMatchObject({ code: 'AccessDeniedException', statusCode: 403 });
  });

  test('UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException', async () => {
    expect(await failure(client({ accessKeyId: 'AKIANOBODY0000000001', secretAccessKey: 'x' }).getProgrammaticAccessCredentials({ environmentId: ENV }))).toMatchObject({
      code: 'UnrecognizedClientException',
      statusCode: 403,
    });
    expect(await failure(client({ ...IAM.admin, secretAccessKey: 'wrong' }).getProgrammaticAccessCredentials({ environmentId: ENV }))).toMatchObject({
      code: 'InvalidSignatureException',
      statusCode: 403,
    });
    const finspace = await session();
    emulator.expireCredentials(ENV);
    expect(await failure(finspace.listUsers({ maxResults: 10 }))).toMatchObject({
      code: 'ExpiredTokenException',
      statusCode: 403,
      message: 'The security token included in the request is expired',
    });
  });

  test('ThrottlingException is retryable for the SDK', async () => {
    const finspace = await session();
    emulator.setFaults({ throttleRate: 1 });
    expect(await failure(finspace.listUsers({ maxResults: 10 }))).toMatchObject({ code: 'ThrottlingException', statusCode: 429, retryable: true });
  });
});
