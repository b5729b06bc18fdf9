/**
 * The happy path of each of the 16 operations, checked on the wire: route,
 * status, headers and the exact JSON the output shape allows.
 */
import { associate, createGroup, deleteGroup, disassociate, getUser } from './support/api';
import { ENV, IAM, MANAGERS_GROUP, World, startWorld } from './support/fixtures';
import { SignedClient } from '../../../local/emulator/signed-client';

let world: World;
let admin: SignedClient;

beforeEach(async () => {
  world = await startWorld({ behaviour: { additionDelayMs: 0, removalDelayMs: 0 } });
  admin = await world.session(IAM.admin);
});

afterEach(() => world.emulator.stop());

const ID = /^[0-9A-Za-z]{22}$/;

describe('GetProgrammaticAccessCredentials', () => {
  test('vends ASIA keys with a session token for the requested duration', async () => {
    const response = await world.iam(IAM.admin).send({
      method: 'GET',
      path: '/credentials/programmatic',
      query: { environmentId: ENV, durationInMinutes: 15 },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(response.body).sort()).toEqual(['credentials', 'durationInMinutes']);
    expect(response.body.durationInMinutes).toBe(15);
    const { accessKeyId, secretAccessKey, sessionToken } = response.body.credentials;
    expect(accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(secretAccessKey).toHaveLength(40);
    expect(sessionToken.length).toBeGreaterThan(100);
    expect(sessionToken.length).toBeLessThanOrEqual(1000);
  });

  test('defaults to 60 minutes and echoes it', async () => {
    const response = await world.iam(IAM.admin).send({ method: 'GET', path: '/credentials/programmatic', query: { environmentId: ENV } });
    expect(response.body.durationInMinutes).toBe(60);
  });
});

describe('permission groups', () => {
  test('CreatePermissionGroup returns a new opaque id', async () => {
    const response = await createGroup(admin, 'traders', { description: 'Front office', clientToken: 'create-1' });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['permissionGroupId']);
    expect(response.body.permissionGroupId).toMatch(ID);
  });

  test('GetPermissionGroup returns the group with epoch-millisecond timestamps', async () => {
    const created = await createGroup(admin, 'traders', { description: 'Front office', applicationPermissions: ['CreateDataset', 'AccessNotebooks'] });
    const id = created.body.permissionGroupId;
    const response = await admin.send({ method: 'GET', path: `/permission-group/${id}` });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      permissionGroup: {
        permissionGroupId: id,
        name: 'traders',
        description: 'Front office',
        applicationPermissions: ['CreateDataset', 'AccessNotebooks'],
        createTime: world.clock.now(),
        lastModifiedTime: world.clock.now(),
      },
    });
  });

  test('UpdatePermissionGroup changes only the members it is given', async () => {
    const id = (await createGroup(admin, 'traders', { description: 'Front office' })).body.permissionGroupId;
    world.clock.advance(5000);
    const response = await admin.send({ method: 'PUT', path: `/permission-group/${id}`, body: { applicationPermissions: ['ViewAuditData'] } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ permissionGroupId: id });
    const group = (await admin.send({ method: 'GET', path: `/permission-group/${id}` })).body.permissionGroup;
    expect(group).toMatchObject({ name: 'traders', description: 'Front office', applicationPermissions: ['ViewAuditData'] });
    await admin.send({ method: 'PUT', path: `/permission-group/${id}`, body: { description: 'Back office' } });
    const described = (await admin.send({ method: 'GET', path: `/permission-group/${id}` })).body.permissionGroup;
    expect(described).toMatchObject({ name: 'traders', description: 'Back office', applicationPermissions: ['ViewAuditData'] });
    expect(group.lastModifiedTime - group.createTime).toBe(5000);
  });

  test('DeletePermissionGroup removes the group; Get then answers 404', async () => {
    const id = (await createGroup(admin, 'traders')).body.permissionGroupId;
    const response = await deleteGroup(admin, id, 'delete-1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ permissionGroupId: id });
    const after = await admin.send({ method: 'GET', path: `/permission-group/${id}` });
    expect(after.status).toBe(404);
    expect(after.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(after.body).toEqual({ message: `Permission group '${id}' does not exist.`, reason: 'PERMISSION_GROUP_NOT_FOUND' });
  });

  test('ListPermissionGroups lists in creation order without a nextToken on the last page', async () => {
    const id = (await createGroup(admin, 'traders')).body.permissionGroupId;
    const response = await admin.send({ method: 'GET', path: '/permission-group', query: { maxResults: 10 } });
    expect(response.status).toBe(200);
    expect(response.body.nextToken).toBeUndefined();
    expect(response.body.permissionGroups.map((group: { permissionGroupId: string }) => group.permissionGroupId)).toEqual([
      MANAGERS_GROUP,
      'grpReaders',
      id,
    ]);
  });
});

describe('memberships', () => {
  test('AssociateUserToPermissionGroup answers 200 with an empty object', async () => {
    const id = (await createGroup(admin, 'traders')).body.permissionGroupId;
    const response = await associate(admin, id, 'alice', 'assoc-1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
  });

  test('ListUsersByPermissionGroup shows members with their membershipStatus', async () => {
    const id = (await createGroup(admin, 'traders')).body.permissionGroupId;
    await associate(admin, id, 'alice');
    const response = await admin.send({ method: 'GET', path: `/permission-group/${id}/users`, query: { maxResults: 5 } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      users: [
        {
          userId: 'alice',
          status: 'ENABLED',
          firstName: 'Alice',
          lastName: 'Doe',
          emailAddress: 'alice@example.com',
          type: 'APP_USER',
          apiAccess: 'DISABLED',
          membershipStatus: 'ADDITION_SUCCESS',
        },
      ],
    });
  });

  test('ListPermissionGroupsByUser shows the groups of a user', async () => {
    const id = (await createGroup(admin, 'traders')).body.permissionGroupId;
    await associate(admin, id, 'manager');
    const response = await admin.send({ method: 'GET', path: '/user/manager/permission-groups', query: { maxResults: 5 } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      permissionGroups: [
        { permissionGroupId: MANAGERS_GROUP, name: 'managers', membershipStatus: 'ADDITION_SUCCESS' },
        { permissionGroupId: id, name: 'traders', membershipStatus: 'ADDITION_SUCCESS' },
      ],
    });
  });

  test('DisassociateUserFromPermissionGroup answers 200 and the member is gone', async () => {
    const id = (await createGroup(admin, 'traders')).body.permissionGroupId;
    await associate(admin, id, 'alice');
    const response = await disassociate(admin, id, 'alice', 'disassoc-1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    const members = await admin.send({ method: 'GET', path: `/permission-group/${id}/users`, query: { maxResults: 5 } });
    expect(members.body).toEqual({ users: [] });
  });
});

describe('users', () => {
  test('CreateUser creates an ENABLED user; GetUser returns every member it has', async () => {
    const created = await admin.send({
      method: 'POST',
      path: '/user',
      body: {
        emailAddress: 'erin@example.com',
        type: 'APP_USER',
        firstName: 'Erin',
        lastName: 'Roe',
        apiAccess: 'ENABLED',
        apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/erin',
        clientToken: 'user-1',
      },
    });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body)).toEqual(['userId']);
    const userId = created.body.userId;
    expect(userId).toMatch(ID);
    const response = await getUser(admin, userId);
    expect(response.status).toBe(200);
    const now = world.clock.now();
    expect(response.body).toEqual({
      userId,
      status: 'ENABLED',
      firstName: 'Erin',
      lastName: 'Roe',
      emailAddress: 'erin@example.com',
      type: 'APP_USER',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: 'arn:aws:iam::123456789012:role/erin',
      createTime: now,
      lastEnabledTime: now,
      lastModifiedTime: now,
    });
  });

  test('UpdateUser changes only the members it is given', async () => {
    world.clock.advance(1000);
    const response = await admin.send({ method: 'PUT', path: '/user/bob', body: { firstName: 'Robert', type: 'SUPER_USER' } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ userId: 'bob' });
    const bob = (await getUser(admin, 'bob')).body;
    expect(bob).toMatchObject({ firstName: 'Robert', type: 'SUPER_USER', emailAddress: 'bob@example.com', apiAccess: 'DISABLED' });
    expect(bob.lastModifiedTime - bob.createTime).toBe(1000);
  });

  test('ListUsers lists every user in creation order', async () => {
    const response = await admin.send({ method: 'GET', path: '/user', query: { maxResults: 100 } });
    expect(response.status).toBe(200);
    expect(response.body.users.map((user: { userId: string }) => user.userId)).toEqual([
      'admin',
      'manager',
      'analyst',
      'retired',
      'noapi',
      'alice',
      'bob',
      'carol',
      'dave',
      'root',
    ]);
    expect(response.body.users[0]).toHaveProperty('createTime');
  });

  test('DisableUser and EnableUser switch the status and record when', async () => {
    world.clock.advance(1000);
    const disabled = await admin.send({ method: 'POST', path: '/user/bob/disable', body: { clientToken: 'disable-1' } });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ userId: 'bob' });
    expect((await getUser(admin, 'bob')).body).toMatchObject({ status: 'DISABLED', lastDisabledTime: world.clock.now() });
    world.clock.advance(1000);
    const enabled = await admin.send({ method: 'POST', path: '/user/bob/enable', body: {} });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toEqual({ userId: 'bob' });
    expect((await getUser(admin, 'bob')).body).toMatchObject({ status: 'ENABLED', lastEnabledTime: world.clock.now() });
  });
});
