/**
 * The example app that `npx cdk synth` runs (see cdk.json). It needs no AWS
 * credentials: the environment id is a plain string and nothing is looked up.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FinSpaceDataAccess } from '../lib';

export class FinSpaceGroupsExampleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new FinSpaceDataAccess(this, 'FinSpace', {
      environmentId: this.node.tryGetContext('finspaceEnvironmentId') ?? 'exampleenvironment01',
    });
  }
}

const app = new App();
new FinSpaceGroupsExampleStack(app, 'FinSpaceGroupsExample', {
  env: { account: '111122223333', region: 'us-east-1' },
});
app.synth();
