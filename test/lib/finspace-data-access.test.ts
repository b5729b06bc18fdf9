import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as finspace from 'aws-cdk-lib/aws-finspace';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FinSpaceDataAccess, FinSpaceDataAccessProps, GroupMembership, PermissionGroup } from '../../lib';

function newStack() {
  return new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
}

function handlerFunctions(template: Template) {
  return template.findResources('AWS::Lambda::Function', {
    Properties: { Handler: Match.stringLikeRegexp('^index\\.(onEvent|isComplete)$') },
  });
}

/** An access that a group uses: the provider is created for its first resource. */
function accessInUse(stack: Stack, props: FinSpaceDataAccessProps = { environmentId: 'env1' }): FinSpaceDataAccess {
  const access = new FinSpaceDataAccess(stack, 'FinSpace', props);
  new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'group' });
  return access;
}

/** The newest Node.js runtime the installed aws-cdk-lib lists, by version, as cdk-nag's AwsSolutions-L1 picks it. */
const NEWEST_NODE_RUNTIME = lambda.Runtime.ALL
  .map(runtime => /^nodejs(\d+)\.x$/.exec(runtime.name))
  .filter((match): match is RegExpExecArray => match !== null)
  .sort((a, b) => Number(a[1]) - Number(b[1]))
  .pop()![0];

