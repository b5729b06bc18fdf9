/**
 * Integration test: an exclusive membership of a group that exists already.
 * integ-runner checks its snapshot; exclusive-membership.test.ts deploys it, then
 * its second revision (context revision=2), then destroys it, against the
 * FinSpace emulator.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import { ExclusiveMembershipStack } from './cases/exclusive-membership';

const app = new App();
const stack = new ExclusiveMembershipStack(app, 'FinSpaceExclusiveMembershipInteg', {
  revision: app.node.tryGetContext('revision') === '2' ? 2 : 1,
});
new IntegTest(app, 'ExclusiveMembership', { testCases: [stack] });
app.synth();
