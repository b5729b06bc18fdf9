import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArnFormat, Aspects, Aws, CfnOutput, CfnResource, CustomResource, Duration, IAspect, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct, IConstruct } from 'constructs';
import { limitTemplateSize } from './template-size-limit';
import { DECLARED_MEMBERS_FILE, DEPLOY_TIME_ENVIRONMENTS_VARIABLE, type DeclaredMembersIndex, declaringResource } from '../contract/declared-members';
import { DECLARED_RESOURCES_FILE, type AuditRequest, type DeclaredResource, type DeclaredValue } from '../contract/drift-audit';
import { DESCRIPTION_MAX_LENGTH, ID_MAX_LENGTH, NAME_MAX_LENGTH } from '../contract/finspace-ids';
import { handlerEnvironment, handlerTimeoutSeconds, preexistingMembersPath } from '../contract/handler-settings';
import { PERMISSION_GROUP_RESOURCE_TYPE, type ResourceType } from '../contract/resource-types';
import { USER_IDS_OBJECT_EXTENSION } from '../contract/user-ids-object';

/**
 * Token.isUnresolved, taken once: it runs for every user id, and each access to an
 * export of aws-cdk-lib goes through a lazy getter that calls require().
 */
const isUnresolved = Token.isUnresolved;

/**
 * The package root: this file runs from lib/ in tests and from dist/lib/ once
 * compiled (dist/ also holds the compiled contract/).
 */
const PACKAGE_ROOT = path.basename(path.dirname(__dirname)) === 'dist' ? path.join(__dirname, '..', '..') : path.join(__dirname, '..');

/** Where the esbuild bundle of `lambda/index.ts` lands. */
const HANDLER_ASSET = path.join(PACKAGE_ROOT, 'assets', 'lambda', 'index');
/** Where the esbuild bundle of `lambda/audit.ts` (the drift audit) lands. */
const AUDIT_ASSET = path.join(PACKAGE_ROOT, 'assets', 'lambda', 'audit');

/** The settings one provider is built with; they must agree for all who share it. */
export interface ProviderSettings {
  readonly runtime: lambda.Runtime;
  readonly logRetention: logs.RetentionDays;
  /** How long one deployment of a resource may take (FinSpaceDataAccessProps.timeout). */
  readonly timeout: Duration;
  readonly pollInterval: Duration;
  readonly maxConcurrency: number;
  /** The scheduled drift audit, when asked for. */
  readonly audit?: AuditSettings;
}

/** How the stack's drift audit runs (FinSpaceDataAccessProps.audit). */
export interface AuditSettings {
  readonly schedule: Duration;
  readonly heal: boolean;
}

/** EventBridge's limit on a target's input: the schedule hands the audit its deploy-time values through it. */
export const MAX_RULE_INPUT_BYTES = 8192;

/** The longest value each property can take once deployed, for the bound on the schedule's input. */
const MAX_PROPERTY_LENGTH: Record<string, number> = {
  EnvironmentId: ID_MAX_LENGTH,
  PermissionGroupId: ID_MAX_LENGTH,
  UserIds: ID_MAX_LENGTH,
  PermissionGroupName: NAME_MAX_LENGTH,
  Description: DESCRIPTION_MAX_LENGTH,
};
/** A stack id: the ARN's prefix, a stack name of up to 128 characters and a UUID. */
const MAX_STACK_ID_LENGTH = 256;

/** A membership whose users the provider publishes in the declared-members index. */
interface MemberDeclaration {
  readonly membershipKey: string;
  readonly groupKey: string;
  readonly environmentId: string;
  /** The users its resource declares. */
  readonly userIds: () => string[];
  /** Creates the membership's resource, if not yet done. */
  readonly materialize: () => void;
}

/** A custom resource served by the provider, which the drift audit compares with FinSpace. */
interface ResourceDeclaration {
  readonly resource: CustomResource;
  readonly type: ResourceType;
  readonly properties: Readonly<Record<string, unknown>>;
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
  public static forRole(scope: Construct, role: iam.IRole | undefined, settings: ProviderSettings): HandlerProvider {
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
  /** CloudFormation's own limit for one resource, kept above the provider's timeout. */
  public readonly serviceTimeout: Duration;
  private readonly settings: ProviderSettings;
  private readonly handlerFunctions: lambda.Function[] = [];
  private readonly declarations: MemberDeclaration[] = [];
  private readonly resources: ResourceDeclaration[] = [];
  private environment: Record<string, string> = {};
  /** The object ARNs the role may read user-id objects from, once each. */
  private readonly userIdsReadGrants = new Set<string>();
  /** Created by the first resource that needs it: an unused access deploys no provider. */
  private provider?: cr.Provider;

  private constructor(scope: Construct, id: string, role: iam.IRole | undefined, settings: ProviderSettings) {
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

    // Whether an Update is the rollback of a failed deploy only the stack's status
    // tells (lambda/stack-status.ts); the handler asks it of its own stack alone.
    iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: ['cloudformation:DescribeStacks'],
      resourceArns: [Stack.of(this).stackId],
    });

