/**
 * The README's usage examples, pasted together into one stack in their order, compile
 * and synthesize. Rosetta (npm test) compiles each of them on its own as well.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { readmeSnippets, runInStack, typeErrors } from './readme-snippets';
import { ApplicationPermission, FinSpaceDataAccess, GroupMembership, PermissionGroup } from '../../lib';

/** What the first example's comment tells users to import. */
const IMPORTS = [
  "import { Duration, Stack } from 'aws-cdk-lib';",
  "import * as iam from 'aws-cdk-lib/aws-iam';",
  "import { Construct } from 'constructs';",
  "import { ApplicationPermission, FinSpaceDataAccess, GroupMembership, PermissionGroup } from 'cdk-finspace-permission-groups';",
].join('\n');

const usage = readmeSnippets().filter(snippet => snippet.section === 'Usage');
const pasted = usage.map(snippet => snippet.code).join('\n');

test('the usage section has its three examples, and only the first one creates the access the others use', () => {
  expect(usage.map(snippet => snippet.fence)).toEqual(['', 'fixture=with-access', '']);
  expect(usage[0].code).toContain("const finspace = new FinSpaceDataAccess(this, 'FinSpace'");
});

test('pasted together into one stack, the usage examples compile', () => {
  expect(typeErrors(IMPORTS, pasted)).toEqual([]);
});

test('pasted together into one stack, the usage examples synthesize what they say', () => {
  const app = new App();
  const stack = new Stack(app, 'Readme', { env: { account: '111122223333', region: 'us-east-1' } });
  runInStack(stack, pasted, { Duration, iam, ApplicationPermission, FinSpaceDataAccess, GroupMembership, PermissionGroup });
  const template = Template.fromStack(stack);

  expect(Object.values(template.findResources('Custom::FinSpacePermissionGroup')).map((r: any) => [
    r.Properties.EnvironmentId, r.Properties.PermissionGroupName, r.Properties.ApplicationPermissions,
  ])).toEqual([
    ['fs-environment-id', 'analysts', ['AccessNotebooks', 'CreateDataset']],
    ['fs-research-env', 'researchers', []],
  ]);
  expect(Object.values(template.findResources('Custom::FinSpaceGroupMembership')).map((r: any) => [
    r.Properties.UserIds, r.Properties.Exclusive,
  ])).toEqual([
    [['analyst01', 'analyst02', 'analyst03'], 'false'],
    [['admin01', 'admin02'], 'true'],
  ]);
  // One provider for the created role, one for the registered one.
  template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
});
