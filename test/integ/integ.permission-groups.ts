/**
 * Integration test: permission groups with additive members. integ-runner checks
 * its snapshot; permission-groups.test.ts deploys it, then its second revision
 * (context revision=2), then destroys it, against the FinSpace emulator.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import { PermissionGroupsStack } from './cases/permission-groups';

const app = new App();
const stack = new PermissionGroupsStack(app, 'FinSpacePermissionGroupsInteg', {
  revision: app.node.tryGetContext('revision') === '2' ? 2 : 1,
});
new IntegTest(app, 'PermissionGroups', { testCases: [stack] });
app.synth();
