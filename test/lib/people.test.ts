/**
 * The synthesized templates and synth-time validation of FinSpaceUser, members by
 * e-mail and adopted groups.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FinSpaceDataAccess, FinSpaceUser, FinSpaceUserType, GroupMembership, IfExists, PermissionGroup } from '../../lib';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
  return { app, stack, access };
}

function resourcesOf(stack: Stack, type: string): any[] {
  return Object.values(Template.fromStack(stack).findResources(type));
}

describe('FinSpaceUser', () => {
  test('synthesizes the declared user, disabled on removal by default', () => {
    const { stack, access } = setup();
    new FinSpaceUser(stack, 'Jane', {
      access, emailAddress: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', apiAccessPrincipalArn: 'arn:aws:iam::111122223333:role/jane',
    });
    const [user] = resourcesOf(stack, 'Custom::FinSpaceUser');
    expect(user.DeletionPolicy).toBe('Delete');
    expect({ ...user.Properties, ServiceToken: undefined }).toEqual({
      ServiceToken: undefined,
      ServiceTimeout: '2100',
      EnvironmentId: 'env1',
      EmailAddress: 'jane@example.com',
      Type: 'APP_USER',
      FirstName: 'Jane',
      LastName: 'Doe',
      ApiAccess: 'ENABLED',
      ApiAccessPrincipalArn: 'arn:aws:iam::111122223333:role/jane',
      IfExists: 'FAIL',
    });
  });

  test('an adopting user is retained by default, and disabled on removal only when DESTROY is asked for', () => {
    const { stack, access } = setup();
    new FinSpaceUser(stack, 'Adopted', { access, emailAddress: 'adopted@example.com', ifExists: IfExists.ADOPT });
    new FinSpaceUser(stack, 'AdoptedDestroyed', { access, emailAddress: 'gone@example.com', ifExists: IfExists.ADOPT, removalPolicy: RemovalPolicy.DESTROY });
    const policies = Object.fromEntries(Object.entries(Template.fromStack(stack).findResources('Custom::FinSpaceUser'))
      .map(([, user]) => [user.Properties.EmailAddress, user.DeletionPolicy]));
    expect(policies).toEqual({ 'adopted@example.com': 'Retain', 'gone@example.com': 'Delete' });
  });

  test('RETAIN, a superuser without API access, adopted', () => {
    const { stack, access } = setup();
    new FinSpaceUser(stack, 'Root', { access, emailAddress: 'root@example.com', type: FinSpaceUserType.SUPER_USER, ifExists: IfExists.ADOPT, removalPolicy: RemovalPolicy.RETAIN });
    const [user] = resourcesOf(stack, 'Custom::FinSpaceUser');
    expect(user.DeletionPolicy).toBe('Retain');
    expect(user.Properties).toMatchObject({ Type: 'SUPER_USER', ApiAccess: 'DISABLED', IfExists: 'ADOPT' });
    expect(user.Properties.FirstName).toBeUndefined();
  });

  test.each([
    [{ emailAddress: 'no-at-sign.example.com' }, "emailAddress must be an e-mail address of 4 to 320 characters (name@domain.tld, as FinSpace accepts it), got 22 characters: '***'"],
    [{ emailAddress: `${'a'.repeat(320)}@example.com` }, 'emailAddress must be an e-mail address of 4 to 320 characters'],
    [{ firstName: '' }, 'firstName must be 1 to 50 characters with at least one that is not blank, got 0 characters'],
    [{ lastName: 'x'.repeat(51) }, 'lastName must be 1 to 50 characters with at least one that is not blank, got 51 characters'],
    [{ firstName: '   ' }, 'firstName must be 1 to 50 characters with at least one that is not blank, got 3 characters'],
    [{ apiAccessPrincipalArn: 'arn:aws:iam::111122223333:user/jane' }, "apiAccessPrincipalArn must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>, 20 to 2,048 characters), got 'arn:aws:iam::111122223333:user/jane'"],
    [{ apiAccess: false, apiAccessPrincipalArn: 'arn:aws:iam::111122223333:role/jane' }, 'apiAccessPrincipalArn is given but apiAccess is false'],
    [{ type: 'ROOT' as FinSpaceUserType }, "type must be one of SUPER_USER, APP_USER, got 'ROOT'"],
  ])('refuses %j at synth', (change, message) => {
    const { stack, access } = setup();
    expect(() => new FinSpaceUser(stack, 'Jane', { access, emailAddress: 'jane@example.com', ...change })).toThrow(message);
  });
});

describe('members by e-mail', () => {
  test('travel beside user ids, in declaration order, and wait for the FinSpaceUsers of the stack', () => {
    const { stack, access } = setup();
    const group = new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts', members: ['u1'] });
    const zed = new FinSpaceUser(stack, 'Zed', { access, emailAddress: 'zed@example.com' });
    group.addMemberUsers(zed, FinSpaceUser.fromEmail('Amy@Example.com'), FinSpaceUser.fromUserId('u2'));
    const [membership] = resourcesOf(stack, 'Custom::FinSpaceGroupMembership');
    expect(membership.Properties.UserIds).toEqual(['u1', 'u2']);
    expect(membership.Properties.Emails).toEqual(['zed@example.com', 'Amy@Example.com']);
    const userLogicalId = stack.getLogicalId(zed.node.defaultChild as any);
    expect(membership.DependsOn).toEqual(expect.arrayContaining([userLogicalId]));
  });

  test('a membership without e-mails carries no Emails property', () => {
    const { stack, access } = setup();
    new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts', members: ['u1'] });
    const [membership] = resourcesOf(stack, 'Custom::FinSpaceGroupMembership');
    expect(Object.keys(membership.Properties)).not.toContain('Emails');
  });

  test('the id of a FinSpaceUser of the stack declares that user', () => {
    const { stack, access } = setup();
    const zed = new FinSpaceUser(stack, 'Zed', { access, emailAddress: 'zed@example.com' });
    const membership = new GroupMembership(stack, 'Members', {
      group: new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts' }),
      userIds: [zed.userId],
    });
    expect(membership.declaredEmailAddresses).toEqual(['zed@example.com']);
    expect(() => membership.addFinSpaceUsers(FinSpaceUser.fromEmail('ZED@example.com'))).toThrow("Stack/Members: e-mail 'Z***@example.com' is declared more than once");
  });

  test.each([
    ['the same address twice in other capitals', () => [FinSpaceUser.fromEmail('amy@example.com'), FinSpaceUser.fromEmail('AMY@example.com')], "e-mail 'A***@example.com' is declared more than once"],
    ['an address FinSpace would refuse', () => [FinSpaceUser.fromEmail('amy@example')], 'emailAddress must be an e-mail address'],
    ['a reference that names nobody', () => [{ userReference: {} }], 'a member must name a user by emailAddress or userId'],
  ])('refuses %s at synth', (_name, users, message) => {
    const { stack, access } = setup();
    const group = new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts' });
    expect(() => group.addMemberUsers(...users())).toThrow(message);
  });

  test('refuses a user id that looks like an e-mail key', () => {
    const { stack, access } = setup();
    expect(() => new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts', members: ['email:a@b.cc'] }))
      .toThrow("user id must not begin with 'email:', got 'email:a@b.cc'");
  });

  test('two memberships of a group that declare one address fail the synthesis', () => {
    const { app, stack, access } = setup();
    const group = new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts', memberUsers: [FinSpaceUser.fromEmail('amy@example.com')] });
    new GroupMembership(stack, 'More', { group, users: [FinSpaceUser.fromEmail('Amy@example.com')] });
    expect(() => app.synth()).toThrow("users e-mail 'a***@example.com' are declared by both Stack/Group/Members and Stack/More");
  });

  test('a FinSpaceUser of another environment cannot be a member', () => {
    const { stack, access } = setup();
    const other = new FinSpaceDataAccess(stack, 'Other', { environmentId: 'env2' });
    const group = new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts' });
    expect(() => group.addMemberUsers(new FinSpaceUser(stack, 'Zed', { access: other, emailAddress: 'zed@example.com' })))
      .toThrow('Stack/Group/Members: FinSpace user Stack/Zed belongs to another FinSpace environment than permission group Stack/Group');
  });
});

describe('existing groups', () => {
  test('IfExists.ADOPT travels to the handler and retains the group by default', () => {
    const { stack, access } = setup();
    new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts', ifExists: IfExists.ADOPT });
    const [group] = resourcesOf(stack, 'Custom::FinSpacePermissionGroup');
    expect(group.Properties.IfExists).toBe('ADOPT');
    expect(group.DeletionPolicy).toBe('Retain');
  });

  test('the default leaves the property out and deletes the group', () => {
    const { stack, access } = setup();
    new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'analysts' });
    const [group] = resourcesOf(stack, 'Custom::FinSpacePermissionGroup');
    expect(Object.keys(group.Properties)).not.toContain('IfExists');
    expect(group.DeletionPolicy).toBe('Delete');
  });

  test('fromPermissionGroupName looks the group up at deploy time, and its memberships use the id it finds', () => {
    const { stack, access } = setup();
    const group = PermissionGroup.fromPermissionGroupName(stack, 'Managed', access, 'portfolio-managers');
    group.addMembers('u1');
    const [lookup] = resourcesOf(stack, 'Custom::FinSpacePermissionGroupByName');
    expect(lookup.Properties).toMatchObject({ EnvironmentId: 'env1', PermissionGroupName: 'portfolio-managers' });
    const [membership] = resourcesOf(stack, 'Custom::FinSpaceGroupMembership');
    expect(membership.Properties.PermissionGroupId).toEqual({ Ref: stack.getLogicalId(group.node.defaultChild as any) });
    expect(() => group.applyRemovalPolicy(RemovalPolicy.DESTROY)).toThrow('a permission group found by name is not deployed by this stack');
    expect(() => PermissionGroup.fromPermissionGroupName(stack, 'Blank', access, ' ')).toThrow('permissionGroupName must be 1 to 255 characters');
  });
});
