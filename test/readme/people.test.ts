/**
 * The README's examples of "People and existing groups", pasted after the usage
 * examples into one stack, compile and synthesize what the section says.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { readmeSnippets, runInStack, typeErrors } from './readme-snippets';
import { ApplicationPermission, FinSpaceDataAccess, FinSpaceUser, GroupMembership, IfExists, PermissionGroup } from '../../lib';

const IMPORTS = [
  "import { Duration, Stack } from 'aws-cdk-lib';",
  "import * as iam from 'aws-cdk-lib/aws-iam';",
  "import { Construct } from 'constructs';",
  "import { ApplicationPermission, FinSpaceDataAccess, FinSpaceUser, GroupMembership, IfExists, PermissionGroup } from 'cdk-finspace-permission-groups';",
].join('\n');

const usage = readmeSnippets().filter(snippet => snippet.section === 'Usage');
const people = readmeSnippets().filter(snippet => snippet.section === 'People and existing groups');
const pasted = [...usage, ...people].map(snippet => snippet.code).join('\n');

test('the section has its three examples, each on the fixture that provides `finspace`', () => {
  expect(people.map(snippet => snippet.fence)).toEqual(['fixture=people', 'fixture=people', 'fixture=people']);
});

test('pasted after the usage examples into one stack, they compile', () => {
  expect(typeErrors(IMPORTS, pasted)).toEqual([]);
});

test('pasted after the usage examples into one stack, they synthesize what the section says', () => {
  const app = new App();
  const stack = new Stack(app, 'Readme', { env: { account: '111122223333', region: 'us-east-1' } });
  runInStack(stack, pasted, { Duration, iam, ApplicationPermission, FinSpaceDataAccess, FinSpaceUser, GroupMembership, IfExists, PermissionGroup });
  const template = Template.fromStack(stack);

  const groups = Object.values(template.findResources('Custom::FinSpacePermissionGroup'));
  expect(groups.map((r: any) => [r.Properties.PermissionGroupName, r.Properties.IfExists, r.DeletionPolicy])).toEqual([
    ['analysts', undefined, 'Delete'],
    ['researchers', undefined, 'Delete'],
    ['traders', undefined, 'Delete'],
    ['quants', undefined, 'Delete'],
    ['portfolio-managers', 'ADOPT', 'Retain'],
  ]);
  expect(Object.values(template.findResources('Custom::FinSpaceGroupMembership')).map((r: any) => [r.Properties.UserIds, r.Properties.Emails])).toEqual([
    [['analyst01', 'analyst02', 'analyst03'], undefined],
    [['admin01', 'admin02'], undefined],
    [['trader01', 'trader02'], ['jane.doe@example.com', 'John.Roe@example.com']],
    [[], ['jane.smith@example.com']],
    [['risk01'], undefined],
  ]);
  expect(Object.values(template.findResources('Custom::FinSpaceUser')).map((r: any) => [r.Properties.EmailAddress, r.DeletionPolicy]))
    .toEqual([['jane.smith@example.com', 'Delete']]);
  expect(Object.values(template.findResources('Custom::FinSpacePermissionGroupByName')).map((r: any) => r.Properties.PermissionGroupName))
    .toEqual(['risk-desk']);
});
