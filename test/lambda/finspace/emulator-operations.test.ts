/**
 * Every operation of the client over real HTTP against the emulator, in the
 * order a custom resource's lifecycle would use them.
 */
import { API_USER_ID, clientOf, ENVIRONMENT_ID, startEmulator } from './support/world';
import { isFinSpaceError, OPERATION_NAMES } from '../../../lambda/finspace';
import type { FinSpaceEmulator } from '../../../local/emulator';

let emulator: FinSpaceEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.stop());

test('all operations round-trip with their typed inputs and outputs', async () => {
  const client = clientOf(emulator);

  const vended = await client.getProgrammaticAccessCredentials({ environmentId: ENVIRONMENT_ID, durationInMinutes: 15 });
  expect(vended.durationInMinutes).toBe(15);
  expect(vended.credentials).toEqual({
    accessKeyId: expect.any(String),
    secretAccessKey: expect.any(String),
    sessionToken: expect.any(String),
  });

  const { permissionGroupId } = await client.createPermissionGroup({
    name: 'Portfolio managers',
    description: 'Front office',
    applicationPermissions: ['CreateDataset', 'AccessNotebooks'],
    clientToken: 'create-group-1',
  });
  expect(permissionGroupId).toEqual(expect.any(String));
  const groupId = permissionGroupId as string;

  expect((await client.getPermissionGroup({ permissionGroupId: groupId })).permissionGroup).toMatchObject({
    permissionGroupId: groupId,
    name: 'Portfolio managers',
    description: 'Front office',
    applicationPermissions: ['CreateDataset', 'AccessNotebooks'],
    createTime: expect.any(Number),
    lastModifiedTime: expect.any(Number),
  });

  await expect(
    client.updatePermissionGroup({ permissionGroupId: groupId, name: 'PMs', applicationPermissions: ['ViewAuditData'] }),
  ).resolves.toEqual({ permissionGroupId: groupId });
  expect((await client.getPermissionGroup({ permissionGroupId: groupId })).permissionGroup).toMatchObject({
    name: 'PMs',
    description: 'Front office',
    applicationPermissions: ['ViewAuditData'],
  });

  const groups = await client.listPermissionGroups({ maxResults: 10 });
  expect(groups.permissionGroups?.map((group) => group.permissionGroupId)).toEqual([groupId]);
  expect(groups.nextToken).toBeUndefined();

  const { userId } = await client.createUser({
    emailAddress: 'jane.doe@example.com',
    type: 'APP_USER',
    firstName: 'Jane',
    lastName: 'Doe',
  });
  const newUserId = userId as string;
  expect(await client.getUser({ userId: newUserId })).toMatchObject({
    userId: newUserId,
    emailAddress: 'jane.doe@example.com',
    firstName: 'Jane',
    lastName: 'Doe',
    type: 'APP_USER',
    status: 'ENABLED',
    createTime: expect.any(Number),
  });
  await expect(client.updateUser({ userId: newUserId, firstName: 'Janet' })).resolves.toEqual({ userId: newUserId });
  expect((await client.getUser({ userId: newUserId })).firstName).toBe('Janet');
  const users = await client.listUsers({ maxResults: 100 });
  expect(users.users?.map((user) => user.userId).sort()).toEqual([API_USER_ID, newUserId].sort());

  await expect(client.associateUserToPermissionGroup({ permissionGroupId: groupId, userId: newUserId })).resolves.toEqual({
    statusCode: 200,
  });
  expect((await client.listUsersByPermissionGroup({ permissionGroupId: groupId, maxResults: 10 })).users).toEqual([
    {
      userId: newUserId,
      membershipStatus: 'ADDITION_SUCCESS',
      emailAddress: 'jane.doe@example.com',
      firstName: 'Janet',
      lastName: 'Doe',
      type: 'APP_USER',
      status: 'ENABLED',
      apiAccess: 'DISABLED',
    },
  ]);
  expect((await client.listPermissionGroupsByUser({ userId: newUserId, maxResults: 10 })).permissionGroups).toEqual([
    { permissionGroupId: groupId, name: 'PMs', membershipStatus: 'ADDITION_SUCCESS' },
  ]);
  await expect(
    client.disassociateUserFromPermissionGroup({ permissionGroupId: groupId, userId: newUserId }),
  ).resolves.toEqual({ statusCode: 200 });
  expect((await client.listUsersByPermissionGroup({ permissionGroupId: groupId, maxResults: 10 })).users ?? []).toEqual([]);

  await expect(client.disableUser({ userId: newUserId })).resolves.toEqual({ userId: newUserId });
  expect((await client.getUser({ userId: newUserId })).status).toBe('DISABLED');
  await expect(client.enableUser({ userId: newUserId })).resolves.toEqual({ userId: newUserId });
  expect((await client.getUser({ userId: newUserId })).status).toBe('ENABLED');

  await expect(client.deletePermissionGroup({ permissionGroupId: groupId })).resolves.toEqual({ permissionGroupId: groupId });
  const gone = await client.getPermissionGroup({ permissionGroupId: groupId }).catch((error: unknown) => error);
  expect(isFinSpaceError(gone, 'ResourceNotFoundException')).toBe(true);

  expect(new Set(emulator.calls.map((call) => call.operation))).toEqual(new Set(OPERATION_NAMES));
  expect(emulator.calls.filter((call) => call.statusCode >= 300)).toEqual([
    expect.objectContaining({ operation: 'GetPermissionGroup', statusCode: 404 }),
  ]);
});

test('a membership is visible while it is still being added', async () => {
  emulator.setBehaviour({ additionDelayMs: 60_000 });
  try {
    const client = clientOf(emulator);
    const { permissionGroupId } = await client.createPermissionGroup({ name: 'Slow group', applicationPermissions: [] });
    await client.associateUserToPermissionGroup({ permissionGroupId: permissionGroupId as string, userId: API_USER_ID });
    const page = await client.listUsersByPermissionGroup({ permissionGroupId: permissionGroupId as string, maxResults: 1 });
    expect(page.users?.[0]).toMatchObject({ userId: API_USER_ID, membershipStatus: 'ADDITION_IN_PROGRESS' });
  } finally {
    emulator.setBehaviour({ additionDelayMs: 0 });
  }
});
