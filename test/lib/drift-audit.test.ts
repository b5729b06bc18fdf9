/**
 * The audit option of FinSpaceDataAccess: the audit function, its schedule and what
 * the schedule hands it, the declared resources in the layer, the drift metrics.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { FinSpaceDataAccess, GroupMembership, PermissionGroup, type DriftAuditOptions } from '../../lib';

function app(audit: DriftAuditOptions | undefined, build: (stack: Stack, access: FinSpaceDataAccess) => void = defaultGroups) {
  const cdkApp = new App();
  const stack = new Stack(cdkApp, 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: 'env1', audit });
  build(stack, access);
  return { app: cdkApp, stack, access };
}

function defaultGroups(stack: Stack, access: FinSpaceDataAccess) {
  new PermissionGroup(stack, 'Analysts', { access, permissionGroupName: 'analysts', description: 'Analysts', members: ['alice', 'bob'] });
  const admins = PermissionGroup.fromPermissionGroupId(stack, 'Admins', access, 'pg-admins');
  new GroupMembership(stack, 'AdminMembers', { group: admins, userIds: ['carol'], exclusive: true });
}

function layerFile(assemblyDirectory: string, template: Template, file: string) {
  const [layer] = Object.values(template.findResources('AWS::Lambda::LayerVersion')) as any[];
  const assetHash = String(layer.Properties.Content.S3Key).replace(/\.zip$/, '');
  const location = path.join(assemblyDirectory, `asset.${assetHash}`, file);
  return fs.existsSync(location) ? JSON.parse(fs.readFileSync(location, 'utf8')) : undefined;
}

describe('audit', () => {
  test('off by default: no audit function, no schedule, no declared resources in the layer', () => {
    const { app: cdkApp, stack } = app(undefined);
    const assembly = cdkApp.synth();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(Object.values(template.findResources('AWS::Lambda::Function')).filter((f: any) => f.Properties.Handler === 'index.audit')).toEqual([]);
    expect(layerFile(assembly.directory, template, 'finspace/declared-resources.json')).toBeUndefined();
  });

  test('an hourly schedule runs the audit function, with the layer, the handler\'s role and environment, and hands it the stack and each group\'s id', () => {
    const { app: cdkApp, stack } = app({});
    const assembly = cdkApp.synth();
    const template = Template.fromStack(stack);
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.audit' } });
    expect(Object.keys(functions)).toHaveLength(1);
    const [[auditId, auditFunction]] = Object.entries(functions) as [string, any][];
    const [onEvent] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.onEvent' } })) as any[];
    expect(auditFunction.Properties.Role).toEqual(onEvent.Properties.Role);
    expect(auditFunction.Properties.Layers).toEqual(onEvent.Properties.Layers);
    expect(auditFunction.Properties.Environment).toEqual(onEvent.Properties.Environment);
    expect(auditFunction.Properties.Timeout).toBe(900);

    const groupId = stack.resolve((stack.node.findChild('Analysts').node.defaultChild!.node.defaultChild as any).logicalId);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [{
        Arn: { 'Fn::GetAtt': [auditId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0 },
        Input: { 'Fn::Join': ['', ['{"stackId":"', { Ref: 'AWS::StackId' }, '","heal":false,"deployTimeValues":["', { Ref: groupId }, '"]}']] },
      }],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });

    const declared = layerFile(assembly.directory, template, 'finspace/declared-resources.json');
    const membershipIds = Object.keys(template.findResources('Custom::FinSpaceGroupMembership')).sort();
    const byLogicalId = (a: { logicalId: string }, b: { logicalId: string }) => a.logicalId.localeCompare(b.logicalId);
    expect([...declared.resources].sort(byLogicalId)).toEqual([
      {
        logicalId: groupId,
        type: 'Custom::FinSpacePermissionGroup',
        properties: { EnvironmentId: 'env1', PermissionGroupName: 'analysts', Description: 'Analysts', ApplicationPermissions: [] },
        physicalId: { deployTimeValue: 0 },
      },
      ...membershipIds.map(logicalId => {
        const { ServiceToken, ServiceTimeout, HandlerRoleArn, PermissionGroupId, ...properties } = template.toJSON().Resources[logicalId].Properties;
        return {
          logicalId,
          type: 'Custom::FinSpaceGroupMembership',
          properties: { ...properties, PermissionGroupId: PermissionGroupId.Ref ? { deployTimeValue: 0 } : PermissionGroupId },
        };
      }),
    ].sort(byLogicalId));
    // The handler's role gets no new permission: the schedule invokes the function.
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(policies.flatMap(p => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()))).not.toContain('cloudformation:ListStackResources');
  });

  test('heal and schedule reach the schedule', () => {
    const { stack } = app({ schedule: Duration.minutes(15), heal: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ Input: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"heal":true')])] } })],
    });
  });

  test('two synths of one app give the same template and the same declared resources', () => {
    const synth = () => {
      const { app: cdkApp, stack } = app({ heal: true });
      const assembly = cdkApp.synth();
      const template = Template.fromStack(stack);
      return [JSON.stringify(template.toJSON()), JSON.stringify(layerFile(assembly.directory, template, 'finspace/declared-resources.json'))];
    };
    expect(synth()).toEqual(synth());
  });

  test('20,000 members in 200 groups fit: the schedule\'s input stays under EventBridge\'s 8,192 bytes', () => {
    const { stack } = app({}, (s, access) => {
      for (let g = 0; g < 200; g++) {
        new PermissionGroup(s, `Desk${g}`, {
          access,
          permissionGroupName: `desk-${g}`,
          members: Array.from({ length: 100 }, (_, u) => `desk${g}-user${String(u).padStart(3, '0')}`),
        });
      }
    });
    const template = Template.fromStack(stack);
    const [rule] = Object.values(template.findResources('AWS::Events::Rule')) as any[];
    const parts = rule.Properties.Targets[0].Input['Fn::Join'][1] as unknown[];
    expect(parts.filter(part => typeof part === 'object' && (part as any).Ref && (part as any).Ref !== 'AWS::StackId')).toHaveLength(200);
    // Each group id is at most 26 characters, the stack id at most 256.
    const longest = parts.map(part => (typeof part === 'string' ? part.length : (part as any).Ref === 'AWS::StackId' ? 256 : 26)).reduce((a, b) => a + b, 0);
    expect(longest).toBeLessThanOrEqual(8192);
  });

  test('a membership whose ids the template keeps in S3: the audit gets every id from the layer', () => {
    const members = Array.from({ length: 3500 }, (_, u) => `user${String(u).padStart(5, '0')}`);
    const { app: cdkApp, stack } = app({}, (s, access) => {
      new PermissionGroup(s, 'Big', { access, permissionGroupName: 'big', members });
    });
    const assembly = cdkApp.synth();
    const template = Template.fromStack(stack);
    const [membership] = Object.values(template.findResources('Custom::FinSpaceGroupMembership')) as any[];
    expect(membership.Properties.UserIds).toBeUndefined();
    expect(membership.Properties.UserIdsKey).toBeDefined();
    const declared = layerFile(assembly.directory, template, 'finspace/declared-resources.json');
    const [resource] = declared.resources.filter((r: any) => r.type === 'Custom::FinSpaceGroupMembership');
    expect(resource.properties.UserIds).toEqual(members);
    expect(Object.keys(resource.properties).filter(key => key.startsWith('UserIds') && key !== 'UserIds')).toEqual([]);
  });

  test('more groups than the schedule\'s input can carry fail the synthesis, naming the limit', () => {
    expect(() => app({}, (s, access) => {
      for (let g = 0; g < 300; g++) new PermissionGroup(s, `Desk${g}`, { access, permissionGroupName: `desk-${g}` });
    }).app.synth()).toThrow(/the drift audit's schedule hands it 300 values known only at deploy time .* up to \d+ bytes, over EventBridge's 8192 per target/);
  });

  test.each([Duration.seconds(30), Duration.seconds(90), Duration.days(2)])('a schedule of %s fails', schedule => {
    expect(() => app({ schedule })).toThrow(/audit.schedule must be whole minutes from 1 minute to 1 day/);
  });

  test('an alarm on drift in two lines: the metrics of the stack, over the schedule', () => {
    const { stack, access } = app({ schedule: Duration.minutes(30) });
    access.metricDriftedMembers().createAlarm(stack, 'MembersDrifted', { threshold: 1, evaluationPeriods: 1 });
    access.metricDriftedGroups().createAlarm(stack, 'GroupsDrifted', { threshold: 1, evaluationPeriods: 1 });
    const template = Template.fromStack(stack);
    for (const metricName of ['DriftedMembers', 'DriftedGroups']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'FinSpacePermissionGroups',
        MetricName: metricName,
        Dimensions: [{ Name: 'StackName', Value: 'Stack' }],
        Statistic: 'Maximum',
        Period: 1800,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  test('the metrics need the audit', () => {
    const { access } = app(undefined);
    expect(() => access.metricDriftedMembers()).toThrow('Stack/FinSpace: the drift metrics come from the drift audit: set the audit property to use DriftedMembers');
    expect(() => access.metricDriftedGroups()).toThrow('Stack/FinSpace: the drift metrics come from the drift audit: set the audit property to use DriftedGroups');
  });

  test('accesses that share a provider must agree on the audit', () => {
    const stack = new Stack(new App(), 'Stack');
    new FinSpaceDataAccess(stack, 'One', { environmentId: 'env1', audit: {} });
    expect(() => new FinSpaceDataAccess(stack, 'Two', { environmentId: 'env2' })).toThrow(/, maxConcurrency=8, audit every 1 hour vs logRetention=90, timeout=1800s, pollInterval=5s, maxConcurrency=8$/);
  });

  test('alarm statistic is overridable', () => {
    const { access } = app({});
    expect(access.metricDriftedMembers({ statistic: cloudwatch.Stats.SAMPLE_COUNT }).statistic).toBe('SampleCount');
  });
});
