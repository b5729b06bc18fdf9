/**
 * The example app that `npx cdk synth` runs (see cdk.json). It needs no AWS
 * credentials: the environment id is a plain string and nothing is looked up.
 * Context `finspaceEnvironmentId` points it at a real environment; `demoVersion=2`
 * gives the next revision of the declaration, which the demo (local/demo) deploys
 * over the first: a group renamed and re-permissioned, members added and removed,
 * a FinSpace user renamed.
 */
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApplicationPermission, FinSpaceDataAccess, FinSpaceUser, GroupMembership, PermissionGroup } from '../lib';

export class FinSpaceGroupsExampleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const revised = String(this.node.tryGetContext('demoVersion')) === '2';
    const access = new FinSpaceDataAccess(this, 'FinSpace', {
      environmentId: this.node.tryGetContext('finspaceEnvironmentId') ?? 'exampleenvironment01',
      // Compare FinSpace with the declaration every hour; heal with `npm run local -- drift --heal`.
      audit: { schedule: Duration.hours(1) },
    });

    const analysts = new PermissionGroup(this, 'Analysts', {
      access,
      permissionGroupName: revised ? 'market-analysts' : 'analysts',
      description: 'Explore market data in notebooks',
      applicationPermissions: revised
        ? [ApplicationPermission.ACCESS_NOTEBOOKS, ApplicationPermission.VIEW_AUDIT_DATA]
        : [ApplicationPermission.ACCESS_NOTEBOOKS, ApplicationPermission.CREATE_DATASET],
      members: revised ? ['analyst01', 'analyst03', 'analyst05'] : ['analyst01', 'analyst02', 'analyst03'],
      // By e-mail address: the handler finds the user at deploy time.
      memberUsers: [FinSpaceUser.fromEmail('Head.Of.Research@example.com')],
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
    // A FinSpace user the stack creates (and disables when it goes).
    const steward = new FinSpaceUser(this, 'DataSteward', {
      access,
      emailAddress: 'data.steward@example.com',
      firstName: revised ? 'Dana' : 'Dan',
      lastName: 'Steward',
    });
    // Exclusive: anyone else found in the group is removed on every deploy.
    new GroupMembership(this, 'DataEngineerMembers', {
      group: dataEngineers,
      userIds: revised ? ['engineer01', 'engineer03'] : ['engineer01', 'engineer02'],
      users: [steward],
      exclusive: true,
    });
  }
}

export const EXAMPLE_ENVIRONMENT = { account: '111122223333', region: 'us-east-1' };

// Synthesize when run as the app (cdk.json), not when a test imports the stack.
if (require.main === module) {
  const app = new App();
  new FinSpaceGroupsExampleStack(app, 'FinSpaceGroupsExample', { env: EXAMPLE_ENVIRONMENT });
  app.synth();
}
