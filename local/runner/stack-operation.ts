/**
 * One stack operation carried out the way CloudFormation carries it out (README.md
 * beside this file, "What it plays"): a deploy with its cleanup phase, the rollback
 * of a failed one, a destroy. The stack's state is handed to `persist` after every
 * change, so an interrupted run leaves a state file that says what exists.
 */
import type { RunnerEvent } from './activity-printer';
import type { Assembly, AssemblyStack } from './assembly';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, fallbackAttribute, provisionAwsResource, pseudoParameter, stackEnvironment, type StackEnvironment } from './aws-resources';
import { callCustomResource, CustomResourceFailure, type CustomResourceCall } from './custom-resources';
import { evaluateCondition, resolve, type ResolveScope } from './intrinsics';
import { AwsError, checkTemplate } from './limits';
import type { ProviderEndpoint } from './provider-endpoint';
import type { DeployedOutput, DeployedResource, DeployedStack, StackStatus } from './state-file';
import { dependencyGraph, dependencyOrder, isCustomResource, runInDependencyOrder, type Template, type TemplateResource } from './template';

export interface OperationContext {
  readonly providerEndpoint: ProviderEndpoint;
  /** Where the code assets of Lambda functions are. */
  readonly assembly?: Assembly;
  /** Replaces the waiters' retry interval (ms), scaling their total timeout with it. */
  readonly pollIntervalMs?: number;
  report(event: RunnerEvent): void;
  /** The value another deployed stack exports under `name`, for Fn::ImportValue. */
  exportedValue(name: string): unknown;
  /** Records the stack as it is now (undefined once deleted). */
  persist(stack: DeployedStack | undefined): void;
}

export interface StackResult {
  readonly stackName: string;
  /**
   * REFUSED: CloudFormation refused the operation before it started; DOES_NOT_EXIST:
   * nothing to destroy; NO_RESOURCES: skipped, as the CDK CLI skips a stack without resources.
   */
  readonly status: StackStatus | 'DELETE_COMPLETE' | 'NO_CHANGES' | 'REFUSED' | 'DOES_NOT_EXIST' | 'NO_RESOURCES';
  readonly success: boolean;
  /** The first failure: what CloudFormation names when the stack fails to deploy. */
  readonly failureReason?: string;
  readonly stackId?: string;
  readonly outputs: Record<string, DeployedOutput>;
}

/** The statuses in which CloudFormation refuses an update. */
const BUSY_STATUS = /^((UPDATE_)?ROLLBACK|CREATE|UPDATE|DELETE)_IN_PROGRESS$|_FAILED$/;

/** A resource operation failed; its *_FAILED event was reported. */
class ResourceFailed extends Error {
  constructor(public readonly logicalId: string, reason: string) {
    super(reason);
  }
}

/** What a deploy did to one resource: the journal a rollback undoes. */
interface Change {
  readonly logicalId: string;
  /** The resource before; undefined when the deploy created it. */
  readonly before?: DeployedResource;
  /** The properties sent, which an update back sends as the old ones. */
  readonly attempted: Record<string, unknown>;
  /** The update answered another physical id: the old one is deleted in cleanup, or restored by a rollback. */
  replaced: boolean;
}

type Doomed = ReturnType<typeof doomed>;

type Outcome = Pick<DeployedResource, 'physicalId' | 'attributes' | 'codeDirectory'>;

export async function deployStack(stack: AssemblyStack, previous: DeployedStack | undefined, context: OperationContext): Promise<StackResult> {
  // CloudFormation refuses a template without resources; the CDK CLI skips the stack (and deletes it if it exists).
  if (Object.keys(stack.template.Resources ?? {}).length === 0) {
    if (!previous) return { stackName: stack.stackName, status: 'NO_RESOURCES', success: true, outputs: {} };
    const deleted = await destroyStack(previous, context);
    return deleted.success ? { ...deleted, status: 'NO_RESOURCES' } : deleted;
  }
  if (previous && BUSY_STATUS.test(previous.status)) {
    throw new AwsError('ValidationError', `Stack:${previous.stackId} is in ${previous.status} state and can not be updated.`);
  }
  // A stack whose creation rolled back holds nothing; CloudFormation must create it anew.
  const existing = previous?.status === 'ROLLBACK_COMPLETE' ? undefined : previous;
  const { account = DEFAULT_ACCOUNT, region = DEFAULT_REGION } = existing ?? stack;
  return new StackOperation(context, stack.stackName, existing, stack.template, account, region).deploy(stack);
}

