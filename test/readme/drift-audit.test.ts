/**
 * The README's drift audit examples, each in a stack of its own as a user pastes it,
 * synthesize what the section says (rosetta, in npm test, compiles each of them).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { readmeSnippets, runInStack } from './readme-snippets';
import { ApplicationPermission, FinSpaceDataAccess, GroupMembership, PermissionGroup } from '../../lib';

const [alarms, healOnDeploy] = readmeSnippets().filter(snippet => snippet.section === 'Drift audit');

function synthesized(code: string): Template {
  const stack = new Stack(new App(), 'Readme', { env: { account: '111122223333', region: 'us-east-1' } });
  runInStack(stack, code, { Duration, iam, ApplicationPermission, FinSpaceDataAccess, GroupMembership, PermissionGroup });
  return Template.fromStack(stack);
}

test('the alarms example: a schedule that only reports, no deploy-time heal', () => {
  const template = synthesized(alarms.code);
  template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  template.resourceCountIs('Custom::FinSpaceDeployHeal', 0);
});

test('the healOnDeploy example: a healing schedule and one deploy-heal resource after the group and its members', () => {
  const template = synthesized(healOnDeploy.code);
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  const [heal] = Object.values(template.findResources('Custom::FinSpaceDeployHeal')) as any[];
  const declared = [...Object.keys(template.findResources('Custom::FinSpacePermissionGroup')), ...Object.keys(template.findResources('Custom::FinSpaceGroupMembership'))];
  expect([...heal.DependsOn].sort()).toEqual(declared.sort());
});
