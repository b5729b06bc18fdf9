import * as path from 'path';
import { ArnFormat, CfnOutput, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';

/** Lambda allows 4 KiB of environment variables in all; keep room for the others. */
const MAX_LIVE_MEMBERSHIPS_CHARS = 3500;

/** Where the esbuild bundle of `lambda/index.ts` lands, from both lib/ and dist/. */
const HANDLER_ASSET = path.join(__dirname, '..', 'assets', 'lambda', 'index');

/** The settings one provider is built with; they must agree for all who share it. */
export interface HandlerSettings {
  readonly logRetention: logs.RetentionDays;
  readonly totalTimeout: Duration;
  readonly queryInterval: Duration;
  readonly maxConcurrency: number;
}

/**
 * The custom-resource provider that all FinSpace resources of a stack share, one per
 * handler role (a provider runs as exactly one FinSpace identity).
 *
 * Kept as a stack-level singleton like aws-cdk-lib's own providers: the construct id
 * is a contract, because it decides the ServiceToken that CloudFormation cannot
 * change in place.
 */
export class HandlerProvider extends Construct {
  /** The provider for `role` in the stack of `scope`, created on first use. */
  public static forRole(scope: Construct, role: iam.IRole | undefined, settings: HandlerSettings): HandlerProvider {
    const stack = Stack.of(scope);
    const id = role ? `FinSpaceDataProvider${role.node.addr}` : 'FinSpaceDataProvider';
    const existing = stack.node.tryFindChild(id);
    if (existing) {
      const provider = existing as HandlerProvider;
      provider.assertSameSettings(settings);
      return provider;
    }
    return new HandlerProvider(stack, id, role, settings);
  }

  /** The role the handler runs as: the identity FinSpace must know. */
  public readonly role: iam.IRole;
  public readonly serviceToken: string;
  /** CloudFormation's own limit for one resource, kept above the provider's timeout. */
  public readonly serviceTimeout: Duration;
  private readonly settings: HandlerSettings;
  private readonly liveMemberships = new Set<string>();

  private constructor(scope: Construct, id: string, role: iam.IRole | undefined, settings: HandlerSettings) {
    super(scope, id);
    this.settings = settings;
    this.role = role ?? this.createRole();

    iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: ['finspace-api:GetProgrammaticAccessCredentials'],
      resourceArns: [Stack.of(this).formatArn({
        service: 'finspace-api',
        resource: '/credentials/programmatic',
        arnFormat: ArnFormat.NO_RESOURCE_NAME,
      })],
    });

    // isComplete must give up with its own clear reason before the framework's
    // waiter does: two polls of margin.
    const reconcileTimeout = Duration.seconds(
      settings.totalTimeout.toSeconds() - 2 * settings.queryInterval.toSeconds());
    const environment = {
      MAX_CONCURRENCY: String(settings.maxConcurrency),
      // Named in failure reasons, and its FinSpace users are never removed.
      HANDLER_ROLE_ARN: this.role.roleArn,
      RECONCILE_TIMEOUT_SECONDS: String(reconcileTimeout.toSeconds()),
      // Lets the Delete of a resource that a shrinking membership gave up tell that
      // the membership itself still exists, so its users must stay (see registerMembership).
      LIVE_MEMBERSHIPS: Lazy.string({ produce: () => this.liveMembershipsValue() }),
    };
    const onEventHandler = this.handlerFunction('OnEvent', 'index.onEvent', Duration.minutes(10), environment);
    const isCompleteHandler = this.handlerFunction('IsComplete', 'index.isComplete', Duration.minutes(2), environment);

    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs', {
      retention: settings.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      // Roles of our own instead of the framework's default ones, which carry the AWS
      // managed AWSLambdaBasicExecutionRole (logs:CreateLogGroup on *): these may write
      // to the framework's log group only; the Provider adds what they invoke.
      frameworkOnEventRole: this.frameworkRole('FrameworkOnEventRole', frameworkLogs),
      frameworkCompleteAndTimeoutRole: this.frameworkRole('FrameworkWaiterRole', frameworkLogs),
      queryInterval: settings.queryInterval,
      totalTimeout: settings.totalTimeout,
      logGroup: frameworkLogs,
      // Execution data holds names and descriptions (sensitive in the API model): log
      // the state transitions only.
      waiterStateMachineLogOptions: {
        destination: frameworkLogs,
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    this.serviceToken = provider.serviceToken;
    this.serviceTimeout = settings.totalTimeout.plus(Duration.minutes(5));
  }

  /**
   * Records a membership declared in the stack and returns its key: the short id
   * that its resources carry and that the handler finds in LIVE_MEMBERSHIPS.
   */
  public registerMembership(membership: IConstruct): string {
    const key = membership.node.addr.slice(2, 10);
    this.liveMemberships.add(key);
    return key;
  }

  private liveMembershipsValue(): string {
    const value = [...this.liveMemberships].sort().join(',') || 'none';
    if (value.length > MAX_LIVE_MEMBERSHIPS_CHARS) {
      throw new Error(`One handler serves ${this.liveMemberships.size} GroupMemberships in stack ${Stack.of(this).stackName}, ` +
        'more than its Lambda environment can list: give some of them a FinSpaceDataAccess with another role, or move them to another stack.');
    }
    return value;
  }

  private createRole(): iam.IRole {
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the FinSpace permission-group handler; register its ARN as apiAccessPrincipalArn of a FinSpace user',
    });
    new CfnOutput(Stack.of(this), 'FinSpaceDataHandlerRoleArn', {
      description: 'Register this role ARN in FinSpace on an API-enabled user that may manage users and groups',
      value: role.roleArn,
    });
    return role;
  }

  private frameworkRole(id: string, logGroup: logs.ILogGroup): iam.IRole {
    const role = new iam.Role(this, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    return role;
  }

  private handlerFunction(id: string, handler: string, timeout: Duration, environment: Record<string, string>) {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: this.settings.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(this.role);
    return new lambda.Function(this, id, {
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      handler,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout,
      role: this.role,
      logGroup,
      environment,
      description: `FinSpace permission groups and memberships: ${handler.split('.')[1]}`,
    });
  }

  private assertSameSettings(settings: HandlerSettings) {
    const mine = describe(this.settings);
    const theirs = describe(settings);
    if (mine !== theirs) {
      throw new Error(
        `FinSpaceDataAccess instances that share a handler role in one stack share one provider, so they need the same settings: ${mine} vs ${theirs}`);
    }
  }
}

function describe(settings: HandlerSettings): string {
  return `logRetention=${settings.logRetention}, timeout=${settings.totalTimeout.toSeconds()}s, ` +
    `pollInterval=${settings.queryInterval.toSeconds()}s, maxConcurrency=${settings.maxConcurrency}`;
}
