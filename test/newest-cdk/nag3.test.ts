/**
 * cdk-nag 3 (a Validations plugin, aws-cdk-lib 2.257 or later) on the example stack,
 * with exactly what the README's cdk-nag section acknowledges for it (its cdk-nag 3
 * example, run as pasted): the synthesis passes, and without the acknowledgements it
 * reports exactly the Provider framework's findings the README lists. Runs in the
 * newest-aws-cdk-lib run only (.ci/newest-cdk), where cdk-nag 3 is installed as
 * cdk-nag-v3 beside the floor's cdk-nag 2.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag-v3';
import { EXAMPLE_ENVIRONMENT, FinSpaceGroupsExampleStack } from '../../example/app';
import { runInStack, snippetWithFixture, typeErrors } from '../readme/readme-snippets';

const README_NAG3 = snippetWithFixture('cdk-nag', 'cdk-nag-3');

function exampleApp(acknowledged: boolean): App {
  const app = new App();
  const stack = new FinSpaceGroupsExampleStack(app, 'FinSpaceGroupsExample', { env: EXAMPLE_ENVIRONMENT });
  if (acknowledged) runInStack(stack, README_NAG3.code, { Validations });
  return app;
}

function findings(app: App): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.flatMap(violation => violation.violatingResources.map(resource =>
    `${(resource.constructPath ?? '').replace(/^FinSpaceGroupsExample\/FinSpaceDataProvider\//, '')} ${violation.ruleName}`)).sort();
}

test("the README's cdk-nag 3 example compiles with the imports it names", () => {
  expect(typeErrors([
    "import { CfnElement, Stack, Validations } from 'aws-cdk-lib';",
    "import { Construct, IConstruct } from 'constructs';",
  ].join('\n'), README_NAG3.code)).toEqual([]);
});

test('with the README acknowledgements, AwsSolutions finds nothing and the synthesis passes its validation', () => {
  const app = exampleApp(true);
  expect(findings(app)).toEqual([]);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).not.toThrow();
});

test('without them, AwsSolutions reports exactly the Provider framework findings the README accepts, and fails the synthesis', () => {
  expect(findings(exampleApp(false))).toEqual([
    'FrameworkOnEventRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<FinSpaceDataProviderIsCompleteB1CE18FE.Arn>:*]',
    'FrameworkOnEventRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<FinSpaceDataProviderOnEvent93A73C45.Arn>:*]',
    'FrameworkWaiterRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<FinSpaceDataProviderIsCompleteB1CE18FE.Arn>:*]',
    'FrameworkWaiterRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<FinSpaceDataProviderOnEvent93A73C45.Arn>:*]',
    'HandlerRole/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:us-east-1:111122223333:parameter/finspace-data-access/<AWS::StackName>/preexisting-members/*]',
    'Provider/framework-isComplete/Resource AwsSolutions-L1',
    'Provider/framework-onEvent/Resource AwsSolutions-L1',
    'Provider/framework-onTimeout/Resource AwsSolutions-L1',
    'Provider/waiter-state-machine/Resource AwsSolutions-SF2',
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::*]',
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<FinSpaceDataProviderframeworkisComplete0478793D.Arn>:*]',
    'Provider/waiter-state-machine/Role/DefaultPolicy/Resource AwsSolutions-IAM5[Resource::<FinSpaceDataProviderframeworkonTimeoutD5EFD749.Arn>:*]',
  ]);
  const app = exampleApp(false);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).toThrow(/AwsSolutions-SF2/);
  let report = '';
  try {
    app.synth();
  } catch (error) {
    report = (error as Error).message;
  }
  expect(report.split('Acknowledge with').length - 1).toBe(12);
});
