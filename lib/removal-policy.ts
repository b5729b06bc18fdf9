import { RemovalPolicy } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A custom resource has no snapshot: CloudFormation would reject the template at
 * deploy time, so the app fails to synthesize instead.
 */
export function validateRemovalPolicy(scope: IConstruct, policy: RemovalPolicy): RemovalPolicy {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw new Error(`${scope.node.path}: RemovalPolicy.SNAPSHOT is not supported: FinSpace groups and memberships have no snapshot; ` +
      'use RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE');
  }
  return policy;
}
