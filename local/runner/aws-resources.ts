/**
 * Where a stack is deployed (account, region, partition, URL suffix: the pseudo
 * parameters), and stand-ins for its AWS resources: nothing is provisioned, but each
 * gets the physical id and attributes CloudFormation would hand out. Generated names
 * derive from stack name and logical id, never random, so a FinSpace user can be
 * registered for the handler role's ARN before the first deployment.
 */
import { createHash, randomUUID } from 'crypto';
import { AwsError, checkLambdaEnvironment } from './limits';

export type StackEnvironment = Readonly<ReturnType<typeof stackEnvironment>>;
export type ProvisionedResource = Readonly<ReturnType<typeof provisionAwsResource>>;

/** For environment-agnostic stacks, as the CDK CLI would take them from the credentials. */
export const DEFAULT_ACCOUNT = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

export function stackEnvironment(stackName: string, account: string, region: string, stackId?: string) {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const urlSuffix = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  stackId ??= `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/${randomUUID()}`;
  return { stackName, stackId, account, region, partition, urlSuffix };
}

/** Ref of a pseudo parameter, or undefined for a name that is not one. */
export function pseudoParameter(name: string, { account, region, partition, urlSuffix, stackName, stackId }: StackEnvironment): unknown {
  const values: Record<string, unknown> = {
    'AWS::AccountId': account,
    'AWS::Region': region,
    'AWS::Partition': partition,
    'AWS::URLSuffix': urlSuffix,
    'AWS::StackName': stackName,
    'AWS::StackId': stackId,
    'AWS::NotificationARNs': [],
  };
  return values[name];
}

/**
 * Per type: the property that names the resource, the longest name CloudFormation
 * generates for it, its physical id (what Ref answers) and its attributes. `{name}`,
 * `{ref}` (the physical id), `{suffix}`, `{path}` (the IAM path), `{service}` and
 * `{kind}` (from the type) and the environment's fields are filled in.
 */
const RULES: Record<string, readonly [nameProperty: string, maxLength: number, physicalId: string, attributes: Record<string, string>]> = {
  'AWS::IAM::Role': ['RoleName', 64, '{name}', { Arn: 'arn:{partition}:iam::{account}:role{path}{name}', RoleId: 'AROA{suffix}' }],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName', 128, 'arn:{partition}:iam::{account}:policy{path}{name}', { PolicyArn: '{ref}' }],
  'AWS::Lambda::Function': ['FunctionName', 64, '{name}', { Arn: 'arn:{partition}:lambda:{region}:{account}:function:{name}' }],
  'AWS::Lambda::LayerVersion': ['LayerName', 64, 'arn:{partition}:lambda:{region}:{account}:layer:{name}:1', {}],
  'AWS::Logs::LogGroup': ['LogGroupName', 512, '{name}', { Arn: 'arn:{partition}:logs:{region}:{account}:log-group:{name}:*' }],
  'AWS::StepFunctions::StateMachine': ['StateMachineName', 80, 'arn:{partition}:states:{region}:{account}:stateMachine:{name}', { Arn: '{ref}', Name: '{name}' }],
  'AWS::S3::Bucket': ['BucketName', 63, '{name}', {
    Arn: 'arn:{partition}:s3:::{name}', DomainName: '{name}.s3.{urlSuffix}', RegionalDomainName: '{name}.s3.{region}.{urlSuffix}',
  }],
  'AWS::SNS::Topic': ['TopicName', 256, 'arn:{partition}:sns:{region}:{account}:{name}', { TopicArn: '{ref}', TopicName: '{name}' }],
  'AWS::SQS::Queue': ['QueueName', 80, 'https://sqs.{region}.{urlSuffix}/{account}/{name}', {
    Arn: 'arn:{partition}:sqs:{region}:{account}:{name}', QueueName: '{name}', QueueUrl: '{ref}',
  }],
};

/** Types without a rule of their own: a generated name as Ref and an ARN of the usual form. */
const GENERIC_RULE = ['', 128, '{name}', { Arn: 'arn:{partition}:{service}:{region}:{account}:{kind}/{name}' }] as const;

/** The physical id and attributes of an AWS resource of `type`. */
export function provisionAwsResource(logicalId: string, type: string, props: Record<string, any>, env: StackEnvironment) {
  try {
    if (type === 'AWS::Lambda::Function') checkLambdaEnvironment(props.Environment?.Variables ?? {});
  } catch (error) {
    // How CloudFormation reports a refusal of the service behind a resource type.
    const { code, message } = error as AwsError;
    throw new AwsError(code, `Resource handler returned message: "${message}" (HandlerErrorCode: InvalidRequest)`);
  }
  const [nameProperty, maxLength, physicalId, attributes] = RULES[type] ?? GENERIC_RULE;
  const suffix = deterministicSuffix(`${env.stackName}/${logicalId}`);
  const generated = `${`${env.stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1)}-${suffix}`;
  const [, service = 'unknown', kind = 'resource'] = type.split('::');
  const values: Record<string, string> = {
    ...env,
    // Bucket names are lowercase.
    name: props[nameProperty] ?? (type === 'AWS::S3::Bucket' ? generated.toLowerCase() : generated),
    suffix,
    path: props.Path ?? '/',
    service: service.toLowerCase(),
    kind: kind.toLowerCase(),
  };
  const fill = (format: string) => format.replace(/\{(\w+)\}/g, (_match, key: string) => values[key]);
  values.ref = fill(physicalId);
  return { physicalId: values.ref, attributes: Object.fromEntries(Object.entries(attributes).map(([key, format]) => [key, fill(format)])) };
}

/** An attribute a rule did not name: a value derived from the resource, so a template that reads it still deploys. */
export function fallbackAttribute(resource: ProvisionedResource, attribute: string): string {
  return `${resource.physicalId}/${attribute}`;
}

/** 12 characters of [A-Z0-9], like the suffixes CloudFormation appends to generated names. */
function deterministicSuffix(seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const digest = createHash('sha256').update(seed).digest();
  return [...digest.subarray(0, 12)].map(byte => alphabet[byte % alphabet.length]).join('');
}
