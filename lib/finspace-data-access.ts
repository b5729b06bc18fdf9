import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HandlerProvider } from './handler-provider';
import { DRIFT_METRICS_DIMENSION, DRIFT_METRICS_NAMESPACE, DRIFTED_GROUPS_METRIC, DRIFTED_MEMBERS_METRIC } from '../contract/drift-audit';
import { isValidId } from '../contract/finspace-ids';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_POLL_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS } from '../contract/handler-settings';

/** The oldest Node.js the handler bundle is built for. */
const OLDEST_NODE_MAJOR = 20;

/** The runtime the handler gets by default, never below this one. */
const DEFAULT_NODE_MAJOR_FLOOR = 22;

/** CloudFormation gives up on a custom resource after an hour: stay well under it. */
const MAX_TIMEOUT = Duration.minutes(50);

/** Default `DriftAuditOptions.schedule`. */
const DEFAULT_AUDIT_SCHEDULE = Duration.hours(1);

/**
 * A scheduled drift audit of the stack's permission groups and memberships.
 */
export interface DriftAuditOptions {
  /**
   * How often the audit runs: between one minute and one day, in whole minutes.
   *
   * @default Duration.hours(1)
   */
  readonly schedule?: Duration;

  /**
   * Whether the audit puts FinSpace back as the stack declares it, through the same
   * reconcile code that deploys use: it adds missing declared members, removes
   * members that an exclusive membership does not declare (never the handler's own
   * user), and restores a group's name, description and permissions. A deleted
   * group is reported, not created again: the next deploy that changes it does.
   *
   * @default false - the audit only reports
   */
  readonly heal?: boolean;
}

/**
 * Properties of a `FinSpaceDataAccess`.
 */
export interface FinSpaceDataAccessProps {
  /**
   * The FinSpace environment whose permission groups and members this stack manages.
   *
   * May be a token, such as `CfnEnvironment.attrEnvironmentId`.
   */
  readonly environmentId: string;

  /**
   * The IAM role the custom-resource handler runs as.
   *
   * FinSpace authorizes the handler through this role: it must be registered as the
   * `apiAccessPrincipalArn` of an enabled, API-enabled FinSpace user that is a
   * superuser or belongs to a group with `ManageUsersAndGroups`. Bring a role that is
   * already registered, or let the library create one and register the ARN that the
   * stack outputs as `FinSpaceDataHandlerRoleArn`.
   *
   * The library adds to the role exactly these permissions:
   * `finspace-api:GetProgrammaticAccessCredentials` on the environment's account and
   * region; `cloudformation:DescribeStacks` on the stack itself (to tell the
   * rollback of a failed deploy from a deploy); `ssm:GetParametersByPath`,
   * `ssm:PutParameter` and `ssm:DeleteParameters` under the stack's Parameter Store
   * path `/finspace-data-access/<stack name>/preexisting-members` (which members a
   * rollback keeps); and write access to the handler's own log groups. An immutable
   * imported role must already have them.
   *
   * @default - one role per stack, created by the library
   */
  readonly role?: iam.IRole;

  /**
   * The Lambda runtime of the handler's two functions (and the compatible runtime of
   * the layer that carries the declared members): Node.js 20 or later.
   *
   * @default - the highest Node.js runtime that the installed aws-cdk-lib lists in
   * `lambda.Runtime.ALL` (nodejs22.x at the least), the one cdk-nag's
   * AwsSolutions-L1 expects; upgrading aws-cdk-lib moves it
   */
  readonly runtime?: lambda.Runtime;

  /**
   * How long the handler's and the provider framework's logs are kept.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long one deployment of a resource may wait for FinSpace to settle (members
   * reaching ADDITION_SUCCESS, removals completing) before it fails. At most 50
   * minutes, so that the deployment fails with a clear reason before CloudFormation's
   * own one-hour limit.
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;

  /**
   * How often a waiting deployment asks FinSpace for the state of the members.
   *
   * @default Duration.seconds(5)
   */
  readonly pollInterval?: Duration;

  /**
   * How many FinSpace calls the handler makes at once while reconciling members.
   * The client also slows down on its own when FinSpace throttles.
   *
   * @default 8
   */
  readonly maxConcurrency?: number;

  /**
   * A scheduled drift audit: compares every group and membership that the stack
   * declares with FinSpace, reports each difference as a log line of the audit
   * function, and publishes the CloudWatch metrics `DriftedGroups` and
   * `DriftedMembers` per stack (see `metricDriftedMembers()`). An audit that starts
   * while the stack is being deployed, updated, rolled back or deleted does nothing.
   *
   * It adds a third function and an EventBridge rule to the stack, and a layer that
   * holds the declared resources; the rule's input carries each group's id.
   *
   * @default - no audit
   */
  readonly audit?: DriftAuditOptions;
}

/**
 * Which FinSpace environment to manage, and as which identity.
 *
 * Every `PermissionGroup` and `GroupMembership` names one. All of them in a stack that
 * use the same handler role share one custom-resource provider.
 *
 * @example
 * const finspace = new FinSpaceDataAccess(this, 'FinSpace', {
 *   environmentId: 'fs-environment-id',
 * });
 */
export class FinSpaceDataAccess extends Construct {
  /** The FinSpace environment id. */
  public readonly environmentId: string;

