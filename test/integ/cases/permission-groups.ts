/**
 * Permission groups with additive members, in two revisions: the second renames
 * and re-permissions a group, changes its members, adds a group and drops one, so
 * that deploying it over the first creates, updates and deletes.
 */
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApplicationPermission, FinSpaceDataAccess, PermissionGroup } from '../../../lib';

export const PERMISSION_GROUPS_ENVIRONMENT = 'integgroups01';

export interface PermissionGroupsStackProps extends StackProps {
  readonly revision: 1 | 2;
}

export class PermissionGroupsStack extends Stack {
  constructor(scope: Construct, id: string, props: PermissionGroupsStackProps) {
    super(scope, id, props);
    const access = new FinSpaceDataAccess(this, 'FinSpace', {
      environmentId: PERMISSION_GROUPS_ENVIRONMENT,
      pollInterval: Duration.seconds(2),
      timeout: Duration.minutes(2),
    });

    const first = props.revision === 1;
    new PermissionGroup(this, 'Analysts', {
      access,
      permissionGroupName: first ? 'integ-analysts' : 'integ-market-analysts',
      description: 'Explore market data in notebooks',
      applicationPermissions: first
        ? [ApplicationPermission.ACCESS_NOTEBOOKS, ApplicationPermission.CREATE_DATASET]
        : [ApplicationPermission.ACCESS_NOTEBOOKS, ApplicationPermission.VIEW_AUDIT_DATA],
      members: first ? ['analyst01', 'analyst02'] : ['analyst02', 'analyst03'],
    });
    if (first) {
      new PermissionGroup(this, 'Engineers', {
        access,
        permissionGroupName: 'integ-engineers',
        applicationPermissions: [ApplicationPermission.MANAGE_CLUSTERS],
        members: ['engineer01'],
      });
    } else {
      new PermissionGroup(this, 'Auditors', {
        access,
        permissionGroupName: 'integ-auditors',
        applicationPermissions: [ApplicationPermission.VIEW_AUDIT_DATA],
        members: ['auditor01'],
      });
    }
  }
}
