/**
 * Stand-ins for the stack's AWS resources (roles, functions, log groups, the
 * waiter's state machine, ...): nothing is provisioned, but each gets the physical
 * id and attributes CloudFormation would hand out, so Ref and Fn::GetAtt of them
 * resolve to plausible values.
 *
 * Generated names are derived from stack name and logical id, not random, so the
 * same stack always gets the same ARNs: a FinSpace user can be registered for the
 * handler role's ARN before the first deployment.
 */
import { createHash } from 'crypto';
import { AwsError, checkLambdaEnvironment } from './limits';
import type { StackEnvironment } from './stack-environment';

export interface ProvisionedResource {
  readonly physicalId: string;
  readonly attributes: Readonly<Record<string, string>>;
}

type Provisioner = (name: NameSource, props: Record<string, any>, env: StackEnvironment) => ProvisionedResource;

interface NameSource {
  readonly suffix: string;
  /** A name as CloudFormation generates one: stack, logical id and a suffix, within `maxLength`. */
  generated(maxLength: number): string;
}

const PROVISIONERS: Record<string, Provisioner> = {
  'AWS::IAM::Role': (name, props, env) => {
    const roleName = props.RoleName ?? name.generated(64);
    const arn = `arn:${env.partition}:iam::${env.account}:role${props.Path ?? '/'}${roleName}`;
    return { physicalId: roleName, attributes: { Arn: arn, RoleId: `AROA${name.suffix}` } };
  },
  'AWS::IAM::ManagedPolicy': (name, props, env) => {
    const arn = `arn:${env.partition}:iam::${env.account}:policy${props.Path ?? '/'}${props.ManagedPolicyName ?? name.generated(128)}`;
    return { physicalId: arn, attributes: { PolicyArn: arn } };
  },
  'AWS::Lambda::Function': (name, props, env) => {
    checkLambdaEnvironment(props.Environment?.Variables ?? {});
    const functionName = props.FunctionName ?? name.generated(64);
    return { physicalId: functionName, attributes: { Arn: `arn:${env.partition}:lambda:${env.region}:${env.account}:function:${functionName}` } };
  },
  'AWS::Lambda::LayerVersion': (name, props, env) => {
    const layerName = props.LayerName ?? name.generated(64);
    const arn = `arn:${env.partition}:lambda:${env.region}:${env.account}:layer:${layerName}:1`;
    return { physicalId: arn, attributes: {} };
  },
  'AWS::Logs::LogGroup': (name, props, env) => {
    const logGroupName = props.LogGroupName ?? name.generated(512);
    return { physicalId: logGroupName, attributes: { Arn: `arn:${env.partition}:logs:${env.region}:${env.account}:log-group:${logGroupName}:*` } };
  },
  'AWS::StepFunctions::StateMachine': (name, props, env) => {
    const stateMachineName = props.StateMachineName ?? name.generated(80);
    const arn = `arn:${env.partition}:states:${env.region}:${env.account}:stateMachine:${stateMachineName}`;
    return { physicalId: arn, attributes: { Arn: arn, Name: stateMachineName } };
  },
  'AWS::S3::Bucket': (name, props, env) => {
    const bucketName = props.BucketName ?? name.generated(63).toLowerCase();
    return {
      physicalId: bucketName,
      attributes: {
        Arn: `arn:${env.partition}:s3:::${bucketName}`,
        DomainName: `${bucketName}.s3.${env.urlSuffix}`,
        RegionalDomainName: `${bucketName}.s3.${env.region}.${env.urlSuffix}`,
      },
    };
  },
  'AWS::SNS::Topic': (name, props, env) => {
    const topicName = props.TopicName ?? name.generated(256);
    const arn = `arn:${env.partition}:sns:${env.region}:${env.account}:${topicName}`;
    return { physicalId: arn, attributes: { TopicArn: arn, TopicName: topicName } };
  },
  'AWS::SQS::Queue': (name, props, env) => {
    const queueName = props.QueueName ?? name.generated(80);
    const url = `https://sqs.${env.region}.${env.urlSuffix}/${env.account}/${queueName}`;
    return { physicalId: url, attributes: { Arn: `arn:${env.partition}:sqs:${env.region}:${env.account}:${queueName}`, QueueName: queueName, QueueUrl: url } };
  },
};

/**
 * The physical id and attributes of an AWS resource of `type`. Types without a
 * rule of their own get a generated name as Ref and an ARN of the usual form.
 */
export function provisionAwsResource(logicalId: string, type: string, props: Record<string, unknown>, env: StackEnvironment): ProvisionedResource {
  const suffix = deterministicSuffix(`${env.stackName}/${logicalId}`);
  const name: NameSource = {
    suffix,
    generated: maxLength => `${`${env.stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1)}-${suffix}`,
  };
  try {
    const provision = PROVISIONERS[type] ?? genericResource(type);
    return provision(name, props, env);
  } catch (error) {
    // How CloudFormation reports a refusal of the service behind a resource type.
    if (error instanceof AwsError) {
      throw new AwsError(error.code, `Resource handler returned message: "${error.message}" (HandlerErrorCode: InvalidRequest)`);
    }
    throw error;
  }
}

/** An attribute a rule did not name: a value derived from the resource, so a template that reads it still deploys. */
export function fallbackAttribute(resource: ProvisionedResource, attribute: string): string {
  return `${resource.physicalId}/${attribute}`;
}

function genericResource(type: string): Provisioner {
  const [, service = 'unknown', kind = 'resource'] = type.split('::');
  return (name, _props, env) => {
    const physicalId = name.generated(128);
    return {
      physicalId,
      attributes: { Arn: `arn:${env.partition}:${service.toLowerCase()}:${env.region}:${env.account}:${kind.toLowerCase()}/${physicalId}` },
    };
  };
}

/** 12 characters of [A-Z0-9], like the suffixes CloudFormation appends to generated names. */
function deterministicSuffix(seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const digest = createHash('sha256').update(seed).digest();
  return [...digest.subarray(0, 12)].map(byte => alphabet[byte % alphabet.length]).join('');
}