  /** The IAM role the handler runs as; register its ARN in FinSpace. */
  public readonly role: iam.IRole;

  /** @internal */
  public readonly _provider: HandlerProvider;

  private readonly auditSchedule?: Duration;

  constructor(scope: Construct, id: string, props: FinSpaceDataAccessProps) {
    super(scope, id);
    validateEnvironmentId(props.environmentId);
    const timeout = props.timeout ?? Duration.seconds(DEFAULT_TIMEOUT_SECONDS);
    const pollInterval = props.pollInterval ?? Duration.seconds(DEFAULT_POLL_INTERVAL_SECONDS);
    const maxConcurrency = props.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    validateTiming(timeout, pollInterval);
    if (!Token.isUnresolved(maxConcurrency) && (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 64)) {
      throw new Error(`maxConcurrency must be a whole number from 1 to 64, got ${maxConcurrency}`);
    }

    this.environmentId = props.environmentId;
    const runtime = props.runtime ?? latestNodeRuntime();
    validateRuntime(runtime);
    if (props.audit) validateAuditSchedule(props.audit.schedule ?? DEFAULT_AUDIT_SCHEDULE);
    this.auditSchedule = props.audit ? props.audit.schedule ?? DEFAULT_AUDIT_SCHEDULE : undefined;
    this._provider = HandlerProvider.forRole(this, props.role, {
      runtime,
      logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      timeout,
      pollInterval,
      maxConcurrency,
      audit: this.auditSchedule ? { schedule: this.auditSchedule, heal: props.audit?.heal ?? false } : undefined,
    });
    this.role = this._provider.role;
  }

  /**
   * The number of members the drift audit found missing or extra at its last run in
   * the period (the `DriftedMembers` metric of the stack). Needs `audit`.
   *
   * @default - maximum over the audit's schedule
   */
  public metricDriftedMembers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.driftMetric(DRIFTED_MEMBERS_METRIC, props);
  }

  /**
   * The number of groups the drift audit found renamed, re-described,
   * re-permissioned or deleted at its last run in the period (the `DriftedGroups`
   * metric of the stack). Needs `audit`.
   *
   * @default - maximum over the audit's schedule
   */
  public metricDriftedGroups(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.driftMetric(DRIFTED_GROUPS_METRIC, props);
  }

  private driftMetric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    if (!this.auditSchedule) {
      throw new Error(`${this.node.path}: the drift metrics come from the drift audit: set the audit property to use ${metricName}`);
    }
    return new cloudwatch.Metric({
      namespace: DRIFT_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { [DRIFT_METRICS_DIMENSION]: Stack.of(this).stackName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: this.auditSchedule,
      ...props,
    });
  }
}

function validateAuditSchedule(schedule: Duration) {
  if (schedule.isUnresolved()) return;
  const minutes = schedule.toSeconds() / 60;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new Error(`audit.schedule must be whole minutes from 1 minute to 1 day, got ${schedule.toHumanString()}`);
  }
}

/**
 * The highest Node.js runtime the installed aws-cdk-lib knows, by version number;
 * NODEJS_LATEST is left out, as it lags behind (nodejs24.x when nodejs26.x is listed).
 */
function latestNodeRuntime(): lambda.Runtime {
  let latest = lambda.Runtime.NODEJS_22_X;
  let latestMajor = DEFAULT_NODE_MAJOR_FLOOR;
  for (const runtime of lambda.Runtime.ALL) {
    const major = nodeMajor(runtime);
    if (major !== undefined && major > latestMajor && !runtime.isVariable) {
      latest = runtime;
      latestMajor = major;
    }
  }
  return latest;
}

function nodeMajor(runtime: lambda.Runtime): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime.name);
  return runtime.family === lambda.RuntimeFamily.NODEJS && match ? Number(match[1]) : undefined;
}

function validateRuntime(runtime: lambda.Runtime) {
  const major = nodeMajor(runtime);
  if (major === undefined || major < OLDEST_NODE_MAJOR) {
    throw new Error(`runtime must be a Node.js runtime, ${OLDEST_NODE_MAJOR} or later (nodejs${OLDEST_NODE_MAJOR}.x, nodejs22.x, ...), got ${runtime.name}`);
  }
}

function validateEnvironmentId(environmentId: string) {
  if (Token.isUnresolved(environmentId)) return;
  if (!isValidId(environmentId)) {
    throw new Error(`environmentId must be 1 to 26 characters and not blank, got '${environmentId}'`);
  }
}

function validateTiming(timeout: Duration, pollInterval: Duration) {
  if (timeout.isUnresolved() || pollInterval.isUnresolved()) return;
  const total = timeout.toMilliseconds() / 1000;
  const interval = pollInterval.toMilliseconds() / 1000;
  if (interval < 1 || !Number.isInteger(interval)) {
    throw new Error(`pollInterval must be a whole number of seconds, at least 1, got ${interval}s`);
  }
  if (total > MAX_TIMEOUT.toSeconds()) {
    throw new Error(`timeout must be at most 50 minutes (CloudFormation fails a resource after one hour), got ${total / 60} minutes`);
  }
  // The provider framework requires the total timeout to be a multiple of the interval.
  if (total % interval !== 0 || total < 3 * interval) {
    throw new Error(`timeout (${total}s) must be a multiple of pollInterval (${interval}s) and at least three of them`);
  }
}
