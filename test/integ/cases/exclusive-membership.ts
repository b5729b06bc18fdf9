/**
 * An exclusive membership of a permission group that exists in FinSpace already
 * (imported by id), in two revisions with different members. Whoever else is in the
 * group is removed, except the FinSpace user the handler acts as.
 */
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FinSpaceDataAccess, GroupMembership, PermissionGroup } from '../../../lib';

export const EXCLUSIVE_ENVIRONMENT = 'integexclusive01';
/** Created outside the stack, with members of its own (see the test's seed). */
export const TRADING_DESK_GROUP_ID = 'integtradingdesk01';

export interface ExclusiveMembershipStackProps extends StackProps {
  readonly revision: 1 | 2;
}

export class ExclusiveMembershipStack extends Stack {
  constructor(scope: Construct, id: string, props: ExclusiveMembershipStackProps) {
    super(scope, id, props);
    const access = new FinSpaceDataAccess(this, 'FinSpace', {
      environmentId: EXCLUSIVE_ENVIRONMENT,
      pollInterval: Duration.seconds(2),
      timeout: Duration.minutes(2),
    });
    const desk = PermissionGroup.fromPermissionGroupId(this, 'TradingDesk', access, TRADING_DESK_GROUP_ID);
    new GroupMembership(this, 'Traders', {
      group: desk,
      userIds: props.revision === 1 ? ['trader01', 'trader02'] : ['trader02', 'trader03'],
      exclusive: true,
    });
  }
}
