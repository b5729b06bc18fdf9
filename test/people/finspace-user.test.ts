/**
 * FinSpaceUser deployed with the runner against the emulator: created and waited
 * for until ENABLED, updated in place, replaced when its e-mail changes, disabled on
 * removal or left enabled with RETAIN, and adopted only when asked.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { FinSpaceUser, FinSpaceUserType, IfExists, PermissionGroup } from '../../lib';
import { appUser, handlerReason, HANDLER_USER, PeopleWorld } from './support/people-world';

// Each deploy runs the real Lambda functions in local containers: seconds, more on a busy machine.
jest.setTimeout(300_000);

const HANDLER_ROLE = /^arn:aws:iam::111122223333:role\//;

describe('FinSpaceUser', () => {
  let world: PeopleWorld;
  afterEach(() => world.stop());

  test('created, waited for while FinSpace is still CREATING it, a member of a group, updated, replaced and disabled', async () => {
    world = await PeopleWorld.start({ behaviour: { userCreationDelayMs: 200 } });
    const first = await world.deploy((stack, access) => {
      const jane = new FinSpaceUser(stack, 'Jane', {
        access,
        emailAddress: 'jane.doe@example.com',
        firstName: 'Jane',
        lastName: 'Doe',
        apiAccessPrincipalArn: 'arn:aws:iam::111122223333:role/jane-notebooks',
      });
      // FinSpace refuses a CREATING user as a member: the membership must wait.
      new PermissionGroup(stack, 'Analysts', { access, permissionGroupName: 'analysts', memberUsers: [jane] });
    });
    expect(first).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    const jane = world.user('jane.doe@example.com');
    expect(jane).toMatchObject({
      status: 'ENABLED',
      type: 'APP_USER',
      firstName: 'Jane',
      lastName: 'Doe',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: 'arn:aws:iam::111122223333:role/jane-notebooks',
    });
    expect(world.physicalId('Jane')).toBe(jane.userId);
    expect(world.members('analysts')).toEqual([jane.userId]);

    const renamed = await world.deploy((stack, access) => {
      const user = new FinSpaceUser(stack, 'Jane', { access, emailAddress: 'jane.doe@example.com', firstName: 'Janet', lastName: 'Doe', apiAccess: false });
      new PermissionGroup(stack, 'Analysts', { access, permissionGroupName: 'analysts', memberUsers: [user] });
    });
    expect(renamed).toEqual({ status: 'UPDATE_COMPLETE', reason: undefined });
    expect(world.user('jane.doe@example.com')).toMatchObject({ userId: jane.userId, status: 'ENABLED', firstName: 'Janet', apiAccess: 'DISABLED' });

    const moved = await world.deploy((stack, access) => {
      const user = new FinSpaceUser(stack, 'Jane', { access, emailAddress: 'janet.doe@example.com', firstName: 'Janet', lastName: 'Doe' });
      new PermissionGroup(stack, 'Analysts', { access, permissionGroupName: 'analysts', memberUsers: [user] });
    });
    expect(moved).toEqual({ status: 'UPDATE_COMPLETE', reason: undefined });
    const janet = world.user('janet.doe@example.com');
    expect(janet.userId).not.toBe(jane.userId);
    expect(janet.status).toBe('ENABLED');
    expect(world.user('jane.doe@example.com').status).toBe('DISABLED');
    expect(world.members('analysts')).toEqual([janet.userId]);

    expect(await world.destroy()).toEqual({ status: 'DELETE_COMPLETE', reason: undefined });
    expect(world.user('janet.doe@example.com').status).toBe('DISABLED');
    expect(world.groups()).toEqual([]);
  });

  test('RETAIN leaves the user enabled when it leaves the stack', async () => {
    world = await PeopleWorld.start();
    await world.deploy((stack, access) => {
      new FinSpaceUser(stack, 'Quant', { access, emailAddress: 'quant@example.com', type: FinSpaceUserType.SUPER_USER, removalPolicy: RemovalPolicy.RETAIN });
    });
    expect(await world.destroy()).toEqual({ status: 'DELETE_COMPLETE', reason: undefined });
    expect(world.user('quant@example.com')).toMatchObject({ status: 'ENABLED', type: 'SUPER_USER' });
  });

  test('an existing address fails unless adoption is asked for; an adopted disabled user is enabled and converged', async () => {
    world = await PeopleWorld.start({ users: [appUser('existing01', { emailAddress: 'Existing.User@example.com', status: 'DISABLED', firstName: 'Old' })] });
    const refused = await world.deploy((stack, access) => {
      new FinSpaceUser(stack, 'Existing', { access, emailAddress: 'existing.user@example.com', firstName: 'New' });
    });
    expect(refused.status).toBe('ROLLBACK_COMPLETE');
    expect(handlerReason(refused.reason)).toBe('FinSpace user Existing4CC9759F: FinSpace already has a user with the e-mail address e***@example.com: existing01. ' +
      'Set ifExists: IfExists.ADOPT on the FinSpaceUser to manage that user with this stack, or declare another address.');
    expect(world.user('Existing.User@example.com')).toMatchObject({ status: 'DISABLED', firstName: 'Old' });

    const adopted = await world.deploy((stack, access) => {
      new FinSpaceUser(stack, 'Existing', { access, emailAddress: 'existing.user@example.com', firstName: 'New', ifExists: IfExists.ADOPT });
    });
    expect(adopted).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    expect(world.physicalId('Existing')).toBe('existing01');
    expect(world.user('Existing.User@example.com')).toMatchObject({ userId: 'existing01', status: 'ENABLED', firstName: 'New' });
    expect(world.users()).toHaveLength(2);
  });

  test('the handler never disables the FinSpace user it acts as', async () => {
    world = await PeopleWorld.start();
    const adopted = await world.deploy((stack, access) => {
      new FinSpaceUser(stack, 'Automation', {
        access,
        emailAddress: 'automation@example.com',
        type: FinSpaceUserType.SUPER_USER,
        ifExists: IfExists.ADOPT,
        // An adopted user is retained by default; DESTROY asks the handler to disable it.
        removalPolicy: RemovalPolicy.DESTROY,
        apiAccessPrincipalArn: access.role.roleArn,
      });
    });
    expect(adopted).toEqual({ status: 'CREATE_COMPLETE', reason: undefined });
    const removed = await world.destroy();
    expect(removed.status).toBe('DELETE_FAILED');
    expect(handlerReason(removed.reason)).toMatch(new RegExp(`^FinSpace user Automation[0-9A-F]{8}: refused disabling FinSpace user ${HANDLER_USER}: ` +
      'it is the user the handler acts as \\(registered on arn:aws:iam::111122223333:role/[^)]+\\), and the stack would lock itself out\\. ' +
      'Manage that user outside the stack, or with RemovalPolicy\\.RETAIN\\.$'));
    expect(world.user('automation@example.com')).toMatchObject({ status: 'ENABLED', apiAccessPrincipalArn: expect.stringMatching(HANDLER_ROLE) });
  });
});