    // A rollback keeps the members the failed deploy found already there: each
    // membership records them under the stack's own path (lambda/preexisting-members.ts).
    iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: ['ssm:GetParametersByPath', 'ssm:PutParameter', 'ssm:DeleteParameters'],
      resourceArns: [
        Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: preexistingMembersPath(Aws.STACK_NAME).slice(1) }),
        Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${preexistingMembersPath(Aws.STACK_NAME).slice(1)}/*` }),
      ],
    });

    this.serviceTimeout = settings.timeout.plus(Duration.minutes(5));
    Aspects.of(this).add(new PublishDeclaredMembers(this));
    limitTemplateSize(this);
  }

  /** The provider's ServiceToken; the first call creates the provider. */
  public get serviceToken(): string {
    return this.createProvider().serviceToken;
  }

  private createProvider(): cr.Provider {
    if (this.provider) return this.provider;
    const settings = this.settings;
    const environment = this.environment = handlerEnvironment({
      maxConcurrency: String(settings.maxConcurrency),
      handlerRoleArn: this.role.roleArn,
      timeoutSeconds: String(handlerTimeoutSeconds(settings.timeout.toSeconds(), settings.pollInterval.toSeconds())),
      pollIntervalMs: String(settings.pollInterval.toMilliseconds()),
      preexistingMembersPath: preexistingMembersPath(Aws.STACK_NAME),
    });
    const onEventHandler = this.handlerFunction('OnEvent', 'index.onEvent', Duration.minutes(10), environment);
    const isCompleteHandler = this.handlerFunction('IsComplete', 'index.isComplete', Duration.minutes(2), environment);

    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs', {
      retention: settings.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      // Roles of our own instead of the framework's default ones, which carry the AWS
      // managed AWSLambdaBasicExecutionRole (logs:CreateLogGroup on *): these may write
      // to the framework's log group only; the Provider adds what they invoke.
      frameworkOnEventRole: this.frameworkRole('FrameworkOnEventRole', frameworkLogs),
      frameworkCompleteAndTimeoutRole: this.frameworkRole('FrameworkWaiterRole', frameworkLogs),
      queryInterval: settings.pollInterval,
      totalTimeout: settings.timeout,
      logGroup: frameworkLogs,
      // Explicitly on: newer aws-cdk-lib turns the waiter's logging off by default.
      // Execution data holds names and descriptions (sensitive in the API model): log
      // the state transitions only.
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: frameworkLogs,
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    hideEventsFromFrameworkLogs(this.provider);
    return this.provider;
  }

  /**
   * Records a membership declared in the stack, so that the handler knows every user
   * the stack declares for each group (see publishDeclaredMembers); returns the short
   * key its resources carry in their physical ids.
   */
  public declareMembers(
    membership: IConstruct, groupKey: string, environmentId: string, userIds: () => string[], materialize: () => void,
  ): string {
    const membershipKey = membership.node.addr.slice(2, 10);
    this.declarations.push({ membershipKey, groupKey, environmentId, userIds, materialize });
    return membershipKey;
  }

  /** Records a custom resource of this provider, for the drift audit. */
  public declareResource(resource: CustomResource, type: ResourceType, properties: object): void {
    this.resources.push({ resource, type, properties: properties as Record<string, unknown> });
  }

  /**
   * Lets the handler read the user-id objects of the stack's large memberships: every
   * object whose key ends in USER_IDS_OBJECT_EXTENSION in the asset bucket, not only
   * the ones this template names. A rollback sends the previous properties, which name
   * the previous object, and CloudFormation need not have put the previous grant back
   * by then; and one statement per bucket keeps the role's policy the same size
   * however many memberships the stack has. The handler checks the object's digest.
   */
  public grantReadUserIds(asset: s3assets.Asset): void {
    const objects = asset.bucket.arnForObjects(`*${USER_IDS_OBJECT_EXTENSION}`);
    if (this.userIdsReadGrants.has(objects)) return;
    this.userIdsReadGrants.add(objects);
    iam.Grant.addToPrincipal({ grantee: this.role, actions: ['s3:GetObject'], resourceArns: [objects] });
  }

  /**
   * A user can move from one resource to another in one deploy: a membership renamed,
   * merged from the shards of an earlier version into one resource, a user handed from one membership
   * of a group to another. CloudFormation deletes or updates the old resource without
   * telling it about the new one, which has added the user by then. So the handler
   * gets, as a layer, every user the stack declares per group with the resource that
   * declares it, and a resource never removes a user that another one declares. The
   * functions are updated before the custom resources that use them, so the layer
   * matches the template being applied.
   */
  public publishDeclaredMembers(): void {
    const audit = this.settings.audit;
    // The audit needs every resource: memberships create theirs when the app is complete.
    if (audit) this.declarations.forEach(declaration => declaration.materialize());
    if (this.declarations.length === 0 && !(audit && this.resources.length > 0)) return;
    this.createProvider();
    const index: DeclaredMembersIndex = { groups: {} };
    // Environment ids known only at deploy time reach the handler through its
    // environment, which CloudFormation resolves; the file refers to them by position.
    const deployTimeEnvironments: string[] = [];
    const environmentOf = (environmentId: string): string | number => {
      if (!isUnresolved(environmentId)) return environmentId;
      const position = deployTimeEnvironments.indexOf(environmentId);
      return position >= 0 ? position : deployTimeEnvironments.push(environmentId) - 1;
    };
    for (const declaration of this.declarations) {
      const group = (index.groups[declaration.groupKey] ??= { environment: environmentOf(declaration.environmentId), users: {} });
      const resource = declaringResource(declaration.membershipKey, 0);
      for (const userId of declaration.userIds()) {
        // A user id known only at deploy time cannot be named in the file.
        if (!isUnresolved(userId)) group.users[userId] = resource;
      }
    }
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-declared-members-'));
    let layer: lambda.LayerVersion;
    try {
      const file = path.join(directory, DECLARED_MEMBERS_FILE);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(index));
      if (audit) {
        const declared = this.declaredResources();
        fs.writeFileSync(path.join(directory, DECLARED_RESOURCES_FILE), JSON.stringify({ resources: declared.resources }));
        this.scheduleAudit(audit, declared.deployTimeValues, declared.maxValueBytes);
      }
      layer = new lambda.LayerVersion(this, 'DeclaredMembers', {
        code: lambda.Code.fromAsset(directory),
        compatibleRuntimes: [this.settings.runtime],
        description: 'The FinSpace group members this stack declares, for the handler',
        removalPolicy: RemovalPolicy.DESTROY,
      });
    } finally {
      // The asset is copied into the cloud assembly when the layer is created. Without
      // staging (a tool such as SAM reads assets in place) the directory is the asset.
      if (!this.node.tryGetContext(cxapi.DISABLE_ASSET_STAGING_CONTEXT)) {
        fs.rmSync(directory, { recursive: true, force: true });
      }
    }
    for (const fn of this.handlerFunctions) {
      fn.addLayers(layer);
      if (deployTimeEnvironments.length > 0) {
        fn.addEnvironment(DEPLOY_TIME_ENVIRONMENTS_VARIABLE, Stack.of(this).toJsonString(deployTimeEnvironments));
      }
    }
  }

  /**
   * The declared resources as the audit reads them: their properties, with every
   * value known only at deploy time (a group's id, an environment id that is a token)
   * replaced by its position in the list the schedule hands the audit.
   */
  private declaredResources(): { resources: DeclaredResource[]; deployTimeValues: string[]; maxValueBytes: number } {
    const deployTimeValues: string[] = [];
    let maxValueBytes = 0;
    const encode = (value: unknown, maxLength: number): DeclaredValue => {
      if (Array.isArray(value)) return value.map(item => encode(item, maxLength));
      const text = String(value);
      if (!isUnresolved(text)) return text;
      let position = deployTimeValues.indexOf(text);
      if (position < 0) {
        position = deployTimeValues.push(text) - 1;
        maxValueBytes += maxLength + 3; // quoted, with a comma
      }
      return { deployTimeValue: position };
    };
    const stack = Stack.of(this);
    const resources = this.resources.map(({ resource, type, properties }): DeclaredResource => {
      const encoded: Record<string, DeclaredValue> = {};
      for (const [key, value] of Object.entries(properties)) {
        // The audit function knows its role from its environment.
        if (value === undefined || key === 'HandlerRoleArn') continue;
        encoded[key] = encode(value, MAX_PROPERTY_LENGTH[key] ?? NAME_MAX_LENGTH);
      }
      return {
        logicalId: stack.resolve((resource.node.defaultChild as CfnResource).logicalId),
        type,
        properties: encoded,
        ...(type === PERMISSION_GROUP_RESOURCE_TYPE ? { physicalId: encode(resource.ref, ID_MAX_LENGTH) } : {}),
      };
    });
    return { resources, deployTimeValues, maxValueBytes };
  }

  /**
   * The audit function and its schedule. The schedule's input carries the stack id
   * and the deploy-time values, which CloudFormation resolves; its size is checked
   * against EventBridge's limit with the longest value each could take.
   */
  private scheduleAudit(audit: AuditSettings, deployTimeValues: string[], maxValueBytes: number): void {
    const input: AuditRequest = { stackId: Aws.STACK_ID, heal: audit.heal, deployTimeValues };
    const literalBytes = JSON.stringify({ stackId: '', heal: audit.heal, deployTimeValues: [] }).length;
    const maxBytes = literalBytes + MAX_STACK_ID_LENGTH + maxValueBytes;
    if (maxBytes > MAX_RULE_INPUT_BYTES) {
      throw new Error(`${Stack.of(this).node.path}: the drift audit's schedule hands it ${deployTimeValues.length} values known only at deploy time ` +
        `(each group's id, token environment ids and names), up to ${maxBytes} bytes, over EventBridge's ${MAX_RULE_INPUT_BYTES} per target: ` +
        'declare fewer groups per stack (about 270 fit), or use literal environment ids, names and descriptions.');
    }
    const fn = this.handlerFunction('Audit', 'index.audit', Duration.minutes(15), this.environment, AUDIT_ASSET);
    new events.Rule(this, 'AuditSchedule', {
      description: 'Runs the FinSpace drift audit of the stack',
      schedule: events.Schedule.rate(audit.schedule),
      // A missed run is not retried: the next one audits anew.
      targets: [new targets.LambdaFunction(fn, { event: events.RuleTargetInput.fromObject(input), retryAttempts: 0 })],
    });
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

  private handlerFunction(id: string, handler: string, timeout: Duration, environment: Record<string, string>, asset = HANDLER_ASSET) {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: this.settings.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(this.role);
    const fn = new lambda.Function(this, id, {
      code: lambda.Code.fromAsset(asset),
      handler,
      runtime: this.settings.runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout,
      role: this.role,
      logGroup,
      environment,
      description: `FinSpace permission groups and memberships: ${handler.split('.')[1]}`,
    });
    this.handlerFunctions.push(fn);
    return fn;
  }

  private assertSameSettings(settings: ProviderSettings) {
    if (this.settings.runtime.name !== settings.runtime.name) {
      throw new Error('FinSpaceDataAccess instances that share a handler role in one stack share one provider, ' +
        `so they need the same runtime: ${this.settings.runtime.name} vs ${settings.runtime.name}`);
    }
    const mine = describe(this.settings);
    const theirs = describe(settings);
    if (mine !== theirs) {
      throw new Error(
        `FinSpaceDataAccess instances that share a handler role in one stack share one provider, so they need the same settings: ${mine} vs ${theirs}`);
    }
  }
}