export async function destroyStack(previous: DeployedStack, context: OperationContext): Promise<StackResult> {
  return new StackOperation(context, previous.stackName, previous, previous.template, previous.account, previous.region).destroy();
}

class StackOperation {
  private readonly env: StackEnvironment;
  private readonly live: Map<string, DeployedResource>;
  private outputs: Record<string, DeployedOutput>;
  private readonly changes: Change[] = [];
  private readonly progress = { done: 0, total: 0 };
  private status = 'CREATE_IN_PROGRESS';
  private constructPaths: Readonly<Record<string, string>> = {};

  /** `previous`: what CloudFormation knows of the stack, undefined when it creates it. */
  constructor(
    private readonly context: OperationContext, private readonly stackName: string, private readonly previous: DeployedStack | undefined,
    private template: Template, account: string, region: string,
  ) {
    this.env = stackEnvironment(stackName, account, region, previous?.stackId);
    this.live = new Map(Object.entries(previous?.resources ?? {}));
    this.outputs = previous?.outputs ?? {};
  }

  async deploy(stack: AssemblyStack): Promise<StackResult> {
    const existing = this.previous;
    this.constructPaths = stack.constructPaths;
    if (existing && JSON.stringify(existing.template) === JSON.stringify(stack.template)) return this.result(true, undefined, 'NO_CHANGES');

    const resources = this.validate(stack);
    const graph = dependencyGraph(this.template, resources);
    const order = dependencyOrder(graph);
    const removed = [...this.live].filter(([id]) => !resources[id]);
    this.progress.total = order.length + removed.length;
    this.setStatus(existing ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS', 'User Initiated');
    let failures = await runInDependencyOrder(order, id => graph.get(id)!, id => this.forward(id, resources[id], graph.get(id)!));
    if (failures.length === 0) {
      try {
        this.outputs = this.resolveOutputs();
      } catch (error) {
        failures = [error];
      }
    }
    if (failures.length > 0) return this.rollback(failures, order);
    if (existing) {
      this.setStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      const superseded = this.changes.filter(change => change.replaced)
        .map(({ logicalId, before }) => doomed(logicalId, before!, this.live.get(logicalId)!.updateReplacePolicy));
      await this.deleteAll([...removed.map(([id, resource]) => doomed(id, resource, resource.deletionPolicy)), ...superseded]);
    }
    this.setStatus(existing ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE');
    return this.result(true);
  }

  async destroy(): Promise<StackResult> {
    this.progress.total = this.live.size;
    this.setStatus('DELETE_IN_PROGRESS', 'User Initiated');
    const failures = await this.deleteAll([...this.live].map(([id, resource]) => doomed(id, resource, resource.deletionPolicy)), 'DELETE_FAILED');
    if (failures.length > 0) return this.result(false, firstReason(failures));
    this.setStatus('DELETE_COMPLETE');
    this.context.persist(undefined);
    return this.result(true);
  }

  /** What CloudFormation checks before it starts; answers the resources whose conditions hold. */
  private validate(stack: AssemblyStack): Record<string, TemplateResource> {
    const declared = Object.entries(this.template.Resources ?? {});
    checkTemplate(stack.templateBody, declared.length);
    const missing = Object.entries(this.template.Parameters ?? {}).filter(([, p]) => p.Default === undefined).map(([name]) => name);
    if (missing.length > 0) throw new AwsError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
    const resources = Object.fromEntries(declared.filter(([, resource]) => resource.Condition === undefined || this.condition(resource.Condition)));
    const retyped = Object.keys(resources).filter(id => this.live.has(id) && this.live.get(id)!.type !== resources[id].Type);
    if (retyped.length > 0) {
      throw new AwsError('ValidationError', 'Update of resource type is not permitted. The new template modifies resource type of the following resources: ' +
        `[${retyped.join(', ')}]`);
    }
    return resources;
  }

  /** Brings one resource to its definition: create, update, or nothing when its properties are unchanged. */
  private async forward(logicalId: string, definition: TemplateResource, dependencies: ReadonlySet<string>): Promise<void> {
    const before = this.live.get(logicalId);
    const { Type: type, DeletionPolicy: deletionPolicy, UpdateReplacePolicy: updateReplacePolicy } = definition;
    const operation = before ? 'UPDATE' : 'CREATE';
    const constructPath = this.constructPathOf(logicalId, definition);
    let properties: Record<string, unknown>;
    try {
      properties = resolve(definition.Properties ?? {}, this.scope()) as Record<string, unknown>;
    } catch (error) {
      this.resourceEvent(logicalId, type, `${operation}_FAILED`, { reason: (error as Error).message, constructPath });
      throw new ResourceFailed(logicalId, (error as Error).message);
    }
    // Policies and metadata change without an event, but are kept.
    const record = (outcome: Outcome): DeployedResource =>
      ({ ...outcome, type, properties, dependsOn: [...dependencies], deletionPolicy, updateReplacePolicy, constructPath });
    if (before && JSON.stringify(before.properties) === JSON.stringify(properties)) {
      this.live.set(logicalId, record(before));
      this.persist();
      this.progress.done++;
      return;
    }
    const change: Change = { logicalId, before, attempted: properties, replaced: false };
    this.changes.push(change);
    await this.tracked(logicalId, type, operation, constructPath, async () => {
      const target = record({ physicalId: before?.physicalId, attributes: {} });
      const outcome = await this.createOrUpdate(logicalId, target, before).catch((error: unknown) => {
        // CloudFormation keeps the id a failed create answered, for the delete of the rollback.
        if (!before) this.live.set(logicalId, record({ physicalId: (error as CustomResourceFailure).physicalId, attributes: {} }));
        throw error;
      });
      this.live.set(logicalId, record(outcome));
      change.replaced = before !== undefined && outcome.physicalId !== before.physicalId;
      if (change.replaced) {
        this.progress.total++;
        this.resourceEvent(logicalId, type, 'UPDATE_IN_PROGRESS',
          { reason: 'Requested update required the provider to create a new physical resource', constructPath }, false);
      }
      this.persist();
    });
  }

  /** A custom resource through its provider; an AWS resource as its stand-in, with where a function's or layer's code is. */
  private async createOrUpdate(logicalId: string, resource: DeployedResource, before?: DeployedResource): Promise<Outcome> {
    const { type, properties } = resource;
    if (isCustomResource(type)) {
      if (before && before.properties.ServiceToken !== properties.ServiceToken) throw new Error('Modifying service token is not allowed.');
      return this.callCustom(before ? 'Update' : 'Create', logicalId, resource, before?.properties);
    }
    // A Lambda function's Code, a layer's Content.
    const objectKey = ((properties.Code ?? properties.Content) as { S3Key?: string } | undefined)?.S3Key;
    const codeDirectory = (objectKey && this.context.assembly?.assetDirectory(objectKey)) || before?.codeDirectory;
    return { ...provisionAwsResource(logicalId, type, properties, this.env), codeDirectory };
  }

  /** One request through the resource's provider; each poll of its waiter is reported. */
  private async callCustom(
    requestType: CustomResourceCall['requestType'], logicalId: string, resource: DeployedResource, oldProperties?: Record<string, unknown>,
  ): Promise<Outcome> {
    const { type, properties, constructPath } = resource;
    const provider = { serviceToken: String(properties.ServiceToken), resources: this.live, pollIntervalMs: this.context.pollIntervalMs };
    const status = `${requestType.toUpperCase()}_IN_PROGRESS`;
    return callCustomResource({ ...resource, requestType, logicalId, oldProperties }, this.env, provider, this.context.providerEndpoint, {
      sleep: ms => new Promise(wake => setTimeout(wake, ms)),
      onPoll: poll => this.context.report({ ...this.eventBase(status), kind: 'waiting', logicalId, constructPath, resourceType: type, ...poll }),
    });
  }

  /**
   * A create deletes everything it created. An update updates back what it updated
   * (the failed resource included) in the old template's order, then deletes what it
   * created and the new physical resources of replacements, whose old ones are kept.
   */
  private async rollback(failures: readonly unknown[], order: readonly string[]): Promise<StackResult> {
    const previous = this.previous;
    const reason = failureSummary(failures, !previous);
    this.setStatus(previous ? 'UPDATE_ROLLBACK_IN_PROGRESS' : 'ROLLBACK_IN_PROGRESS', previous ? reason : `${reason}Rollback requested by user.`);
    const replaced = this.changes.filter(change => change.replaced);
    const toDelete = replaced.map(({ logicalId }) => doomed(logicalId, this.live.get(logicalId)!));
    for (const { logicalId, before } of replaced) this.live.set(logicalId, before!);
    const created = new Set(this.changes.filter(change => !change.before).map(change => change.logicalId));
    toDelete.push(...order.filter(id => created.has(id)).map(id => doomed(id, this.live.get(id)!)));
    const updated = new Map(this.changes.filter(change => change.before && !change.replaced).map(change => [change.logicalId, change]));
    this.progress.total += updated.size + toDelete.length;
    if (previous) {
      const oldOrder = Object.keys(previous.resources).filter(id => updated.has(id));
      const errors = await runInDependencyOrder(oldOrder, id => previous.resources[id].dependsOn, id => this.updateBack(updated.get(id)!));
      if (errors.length > 0) {
        this.setStatus('UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${failedIds(errors)}]. `);
        return this.result(false, firstReason(failures));
      }
      this.setStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    }
    // Deletes that fail in an update's cleanup are let go; in a create's rollback they fail it.
    if ((await this.deleteAll(toDelete, previous ? undefined : 'ROLLBACK_FAILED')).length === 0) {
      this.template = previous?.template ?? this.template;
      this.outputs = previous?.outputs ?? {};
      this.setStatus(previous ? 'UPDATE_ROLLBACK_COMPLETE' : 'ROLLBACK_COMPLETE');
    }
    return this.result(false, firstReason(failures));
  }

  private async updateBack({ logicalId, before, attempted }: Change): Promise<void> {
    const current = this.live.get(logicalId)!;
    await this.tracked(logicalId, before!.type, 'UPDATE', before!.constructPath, async () => {
      const outcome = isCustomResource(before!.type)
        ? await this.callCustom('Update', logicalId, { ...before!, physicalId: current.physicalId }, attempted) : {};
      this.live.set(logicalId, { ...before!, ...outcome });
      this.persist();
    });
  }

  /**
   * Deletes in reverse dependency order. With `failedStatus`, a failed delete stays in
   * the stack and fails it; without (a cleanup phase) it is reported and the resource
   * forgotten, as CloudFormation does. Returns the failures.
   */
  private async deleteAll(doomedResources: readonly Doomed[], failedStatus?: string): Promise<unknown[]> {
    const dependents = (item: Doomed) => doomedResources.filter(other => other.resource.dependsOn.includes(item.logicalId));
    const failures = await runInDependencyOrder(doomedResources, dependents, async item => {
      try {
        await this.deleteOne(item);
      } catch (error) {
        if (failedStatus) throw error;
      }
      if (this.live.get(item.logicalId) === item.resource) this.live.delete(item.logicalId);
      this.persist();
    });
    if (failures.length > 0) this.setStatus(failedStatus!, `The following resource(s) failed to delete: [${failedIds(failures)}]. `);
    return failures;
  }

  private async deleteOne({ logicalId, resource, retain }: Doomed): Promise<void> {
    if (retain) return this.resourceEvent(logicalId, resource.type, 'DELETE_SKIPPED', { constructPath: resource.constructPath });
    await this.tracked(logicalId, resource.type, 'DELETE', resource.constructPath, async () => {
      // A custom resource CloudFormation never learned an id for has nothing to delete.
      if (isCustomResource(resource.type) && resource.physicalId !== undefined) await this.callCustom('Delete', logicalId, resource);
    });
  }

  /** Runs one resource operation between its *_IN_PROGRESS event and its *_COMPLETE or *_FAILED one. */
  private async tracked(
    logicalId: string, type: string, operation: 'CREATE' | 'UPDATE' | 'DELETE', constructPath: string | undefined, work: () => Promise<void>,
  ): Promise<void> {
    const started = Date.now();
    this.resourceEvent(logicalId, type, `${operation}_IN_PROGRESS`, { constructPath }, false);
    try {
      await work();
    } catch (error) {
      const reason = reasonOf(error);
      this.resourceEvent(logicalId, type, `${operation}_FAILED`, { reason, elapsedMs: Date.now() - started, constructPath });
      throw new ResourceFailed(logicalId, reason);
    }
    this.resourceEvent(logicalId, type, `${operation}_COMPLETE`, { elapsedMs: Date.now() - started, constructPath });
  }

  private resolveOutputs(): Record<string, DeployedOutput> {
    return Object.fromEntries(Object.entries(this.template.Outputs ?? {})
      .filter(([, output]) => output.Condition === undefined || this.condition(output.Condition))
      .map(([name, { Value, Export, Description }]) => [name, {
        value: resolve(Value, this.scope()), exportName: Export ? String(resolve(Export.Name, this.scope())) : undefined, description: Description,
      }]));
  }

  /** What Ref, Fn::GetAtt, conditions and imports see: the stack as deployed so far. */
  private scope(): ResolveScope {
    const deployed = (logicalId: string) => {
      const resource = this.live.get(logicalId);
      if (!resource?.physicalId) throw new Error(`Template error: instance of Fn::GetAtt or Ref references ${logicalId}, which is not deployed`);
      return { ...resource, physicalId: resource.physicalId };
    };
    return {
      region: this.env.region,
      mappings: this.template.Mappings,
      ref: name => pseudoParameter(name, this.env) ?? parameterValue(name, this.template.Parameters?.[name]) ?? deployed(name).physicalId,
      getAtt: (logicalId, attribute) => {
        const resource = deployed(logicalId);
        if (attribute in resource.attributes) return resource.attributes[attribute];
        if (isCustomResource(resource.type)) {
          throw new Error(`CustomResource attribute error: Vendor response doesn't contain ${attribute} key in object ${this.env.stackId}|${logicalId}`);
        }
        return fallbackAttribute({ physicalId: resource.physicalId, attributes: {} }, attribute);
      },
      condition: name => this.condition(name),
      importValue: name => {
        const value = this.context.exportedValue(name);
        if (value === undefined) throw new Error(`No export named ${name} found. Rollback requested by user.`);
        return value;
      },
    };
  }

  /** Conditions name only parameters, so a condition that cannot be decided refuses the template. */
  private condition(name: string): boolean {
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new AwsError('ValidationError', `Template format error: Unresolved condition dependency ${name}`);
    try {
      return evaluateCondition(expression, this.scope());
    } catch (error) {
      throw error instanceof AwsError ? error : new AwsError('ValidationError', (error as Error).message);
    }
  }

  private setStatus(status: string, reason?: string): void {
    this.status = status;
    this.context.providerEndpoint.stackStatusChanged(this.env.stackId, status);
    this.context.report({ ...this.eventBase(status), kind: 'stack', reason });
    this.persist();
  }

  private resourceEvent(
    logicalId: string, resourceType: string, status: string, extra: { reason?: string; elapsedMs?: number; constructPath?: string }, finishes = true,
  ): void {
    if (finishes) this.progress.done = Math.min(this.progress.done + 1, this.progress.total);
    this.context.report({ ...this.eventBase(status), kind: 'resource', logicalId, resourceType, ...extra });
  }

  /** From the manifest, else from the template's aws:cdk:path metadata (written when the CLI synthesized). */
  private constructPathOf(logicalId: string, definition: TemplateResource): string | undefined {
    const fromMetadata = definition.Metadata?.['aws:cdk:path'];
    return this.constructPaths[logicalId] ?? (typeof fromMetadata === 'string' ? fromMetadata.split('/').slice(1).join('/') : undefined);
  }

  /** What every event tells: where the stack stands now. */
  private eventBase(status: string) {
    return { stackName: this.stackName, status, time: new Date(), progress: { ...this.progress } };
  }

  private persist(): void {
    // Partition and URL suffix follow from the region.
    const { partition, urlSuffix, ...where } = this.env;
    this.context.persist({
      ...where,
      status: this.status as StackStatus,
      template: this.template,
      resources: Object.fromEntries(this.live),
      outputs: this.outputs,
      lastUpdatedTime: new Date().toISOString(),
    });
  }

  private result(success: boolean, failureReason?: string, status = this.status): StackResult {
    return { stackName: this.stackName, status: status as StackResult['status'], success, failureReason, stackId: this.env.stackId, outputs: this.outputs };
  }
}

/** A physical resource to delete; Retain only lets it go (DELETE_SKIPPED). */
function doomed(logicalId: string, resource: DeployedResource, policy?: string) {
  return { logicalId, resource, retain: policy === 'Retain' || policy === 'RetainExceptOnCreate' };
}

/** Ref of a template parameter (its default: CloudFormation has no other value here), or undefined for a name that is not one. */
function parameterValue(name: string, parameter?: { Type: string; Default?: unknown }): unknown {
  if (!parameter) return undefined;
  if (parameter.Type.startsWith('AWS::SSM::Parameter::Value')) {
    throw new Error(`parameter ${name} is read from SSM Parameter Store (${String(parameter.Default)}), which the local runner cannot do`);
  }
  return parameter.Type === 'CommaDelimitedList' || parameter.Type.startsWith('List<') ? String(parameter.Default).split(',') : String(parameter.Default);
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const firstReason = (errors: readonly unknown[]) => reasonOf(errors[0]);
const failedIds = (errors: readonly unknown[]) => errors.map(error => (error instanceof ResourceFailed ? error.logicalId : reasonOf(error))).join(', ');

/** CloudFormation's reason on the stack event that starts a rollback. */
function failureSummary(errors: readonly unknown[], creating: boolean): string {
  if (!errors.some(error => error instanceof ResourceFailed)) return firstReason(errors);
  return `The following resource(s) failed to ${creating ? 'create' : 'update'}: [${failedIds(errors.filter(error => error instanceof ResourceFailed))}]. `;
}
