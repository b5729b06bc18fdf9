/**
 * cdk-nag 2's AwsSolutions rules on the example stack, with exactly what the README's
 * cdk-nag section accepts (its cdk-nag 2 example, run as pasted): nothing may be left
 * unaccepted, and every suppression is pinned to one resource and, where the rule
 * allows it, to the exact finding. All accepted findings are in aws-cdk-lib's Provider
 * framework (the library gives its functions roles of its own, so no AWS managed policy
 * is left); the FinSpace handler's own role, functions and layer pass every rule.
 * cdk-nag 3 on the newest aws-cdk-lib: test/newest-cdk/nag3.test.ts.
 *
 * In a test of its own: with nag's aspect on the app, Template.fromStack throws.
 */
import { App, Aspects } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks, NagSuppressions, type INagLogger, type NagLoggerNonComplianceData, type NagLoggerSuppressedData,
} from 'cdk-nag';
import { EXAMPLE_ENVIRONMENT, FinSpaceGroupsExampleStack } from '../../example/app';
import { runInStack, snippetWithFixture, typeErrors } from '../readme/readme-snippets';

const README_NAG2 = snippetWithFixture('cdk-nag', 'cdk-nag-2');

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
  runInStack(stack, README_NAG2.code, { NagSuppressions });
  const findings = new Findings();
  Aspects.of(app).add(new AwsSolutionsChecks({ additionalLoggers: [findings], reports: false }));
  app.synth();
  return findings;
}

test("the README's cdk-nag 2 example compiles with the imports it names", () => {
  expect(typeErrors([
    "import { CfnElement, Stack } from 'aws-cdk-lib';",
    "import { Construct, IConstruct } from 'constructs';",
    "import { NagSuppressions } from 'cdk-nag';",
  ].join('\n'), README_NAG2.code)).toEqual([]);
});

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
    'HandlerRole/DefaultPolicy/Resource AwsSolutions-IAM5 ' +
      'Resource::arn:<AWS::Partition>:ssm:us-east-1:111122223333:parameter/finspace-data-access/<AWS::StackName>/preexisting-members/*',
    ...roles,
    ...functions,
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5 Resource::<FinSpaceDataProviderframeworkisComplete0478793D.Arn>:*',
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5 Resource::<FinSpaceDataProviderframeworkonTimeoutD5EFD749.Arn>:*',
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5 Resource::*',
    'Provider/waiter-state-machine/Resource AwsSolutions-SF2',
  ].sort());
});