/** Publishes the index once the app is complete: memberships may gain users until then. */
class PublishDeclaredMembers implements IAspect {
  private published = false;
  constructor(private readonly provider: HandlerProvider) {}
  public visit(node: IConstruct): void {
    if (node !== this.provider || this.published) return;
    this.published = true;
    this.provider.publishDeclaredMembers();
  }
}

/**
 * The framework's functions log every event whole, group names and descriptions
 * included (sensitive in the API model): console.log at each step, and a Retry error
 * holding the event on every poll that is not yet complete. With JSON log format and
 * application log level FATAL, Lambda writes neither. Newer aws-cdk-lib sets exactly
 * this itself; setting it here makes every supported version synthesize alike.
 */
function hideEventsFromFrameworkLogs(provider: cr.Provider): void {
  for (const child of provider.node.children) {
    if (!(child instanceof lambda.Function)) continue;
    const fn = child.node.defaultChild as lambda.CfnFunction;
    fn.addPropertyOverride('LoggingConfig.LogFormat', 'JSON');
    fn.addPropertyOverride('LoggingConfig.ApplicationLogLevel', 'FATAL');
  }
}

function describe(settings: ProviderSettings): string {
  const audit = settings.audit ? `, audit every ${settings.audit.schedule.toHumanString()}${settings.audit.heal ? ' with healing' : ''}` : '';
  return `logRetention=${settings.logRetention}, timeout=${settings.timeout.toSeconds()}s, ` +
    `pollInterval=${settings.pollInterval.toSeconds()}s, maxConcurrency=${settings.maxConcurrency}${audit}`;
}
