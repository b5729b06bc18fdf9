/**
 * Where a stack is deployed: account, region and what follows from them (partition,
 * URL suffix), the values of CloudFormation's pseudo parameters.
 */
import { randomUUID } from 'crypto';

export interface StackEnvironment {
  readonly stackName: string;
  readonly stackId: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

/** For environment-agnostic stacks, as the CDK CLI would take them from the credentials. */
export const DEFAULT_ACCOUNT = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

export function stackEnvironment(stackName: string, account: string, region: string, stackId?: string): StackEnvironment {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return {
    stackName,
    account,
    region,
    partition,
    urlSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    stackId: stackId ?? `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/${randomUUID()}`,
  };
}

/** Ref of a pseudo parameter, or undefined for a name that is not one. */
export function pseudoParameter(name: string, environment: StackEnvironment): unknown {
  switch (name) {
    case 'AWS::AccountId': return environment.account;
    case 'AWS::Region': return environment.region;
    case 'AWS::Partition': return environment.partition;
    case 'AWS::URLSuffix': return environment.urlSuffix;
    case 'AWS::StackName': return environment.stackName;
    case 'AWS::StackId': return environment.stackId;
    case 'AWS::NotificationARNs': return [];
    default: return undefined;
  }
}
