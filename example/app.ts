/**
 * The example app that `npx cdk synth` runs (see cdk.json). It needs no AWS
 * credentials: the environment id is a plain string and nothing is looked up.
 * Context `finspaceEnvironmentId` points it at a real environment.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApplicationPermission, FinSpaceDataAccess, GroupMembership, PermissionGroup } from '../lib';

export class FinSpaceGroupsExampleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const access = new FinSpaceDataAccess(this, 'FinSpace', {
      environmentId: this.node.tryGetContext('finspaceEnvironmentId') ?? 'exampleenvironment01',
    });

    const analysts = new PermissionGroup(this, 'Analysts', {
      access,
      permissionGroupName: 'analysts',
      description: 'Explore market data in notebooks',
      applicationPermissions: [ApplicationPermission.ACCESS_NOTEBOOKS, ApplicationPermission.CREATE_DATASET],
      members: ['analyst01', 'analyst02', 'analyst03'],
    });
    analysts.addMembers('analyst04');

    const dataEngineers = new PermissionGroup(this, 'DataEngineers', {
      access,
      permissionGroupName: 'data-engineers',
      applicationPermissions: [
        ApplicationPermission.CREATE_DATASET,
        ApplicationPermission.MANAGE_CLUSTERS,
        ApplicationPermission.MANAGE_ATTRIBUTE_SETS,
      ],
    });
    // Exclusive: anyone else found in the group is removed on every deploy.
    new GroupMembership(this, 'DataEngineerMembers', {
      group: dataEngineers,
      userIds: ['engineer01', 'engineer02'],
      exclusive: true,
    });
  }
}

const app = new App();
new FinSpaceGroupsExampleStack(app, 'FinSpaceGroupsExample', {
  env: { account: '111122223333', region: 'us-east-1' },
});
app.synth();
