/**
 * cdk-nag's AwsSolutions rules on the example stack: nothing may be left
 * unsuppressed, and every suppression is pinned to one resource and, where the
 * rule allows it, to the exact finding, with the reason a reviewer needs. All
 * suppressed findings are in aws-cdk-lib's Provider framework (the library gives
 * its functions roles of its own, so no AWS managed policy is left); the FinSpace
 * handler's own role and functions pass every rule.
 *
 * In a test of its own: with nag's aspect on the app, Template.fromStack throws.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AwsSolutionsChecks, NagSuppressions, type INagLogger, type NagLoggerNonComplianceData, type NagLoggerSuppressedData,
} from 'cdk-nag';
import { EXAMPLE_ENVIRONMENT, FinSpaceGroupsExampleStack } from '../../example/app';

/** Suppresses what aws-cdk-lib's Provider framework is flagged for, resource by resource. */
function suppressProviderFrameworkFindings(stack: Stack): void {
  const provider = stack.node.findChild('FinSpaceDataProvider');
  const providerPath = `/${provider.node.path}/Provider`;
  const qualifiedArn = (id: string) => `Resource::<${stack.getLogicalId(provider.node.findChild(id).node.defaultChild as lambda.CfnFunction)}.Arn>:*`;
  const frameworkQualifiedArn = (id: string) =>
    `Resource::<${stack.getLogicalId(provider.node.findChild('Provider').node.findChild(id).node.defaultChild as lambda.CfnFunction)}.Arn>:*`;

  for (const role of ['FrameworkOnEventRole', 'FrameworkWaiterRole']) {
    NagSuppressions.addResourceSuppressionsByPath(stack, `/${provider.node.path}/${role}/DefaultPolicy/Resource`, [{
      id: 'AwsSolutions-IAM5',
      appliesTo: [qualifiedArn('OnEvent'), qualifiedArn('IsComplete')],
      reason: 'lambda:InvokeFunction on "<function ARN>:*" covers the versions and aliases of the two FinSpace handler functions of this provider, ' +
        'and no other function: the framework invokes exactly these (aws-cdk-lib grants it so).',
    }]);
  }
  for (const frameworkFunction of ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']) {
    NagSuppressions.addResourceSuppressionsByPath(stack, `${providerPath}/${frameworkFunction}/Resource`, [{
      id: 'AwsSolutions-L1',
      reason: 'The Provider framework\'s functions run the Node.js runtime aws-cdk-lib picks for them, which cannot be set; upgrading aws-cdk-lib ' +
        'moves it. The FinSpace handler functions run nodejs22.x.',
    }]);
  }
  NagSuppressions.addResourceSuppressionsByPath(stack, `${providerPath}/waiter-state-machine/Role/DefaultPolicy/Resource`, [
    {
      id: 'AwsSolutions-IAM5',
      appliesTo: [frameworkQualifiedArn('framework-isComplete'), frameworkQualifiedArn('framework-onTimeout')],
      reason: 'lambda:InvokeFunction on "<function ARN>:*" covers the versions and aliases of the framework\'s isComplete and onTimeout ' +
        'functions, the waiter\'s two tasks, and no other function.',
    },
    {
      id: 'AwsSolutions-IAM5',
      appliesTo: ['Resource::*'],
      reason: 'The waiter logs its state transitions to CloudWatch Logs through vended log delivery: logs:CreateLogDelivery, GetLogDelivery, ' +
        'UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies and DescribeLogGroups support no ' +
        'resource-level permissions, so AWS documents Resource "*" for them; aws-cdk-lib puts CreateLogStream and PutLogEvents in the same ' +
        'statement. The state machine\'s LoggingConfiguration names the provider\'s own log group, and execution data is not logged.',
    },
  ]);
  NagSuppressions.addResourceSuppressionsByPath(stack, `${providerPath}/waiter-state-machine/Resource`, [{
    id: 'AwsSolutions-SF2',
    reason: 'The waiter only retries one Lambda task until FinSpace settles, and the Provider framework does not expose X-Ray tracing for it; ' +
      'its state transitions are logged to CloudWatch Logs (level ALL, without execution data, which holds group names).',
  }]);
}

/** Collects nag's findings as lists the tests can compare (nag annotates the resources as well). */
class Findings implements INagLogger {
  public readonly unsuppressed: string[] = [];
  public readonly suppressed: string[] = [];
  public readonly errors: string[] = [];
  onCompliance(): void {}
  onNotApplicable(): void {}
  onNonCompliance(data: NagLoggerNonComplianceData): void { this.unsuppressed.push(describe(data)); }
  onSuppressed(data: NagLoggerSuppressedData): void { this.suppressed.push(describe(data)); }
  onError(data: { ruleId: string; errorMessage: string }): void { this.errors.push(`${data.ruleId}: ${data.errorMessage}`); }
  onSuppressedError(data: { ruleId: string; errorMessage: string }): void { this.errors.push(`${data.ruleId}: ${data.errorMessage}`); }
}

function describe(data: NagLoggerNonComplianceData): string {
  // Rules that are not granular report no finding id.
  const finding = data.findingId ? ` ${data.findingId}` : '';
  return `${data.resource.node.path.replace(/^FinSpaceGroupsExample\/FinSpaceDataProvider\//, '')} ${data.ruleId}${finding}`;
}

function checkExample(): Findings {
  const app = new App();
  const stack = new FinSpaceGroupsExampleStack(app, 'FinSpaceGroupsExample', { env: EXAMPLE_ENVIRONMENT });
  suppressProviderFrameworkFindings(stack);
  const findings = new Findings();
  Aspects.of(app).add(new AwsSolutionsChecks({ additionalLoggers: [findings], reports: false }));
  app.synth();
  return findings;
}

test('AwsSolutions leaves no finding unsuppressed and no rule in error', () => {
  const findings = checkExample();
  expect(findings.unsuppressed).toEqual([]);
  expect(findings.errors).toEqual([]);
});

test('every suppression is used, and only for the Provider framework findings it names', () => {
  const roles = ['FrameworkOnEventRole', 'FrameworkWaiterRole'].flatMap(role => [
    `${role}/DefaultPolicy/Resource AwsSolutions-IAM5 Resource::<FinSpaceDataProviderOnEvent93A73C45.Arn>:*`,
    `${role}/DefaultPolicy/Resource AwsSolutions-IAM5 Resource::<FinSpaceDataProviderIsCompleteB1CE18FE.Arn>:*`,
  ]);
  const functions = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'].map(fn => `Provider/${fn}/Resource AwsSolutions-L1`);
  expect(checkExample().suppressed.sort()).toEqual([
    ...roles,
    ...functions,
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5 Resource::<FinSpaceDataProviderframeworkisComplete0478793D.Arn>:*',
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5 Resource::<FinSpaceDataProviderframeworkonTimeoutD5EFD749.Arn>:*',
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5 Resource::*',
    'Provider/waiter-state-machine/Resource AwsSolutions-SF2',
  ].sort());
});