describe('FinSpaceDataAccess', () => {
  test('creates one provider with two handler functions on the newest Node.js runtime, a role and its output', () => {
    const stack = newStack();
    accessInUse(stack);
    const template = Template.fromStack(stack);

    const functions = handlerFunctions(template);
    expect(Object.values(functions).map((f: any) => [f.Properties.Handler, f.Properties.Runtime]).sort())
      .toEqual([['index.isComplete', NEWEST_NODE_RUNTIME], ['index.onEvent', NEWEST_NODE_RUNTIME]]);
    // The handler role, the framework's onEvent role, its isComplete/onTimeout role, the waiter's role.
    template.resourceCountIs('AWS::IAM::Role', 4);
    // None of them carries an AWS managed policy.
    expect(Object.values(template.findResources('AWS::IAM::Role')).map((r: any) => r.Properties.ManagedPolicyArns)).toEqual([undefined, undefined, undefined, undefined]);
    template.hasOutput('FinSpaceDataHandlerRoleArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('HandlerRole'), 'Arn'] } });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
    });
  });

  test('the handler role may call exactly GetProgrammaticAccessCredentials on its credentials resource, DescribeStacks on its own stack, Parameter Store under its stack\'s path, and write its logs', () => {
    const stack = newStack();
    const access = accessInUse(stack);
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
      { Action: 'cloudformation:DescribeStacks', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } },
      {
        Action: ['ssm:GetParametersByPath', 'ssm:PutParameter', 'ssm:DeleteParameters'],
        Effect: 'Allow',
        Resource: ['', '/*'].map(suffix => ({
          'Fn::Join': ['', [
            'arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:111122223333:parameter/finspace-data-access/', { Ref: 'AWS::StackName' }, `/preexisting-members${suffix}`,
          ]],
        })),
      },
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/OnEventLogs/), 'Arn'] } },
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/IsCompleteLogs/), 'Arn'] } },
    ]);
  });

  test('log groups keep logs for the configured retention', () => {
    const stack = newStack();
    accessInUse(stack, { environmentId: 'env1', logRetention: logs.RetentionDays.ONE_WEEK });
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

  test('an access that nothing uses deploys no provider: only the role it creates and its output', () => {
    const stack = newStack();
    new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
    const template = Template.fromStack(stack);
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type).sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    template.hasOutput('FinSpaceDataHandlerRoleArn', {});
  });

  test('an access with an imported role that only an imported group without members uses deploys nothing but the grant', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Registered', 'arn:aws:iam::111122223333:role/finspace-automation');
    const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1', role });
    PermissionGroup.fromPermissionGroupId(stack, 'Existing', access, 'pg1');
    const template = Template.fromStack(stack);
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type)).toEqual(['AWS::IAM::Policy']);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  test('a membership of an imported group creates the provider and its layer', () => {
    const stack = newStack();
    const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
    const existing = PermissionGroup.fromPermissionGroupId(stack, 'Existing', access, 'pg1');
    new GroupMembership(stack, 'Members', { group: existing, userIds: ['u1'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    expect(Object.values(handlerFunctions(template)).map((f: any) => f.Properties.Layers)).toEqual([
      [{ Ref: expect.stringMatching(/DeclaredMembers/) }], [{ Ref: expect.stringMatching(/DeclaredMembers/) }],
    ]);
  });

  test('the runtime prop sets both handler functions and the layer; the default follows aws-cdk-lib', () => {
    const stack = newStack();
    const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1', runtime: lambda.Runtime.NODEJS_20_X });
    const existing = PermissionGroup.fromPermissionGroupId(stack, 'Existing', access, 'pg1');
    existing.addMembers('u1');
    const template = Template.fromStack(stack);
    expect(Object.values(handlerFunctions(template)).map((f: any) => f.Properties.Runtime)).toEqual(['nodejs20.x', 'nodejs20.x']);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleRuntimes: ['nodejs20.x'] });

    const defaultStack = newStack();
    new GroupMembership(defaultStack, 'Members', {
      group: PermissionGroup.fromPermissionGroupId(defaultStack, 'Existing', accessInUse(defaultStack), 'pg1'),
      userIds: ['u1'],
    });
    Template.fromStack(defaultStack).hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleRuntimes: [NEWEST_NODE_RUNTIME] });
  });

  test('accesses that share a provider must agree on the runtime', () => {
    const stack = newStack();
    new FinSpaceDataAccess(stack, 'One', { environmentId: 'env1', runtime: lambda.Runtime.NODEJS_20_X });
    expect(() => new FinSpaceDataAccess(stack, 'Two', { environmentId: 'env2', runtime: lambda.Runtime.NODEJS_22_X })).toThrow(
      'FinSpaceDataAccess instances that share a handler role in one stack share one provider, so they need the same runtime: nodejs20.x vs nodejs22.x');
  });

  test('refuses a runtime that is not Node.js 20 or later', () => {
    expect(() => new FinSpaceDataAccess(newStack(), 'FinSpace', { environmentId: 'env1', runtime: lambda.Runtime.NODEJS_18_X }))
      .toThrow('runtime must be a Node.js runtime, 20 or later (nodejs20.x, nodejs22.x, ...), got nodejs18.x');
    expect(() => new FinSpaceDataAccess(newStack(), 'FinSpace', { environmentId: 'env1', runtime: lambda.Runtime.PYTHON_3_12 }))
      .toThrow('runtime must be a Node.js runtime, 20 or later (nodejs20.x, nodejs22.x, ...), got python3.12');
  });

  test('the waiter logs its state transitions, without execution data, to the framework log group', () => {
    const stack = newStack();
    accessInUse(stack);
    const template = Template.fromStack(stack);
    const frameworkLogs = Object.keys(template.findResources('AWS::Logs::LogGroup')).find(id => id.includes('FrameworkLogs'));
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [frameworkLogs, 'Arn'] } } }],
        IncludeExecutionData: false,
        Level: 'ALL',
      },
    });
  });

  test("the framework's functions write only FATAL application logs, as JSON, to the framework log group", () => {
    const stack = newStack();
    accessInUse(stack);
    const template = Template.fromStack(stack);
    const frameworkLogs = Object.keys(template.findResources('AWS::Logs::LogGroup')).find(id => id.includes('FrameworkLogs'));
    const frameworkFunctions = template.findResources('AWS::Lambda::Function', {
      Properties: { Handler: Match.stringLikeRegexp('^framework\\.') },
    });
    expect(Object.values(frameworkFunctions).map((f: any) => [f.Properties.Handler, f.Properties.LoggingConfig]).sort()).toEqual(
      ['framework.isComplete', 'framework.onEvent', 'framework.onTimeout'].map(handler => [handler, {
        ApplicationLogLevel: 'FATAL',
        LogFormat: 'JSON',
        LogGroup: { Ref: frameworkLogs },
      }]));
    // The handler's own functions log no names or descriptions (test/reliability/log-secrecy.test.ts) and keep every level.
    expect(Object.values(handlerFunctions(template)).map((f: any) => f.Properties.LoggingConfig)).toEqual([
      { LogGroup: { Ref: expect.stringMatching(/OnEventLogs/) } }, { LogGroup: { Ref: expect.stringMatching(/IsCompleteLogs/) } },
    ]);
  });

  test('synthesis leaves nothing in the temporary folder, and the layer holds the declared members', () => {
    const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-test-tmp-'));
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-test-out-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = temporary;
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
      const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1' });
      new PermissionGroup(stack, 'Group', { access, permissionGroupName: 'group', members: ['u1', 'u2'] });
      const assembly = app.synth();
      expect(fs.readdirSync(temporary)).toEqual([]);

      const layer = Object.values(assembly.getStackByName('Stack').template.Resources)
        .find((r: any) => r.Type === 'AWS::Lambda::LayerVersion') as any;
      const assetHash = layer.Properties.Content.S3Key.replace(/\.zip$/, '');
      const index = JSON.parse(fs.readFileSync(path.join(outdir, `asset.${assetHash}`, 'finspace', 'declared-members.json'), 'utf8'));
      expect(Object.values(index.groups).map((group: any) => Object.keys(group.users).sort())).toEqual([['u1', 'u2']]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      fs.rmSync(temporary, { recursive: true, force: true });
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
