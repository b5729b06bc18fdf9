/**
 * The two authorization layers: IAM for GetProgrammaticAccessCredentials,
 * FinSpace's own user and group permissions for everything else.
 */
import { associate, createGroup, disassociate, errorOf, newGroupId } from './support/api';
import { ENV, IAM, MANAGERS_GROUP, OTHER_ENV, World, role, startWorld } from './support/fixtures';
import { ApiRequest } from '../../../local/emulator/signed-client';

let world: World;

beforeEach(async () => {
  world = await startWorld({ behaviour: { additionDelayMs: 100, removalDelayMs: 100 } });
});

afterEach(() => world.emulator.stop());

const credentialsFor = (environmentId: string): ApiRequest => ({
  method: 'GET',
  path: '/credentials/programmatic',
  query: { environmentId },
});

const LIST_USERS: ApiRequest = { method: 'GET', path: '/user', query: { maxResults: 10 } };

const denied = (message: string) => ({ status: 403, type: 'AccessDeniedException', body: { message } });

describe('GetProgrammaticAccessCredentials (IAM layer)', () => {
  test('a role without the IAM permission is denied like IAM denies', async () => {
    const response = await world.iam(IAM.denied).send(credentialsFor(ENV));
    expect(errorOf(response)).toEqual(
      denied(
        'User: arn:aws:iam::123456789012:role/finspace-admin is not authorized to perform: finspace-api:GetProgrammaticAccessCredentials ' +
          'on resource: arn:aws:finspace-api:us-east-1:123456789012:/credentials/programmatic ' +
          'because no identity-based policy allows the finspace-api:GetProgrammaticAccessCredentials action',
      ),
    );
  });

  test('an unknown environment is denied, not reported missing', async () => {
    const response = await world.iam(IAM.admin).send(credentialsFor('env-nowhere'));
    expect(errorOf(response)).toEqual(denied("No FinSpace environment 'env-nowhere' exists in this account."));
  });

  test('a role no user registered is denied', async () => {
    const response = await world.iam(IAM.unregistered).send(credentialsFor(ENV));
    expect(errorOf(response)).toEqual(
      denied(`No FinSpace user in environment '${ENV}' has API access registered for principal '${role('nobody')}'.`),
    );
  });

  test('a registered user without API access is denied', async () => {
    const response = await world.iam(IAM.noApi).send(credentialsFor(ENV));
    expect(errorOf(response)).toEqual(
      denied(`The FinSpace user 'noapi' registered for principal '${role('finspace-noapi')}' does not have API access enabled.`),
    );
  });

  test('a registered user who is disabled is denied', async () => {
    const response = await world.iam(IAM.disabled).send(credentialsFor(ENV));
    expect(errorOf(response)).toEqual(
      denied(`The FinSpace user 'retired' registered for principal '${role('finspace-disabled')}' is DISABLED, not ENABLED.`),
    );
  });

  test('vended credentials cannot vend more', async () => {
    const admin = await world.session(IAM.admin);
    const response = await admin.send(credentialsFor(ENV));
    expect(response.status).toBe(403);
    expect(response.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(response.body.message).toContain('Temporary FinSpace credentials are not authorized');
  });

  test('the same role may act in several environments, each with its own credentials', async () => {
    const primary = await world.session(IAM.admin, ENV);
    const secondary = await world.session(IAM.admin, OTHER_ENV);
    const groupId = await newGroupId(secondary, 'only-in-secondary');
    const seenFromPrimary = await primary.send({ method: 'GET', path: `/permission-group/${groupId}` });
    expect(seenFromPrimary.status).toBe(404);
    const users = await secondary.send(LIST_USERS);
    expect(users.body.users.map((user: { userId: string }) => user.userId)).toEqual(['admin2']);
    expect(world.emulator.calls.filter((call) => call.operation === 'CreatePermissionGroup')).toEqual([
      expect.objectContaining({ environmentId: OTHER_ENV }),
    ]);
  });
});

describe('user and group operations (FinSpace layer)', () => {
  test('IAM keys are denied every operation but GetProgrammaticAccessCredentials', async () => {
    const response = await createGroup(world.iam(IAM.admin), 'traders');
    expect(errorOf(response)).toEqual(
      denied(
        'CreatePermissionGroup must be signed with temporary credentials from GetProgrammaticAccessCredentials; ' +
          'IAM credentials are only authorized for GetProgrammaticAccessCredentials.',
      ),
    );
  });

  test('a user who is neither superuser nor manager is denied', async () => {
    const analyst = await world.session(IAM.analyst);
    const response = await analyst.send(LIST_USERS);
    expect(errorOf(response)).toEqual(
      denied(
        "The FinSpace user 'analyst' is neither a superuser nor an ADDITION_SUCCESS member of a permission group " +
          'with ManageUsersAndGroups, which ListUsers requires.',
      ),
    );
  });

  test('a member of a group with ManageUsersAndGroups may manage users and groups', async () => {
    const manager = await world.session(IAM.manager);
    expect((await createGroup(manager, 'traders')).status).toBe(200);
    expect((await manager.send(LIST_USERS)).status).toBe(200);
  });

  test('the permission counts only once the membership has settled, both ways', async () => {
    const admin = await world.session(IAM.admin);
    const analyst = await world.session(IAM.analyst);
    expect((await associate(admin, MANAGERS_GROUP, 'analyst')).status).toBe(200);
    expect((await analyst.send(LIST_USERS)).status).toBe(403);
    world.clock.advance(100);
    expect((await analyst.send(LIST_USERS)).status).toBe(200);
    expect((await disassociate(admin, MANAGERS_GROUP, 'analyst')).status).toBe(200);
    expect((await analyst.send(LIST_USERS)).status).toBe(403);
  });

  test('taking ManageUsersAndGroups away from the group takes it from its members', async () => {
    const admin = await world.session(IAM.admin);
    const manager = await world.session(IAM.manager);
    await admin.send({ method: 'PUT', path: `/permission-group/${MANAGERS_GROUP}`, body: { applicationPermissions: ['CreateDataset'] } });
    expect((await manager.send(LIST_USERS)).status).toBe(403);
  });

  test('a user disabled after vending is denied until enabled again', async () => {
    const admin = await world.session(IAM.admin);
    const manager = await world.session(IAM.manager);
    await admin.send({ method: 'POST', path: '/user/manager/disable', body: {} });
    expect(errorOf(await manager.send(LIST_USERS))).toEqual(denied("The FinSpace user 'manager' behind these credentials is DISABLED."));
    await admin.send({ method: 'POST', path: '/user/manager/enable', body: {} });
    expect((await manager.send(LIST_USERS)).status).toBe(200);
  });

  test('a denied request has no effect', async () => {
    const analyst = await world.session(IAM.analyst);
    const before = world.emulator.snapshot();
    await createGroup(analyst, 'traders');
    expect(world.emulator.snapshot()).toEqual(before);
  });
});

describe('uniqueApiAccessPrincipals: false', () => {
  test('any qualifying user registered for the role is used', async () => {
    world.emulator.setBehaviour({ uniqueApiAccessPrincipals: false });
    const admin = await world.session(IAM.admin);
    // A second user for the analyst's role, created before the analyst is disabled.
    const created = await admin.send({
      method: 'POST',
      path: '/user',
      body: { emailAddress: 'twin@example.com', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: IAM.analyst.roleArn },
    });
    expect(created.status).toBe(200);
    await admin.send({ method: 'POST', path: '/user/analyst/disable', body: {} });
    const twin = await world.session(IAM.analyst);
    expect((await twin.send(LIST_USERS)).status).toBe(200);
    expect(world.emulator.calls[world.emulator.calls.length - 1].environmentId).toBe(ENV);
  });
});
