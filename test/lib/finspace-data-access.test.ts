import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as finspace from 'aws-cdk-lib/aws-finspace';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FinSpaceDataAccess, PermissionGroup } from '../../lib';

function newStack() {
  return new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
}

function handlerFunctions(template: Template) {
  return template.findResources('AWS::Lambda::Function', {
    Properties: { Handler: Match.stringLikeRegexp('^index\\.(onEvent|isComplete)$') },
  });
}

describe('FinSpaceDataAccess', () => {
  test('creates one provider with two handler functions on nodejs22.x, a role and its output', () => {
    const stack = newStack();
    new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
    const template = Template.fromStack(stack);

    const functions = handlerFunctions(template);
    expect(Object.values(functions).map((f: any) => [f.Properties.Handler, f.Properties.Runtime]).sort())
      .toEqual([['index.isComplete', 'nodejs22.x'], ['index.onEvent', 'nodejs22.x']]);
    // The handler role, the framework's onEvent role, its isComplete/onTimeout role, the waiter's role.
    template.resourceCountIs('AWS::IAM::Role', 4);
    // None of them carries an AWS managed policy.
    expect(Object.values(template.findResources('AWS::IAM::Role')).map((r: any) => r.Properties.ManagedPolicyArns)).toEqual([undefined, undefined, undefined, undefined]);
    template.hasOutput('FinSpaceDataHandlerRoleArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('HandlerRole'), 'Arn'] } });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
    });
  });

  test('the handler role may call exactly GetProgrammaticAccessCredentials on its credentials resource, and write its logs', () => {
    const stack = newStack();
    const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId((access.role as iam.Role).node.defaultChild as iam.CfnRole);

    const role = template.findResources('AWS::IAM::Role')[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' },
    }]);

    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
    expect(policies).toHaveLength(1);
    const statements = (policies[0] as any).Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Action: 'finspace-api:GetProgrammaticAccessCredentials',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':finspace-api:us-east-1:111122223333:/credentials/programmatic']] },
      },
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/OnEventLogs/), 'Arn'] } },
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/IsCompleteLogs/), 'Arn'] } },
    ]);
  });

  test('log groups keep logs for the configured retention', () => {
    const stack = newStack();
    new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1', logRetention: logs.RetentionDays.ONE_WEEK });
    const template = Template.fromStack(stack);
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(3);
    expect(groups.map((g: any) => g.Properties.RetentionInDays)).toEqual([7, 7, 7]);
  });

  test('two accesses with the default role share one provider and one role; a brought role gets its own provider', () => {
    const stack = newStack();
    const first = new FinSpaceDataAccess(stack, 'One', { environmentId: 'env1' });
    const second = new FinSpaceDataAccess(stack, 'Two', { environmentId: 'env2' });
    const role = iam.Role.fromRoleArn(stack, 'Registered', 'arn:aws:iam::111122223333:role/finspace-automation');
    const third = new FinSpaceDataAccess(stack, 'Three', { environmentId: 'env3', role });
    new PermissionGroup(stack, 'A', { access: first, permissionGroupName: 'a' });
    new PermissionGroup(stack, 'B', { access: second, permissionGroupName: 'b' });
    new PermissionGroup(stack, 'C', { access: third, permissionGroupName: 'c' });

    expect(first.role).toBe(second.role);
    expect(third.role).toBe(role);
    const template = Template.fromStack(stack);
    expect(Object.keys(handlerFunctions(template))).toHaveLength(4);
    const tokens = Object.values(template.findResources('Custom::FinSpacePermissionGroup')).map((r: any) => JSON.stringify(r.Properties.ServiceToken));
    expect(tokens[0]).toEqual(tokens[1]);
    expect(tokens[2]).not.toEqual(tokens[0]);
    // The brought role is granted the one action through a policy attached to it by name.
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['finspace-automation'],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'finspace-api:GetProgrammaticAccessCredentials' })]) },
    });
  });

  test('the waiter gives up before CloudFormation does, and the handler before the waiter', () => {
    const stack = newStack();
    const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1', timeout: Duration.minutes(20), pollInterval: Duration.seconds(10) });
    new PermissionGroup(stack, 'A', { access, permissionGroupName: 'a' });
    const template = Template.fromStack(stack);
    const isComplete = Object.values(handlerFunctions(template)).find((f: any) => f.Properties.Handler === 'index.isComplete') as any;
    expect(isComplete.Properties.Environment.Variables.TIMEOUT_SECONDS).toBe('1180');
    template.hasResourceProperties('Custom::FinSpacePermissionGroup', { ServiceTimeout: '1500' });
    const definition = JSON.stringify(Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]);
    expect(definition).toContain('\\"IntervalSeconds\\":10');
    expect(definition).toContain('\\"MaxAttempts\\":120');
  });

  // Invalid props and their messages: test/reliability/bad-input.test.ts.

  test('accepts an environment id that is a token', () => {
    const stack = newStack();
    const environment = new finspace.CfnEnvironment(stack, 'Environment', { name: 'research' });
    const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: environment.attrEnvironmentId });
    new PermissionGroup(stack, 'A', { access, permissionGroupName: 'a' });
    Template.fromStack(stack).hasResourceProperties('Custom::FinSpacePermissionGroup', {
      EnvironmentId: { 'Fn::GetAtt': ['Environment', 'EnvironmentId'] },
    });
  });
});
