import { App, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { APPLICATION_PERMISSIONS } from '../../contract/application-permissions';
import { ApplicationPermission, FinSpaceDataAccess, PermissionGroup } from '../../lib';

function setup() {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
  return { stack, access };
}

describe('PermissionGroup', () => {
  test('synthesizes one custom resource with exactly the declared properties', () => {
    const { stack, access } = setup();
    const group = new PermissionGroup(stack, 'Analysts', {
      access,
      permissionGroupName: 'analysts',
      description: 'Market data analysts',
      applicationPermissions: [ApplicationPermission.ACCESS_NOTEBOOKS, ApplicationPermission.CREATE_DATASET],
    });
    const template = Template.fromStack(stack);
    const resources = template.findResources('Custom::FinSpacePermissionGroup');
    expect(Object.keys(resources)).toHaveLength(1);
    const [logicalId, resource] = Object.entries(resources)[0] as [string, any];
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resource.UpdateReplacePolicy).toBe('Delete');
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^FinSpaceDataProviderframeworkonEvent/), 'Arn'] },
      ServiceTimeout: '2100',
      EnvironmentId: 'env1',
      PermissionGroupName: 'analysts',
      Description: 'Market data analysts',
      ApplicationPermissions: ['AccessNotebooks', 'CreateDataset'],
    });
    expect(stack.resolve(group.permissionGroupId)).toEqual({ Ref: logicalId });
  });

  test('omits the description when none is declared and defaults to no permissions', () => {
    const { stack, access } = setup();
    new PermissionGroup(stack, 'Empty', { access, permissionGroupName: 'empty' });
    const resource = Object.values(Template.fromStack(stack).findResources('Custom::FinSpacePermissionGroup'))[0] as any;
    expect(resource.Properties.Description).toBeUndefined();
    expect(resource.Properties.ApplicationPermissions).toEqual([]);
  });

  test('RETAIN keeps the group in FinSpace', () => {
    const { stack, access } = setup();
    new PermissionGroup(stack, 'Kept', { access, permissionGroupName: 'kept', removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResource('Custom::FinSpacePermissionGroup', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('applyRemovalPolicy(RETAIN) keeps the group in FinSpace, and SNAPSHOT is refused at synth', () => {
    const { stack, access } = setup();
    const kept = new PermissionGroup(stack, 'Kept', { access, permissionGroupName: 'kept' });
    kept.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Template.fromStack(stack).hasResource('Custom::FinSpacePermissionGroup', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const message = 'RemovalPolicy.SNAPSHOT is not supported: FinSpace groups and memberships have no snapshot; ' +
      'use RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE';
    expect(() => kept.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(`Stack/Kept: ${message}`);
    expect(() => new PermissionGroup(stack, 'Snap', { access, permissionGroupName: 'snap', removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(`Stack/Snap: ${message}`);
  });

  test('an imported group has no removal policy to apply', () => {
    const { stack, access } = setup();
    const imported = PermissionGroup.fromPermissionGroupId(stack, 'Existing', access, 'pg1');
    expect(() => imported.applyRemovalPolicy(RemovalPolicy.RETAIN)).toThrow(
      'Stack/Existing: an imported permission group is not deployed by this stack, so it has no removal policy; ' +
      'set the removal policy of its GroupMembership instead');
  });

  test('two groups share one provider', () => {
    const { stack, access } = setup();
    new PermissionGroup(stack, 'A', { access, permissionGroupName: 'a' });
    new PermissionGroup(stack, 'B', { access, permissionGroupName: 'b' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::FinSpacePermissionGroup', 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(Object.keys(template.findResources('AWS::Lambda::Function', {
      Properties: { Handler: Match.stringLikeRegexp('^index\\.') },
    }))).toHaveLength(2);
  });

  test('warns, in a way that can be acknowledged, when a group grants ManageUsersAndGroups', () => {
    const { stack, access } = setup();
    new PermissionGroup(stack, 'Admins', {
      access,
      permissionGroupName: 'admins',
      applicationPermissions: [ApplicationPermission.MANAGE_USERS_AND_GROUPS],
    });
    new PermissionGroup(stack, 'Readers', { access, permissionGroupName: 'readers', applicationPermissions: [ApplicationPermission.VIEW_AUDIT_DATA] });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ManageUsersAndGroups'));
    expect(warnings.map(w => w.id)).toEqual(['/Stack/Admins']);
    expect(warnings[0].entry.data).toBe(
      'Permission group grants ManageUsersAndGroups: its members can grant themselves or others any permission in the FinSpace environment. ' +
      'Grant it only to trusted users. If the FinSpace user the handler acts as gets the permission from this group alone, deploys that delete the group ' +
      'or remove the permission are refused (the handler would lock itself out): grant it to that user through a group outside the stack, or make the user a superuser. ' +
      '[ack: cdk-finspace-permission-groups:PermissionGroup.privileged]');
  });

  test('imports an existing group by id', () => {
    const { stack, access } = setup();
    const imported = PermissionGroup.fromPermissionGroupId(stack, 'Existing', access, 'pg0123456789');
    expect(imported.permissionGroupId).toBe('pg0123456789');
    expect(imported.access).toBe(access);
    Template.fromStack(stack).resourceCountIs('Custom::FinSpacePermissionGroup', 0);
  });

  // Invalid props and their messages: test/reliability/bad-input.test.ts.

  test('accepts the longest valid values', () => {
    const { stack, access } = setup();
    expect(() => new PermissionGroup(stack, 'Max', { access, permissionGroupName: 'n'.repeat(255), description: 'd'.repeat(4000) })).not.toThrow();
  });

  test('leaves tokens to the deploy-time checks', () => {
    const { stack, access } = setup();
    const name = Token.asString({ Ref: 'GroupName' });
    new PermissionGroup(stack, 'FromParameter', {
      access,
      permissionGroupName: name,
      description: Token.asString({ Ref: 'Description' }),
      applicationPermissions: [Token.asString({ Ref: 'Permission' }) as ApplicationPermission],
    });
    const resource = Object.values(Template.fromStack(stack).findResources('Custom::FinSpacePermissionGroup'))[0] as any;
    expect(resource.Properties.PermissionGroupName).toEqual({ Ref: 'GroupName' });
    expect(resource.Properties.ApplicationPermissions).toEqual([{ Ref: 'Permission' }]);
  });
});

test('the public ApplicationPermission enum lists exactly the values of the contract', () => {
  expect(Object.values(ApplicationPermission)).toEqual([...APPLICATION_PERMISSIONS]);
});
