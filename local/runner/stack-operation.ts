/**
 * One stack operation carried out the way CloudFormation carries it out:
 *
 * - deploy: resources in dependency order, independent ones at once; a resource is
 *   created when new, updated only when its resolved properties changed (a custom
 *   resource gets OldResourceProperties), replaced when an update answers a new
 *   physical id. Then, in the cleanup phase, replaced physical resources are deleted
 *   with their old properties and resources gone from the template are deleted, in
 *   reverse dependency order; DeletionPolicy / UpdateReplacePolicy Retain keep them.
 * - a failure stops new work and rolls back: resources updated so far (the failed
 *   one included) are updated back to their old properties, resources created are
 *   deleted (a failed create with the id its provider answered, so the Provider
 *   framework's CREATE_FAILED marker makes it skip the handler), replaced ones get
 *   their old physical resource back and the new one deleted.
 * - destroy: every resource in reverse dependency order.
 *
 * The stack's state is handed to `persist` after every change, so an interrupted
 * run leaves a state file that says what exists.
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
  sleep(ms: number): Promise<void>;
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

const BUSY_STATUSES = new Set<string>([
  'CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS',
  'ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED',
]);

/** A resource operation failed; its *_FAILED event was reported. */
class ResourceFailed extends Error {
  constructor(public readonly logicalId: string, reason: string) {
    super(reason);
  }
}

interface Change {
  readonly kind: 'created' | 'updated' | 'replaced';
  readonly logicalId: string;
  /** For updated and replaced: the resource before. */
  readonly before?: DeployedResource;
  /** For a failed update: the properties it was sent, which the update back sends as old ones. */
  readonly attempted?: Record<string, unknown>;
}

/** A physical resource to delete: a resource of the stack, or one it replaced. */
interface Doomed {
  readonly key: string;
  readonly logicalId: string;
  readonly resource: DeployedResource;
  /** Retain: left in place, reported as DELETE_SKIPPED. */
  readonly retain: boolean;
}

export async function deployStack(stack: AssemblyStack, previous: DeployedStack | undefined, context: OperationContext): Promise<StackResult> {
  // CloudFormation refuses a template without resources; the CDK CLI skips the stack (and deletes it if it exists).
  if (Object.keys(stack.template.Resources ?? {}).length === 0) {
    if (!previous) return { stackName: stack.stackName, status: 'NO_RESOURCES', success: true, outputs: {} };
    const deleted = await destroyStack(previous, context);
    return deleted.success ? { ...deleted, status: 'NO_RESOURCES' } : deleted;
  }
  return new StackOperation(stack.stackName, context).deploy(stack, previous);
}

export async function destroyStack(previous: DeployedStack, context: OperationContext): Promise<StackResult> {
  return new StackOperation(previous.stackName, context).destroy(previous);
}

class StackOperation {
  private env!: StackEnvironment;
  private template: Template = {};
  private previous?: DeployedStack;
  private readonly live = new Map<string, DeployedResource>();
  private readonly changes: Change[] = [];
  private readonly superseded: Doomed[] = [];
  private readonly progress = { done: 0, total: 0 };
  private status: StackStatus = 'CREATE_IN_PROGRESS';
  private outputs: Record<string, DeployedOutput> = {};
  private readonly conditionValues = new Map<string, boolean>();
  private constructPaths: Readonly<Record<string, string>> = {};

  constructor(private readonly stackName: string, private readonly context: OperationContext) {}

  async deploy(stack: AssemblyStack, previous: DeployedStack | undefined): Promise<StackResult> {
    if (previous && BUSY_STATUSES.has(previous.status)) {
      throw new AwsError('ValidationError', `Stack:${previous.stackId} is in ${previous.status} state and can not be updated.`);
    }
    // A stack whose creation rolled back holds nothing; CloudFormation must create it anew.
    const existing = previous?.status === 'ROLLBACK_COMPLETE' ? undefined : previous;
    this.previous = existing;
    this.template = stack.template;
    this.constructPaths = stack.constructPaths;
    this.env = stackEnvironment(stack.stackName,
      existing?.account ?? stack.account ?? DEFAULT_ACCOUNT,
      existing?.region ?? stack.region ?? DEFAULT_REGION,
      existing?.stackId);
    for (const [id, resource] of Object.entries(existing?.resources ?? {})) this.live.set(id, resource);
    if (existing && JSON.stringify(existing.template) === JSON.stringify(stack.template)) {
      this.outputs = existing.outputs;
      return this.result('NO_CHANGES', true);
    }

    const resources = this.validate(stack);
    const graph = dependencyGraph(this.template, resources);
    const order = dependencyOrder(graph);
    const removed = [...this.live.keys()].filter(id => !resources[id]);
    this.progress.total = order.length + removed.length;

    const creating = !existing;
    this.setStatus(creating ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS', 'User Initiated');
    let failures = await runInDependencyOrder(order, id => graph.get(id)!, id => this.forward(id, resources[id], graph.get(id)!));
    if (failures.length === 0) {
      try {
        this.outputs = this.resolveOutputs();
      } catch (error) {
        failures = [error];
      }
    }
    if (failures.length > 0) {
      const reason = failureSummary(failures, creating);
      if (creating) return this.rollbackCreate(reason, failures);
      return this.rollbackUpdate(reason, failures, order);
    }
    if (!creating) {
      this.setStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      await this.deleteAll([
        ...removed.map(id => this.doomed(id, this.live.get(id)!, this.live.get(id)!.deletionPolicy)),
        ...this.superseded,
      ], 'cleanup');
    }
    this.setStatus(creating ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE');
    return this.result(this.status, true);
  }

  async destroy(previous: DeployedStack): Promise<StackResult> {
    this.previous = previous;
    this.template = previous.template;
    this.outputs = previous.outputs;
    this.env = stackEnvironment(previous.stackName, previous.account, previous.region, previous.stackId);
    for (const [id, resource] of Object.entries(previous.resources)) this.live.set(id, resource);
    this.progress.total = this.live.size;
    this.setStatus('DELETE_IN_PROGRESS', 'User Initiated');
    const failures = await this.deleteEverything('destroy');
    if (failures.length > 0) return this.result('DELETE_FAILED', false, firstReason(failures));
    this.context.report({ ...this.eventBase('DELETE_COMPLETE'), kind: 'stack' });
    this.context.persist(undefined);
    return this.result('DELETE_COMPLETE', true);
  }

  /**
   * Deletes every resource of the stack: a destroy keeps what DeletionPolicy Retain
   * keeps, a rollback deletes what it created whatever the policy. A failure leaves
   * the stack in DELETE_FAILED or ROLLBACK_FAILED.
   */
  private async deleteEverything(phase: 'destroy' | 'rollback'): Promise<unknown[]> {
    const failures = await this.deleteAll([...this.live].map(([id, resource]) =>
      this.doomed(id, resource, phase === 'destroy' ? resource.deletionPolicy : 'Delete')), phase);
    if (failures.length > 0) {
      this.setStatus(phase === 'destroy' ? 'DELETE_FAILED' : 'ROLLBACK_FAILED',
        `The following resource(s) failed to delete: [${failedIds(failures).join(', ')}]. `);
    }
    return failures;
  }

  /** What CloudFormation checks before it starts: size, resource count, parameters, type changes. */
  private validate(stack: AssemblyStack): Record<string, TemplateResource> {
    checkTemplate(stack.templateBody, Object.keys(this.template.Resources ?? {}).length);
    const missing = Object.entries(this.template.Parameters ?? {}).filter(([, p]) => p.Default === undefined).map(([name]) => name);
    if (missing.length > 0) throw new AwsError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
    const resources = Object.fromEntries(Object.entries(this.template.Resources ?? {})
      .filter(([, resource]) => resource.Condition === undefined || this.condition(resource.Condition)));
    const retyped = Object.entries(resources).filter(([id, resource]) => this.live.has(id) && this.live.get(id)!.type !== resource.Type);
    if (retyped.length > 0) {
      throw new AwsError('ValidationError', 'Update of resource type is not permitted. The new template modifies resource type of the following resources: ' +
        `[${retyped.map(([id]) => id).join(', ')}]`);
    }
    return resources;
  }

  /** Brings one resource to its definition: create, update, or nothing when its properties are unchanged. */
  private async forward(logicalId: string, definition: TemplateResource, dependencies: ReadonlySet<string>): Promise<void> {
    const existing = this.live.get(logicalId);
    const operation = existing ? 'UPDATE' : 'CREATE';
    const constructPath = this.constructPathOf(logicalId, definition);
    let properties: Record<string, unknown>;
    try {
      properties = resolve(definition.Properties ?? {}, this.scope()) as Record<string, unknown>;
    } catch (error) {
      this.resourceEvent(logicalId, definition.Type, `${operation}_FAILED`, { reason: (error as Error).message, constructPath });
      throw new ResourceFailed(logicalId, (error as Error).message);
    }
    const record = (resource: Pick<DeployedResource, 'physicalId' | 'attributes' | 'codeDirectory'>): DeployedResource => ({
      type: definition.Type,
      properties,
      dependsOn: [...dependencies],
      deletionPolicy: definition.DeletionPolicy,
      updateReplacePolicy: definition.UpdateReplacePolicy,
      constructPath,
      ...resource,
    });

    if (existing && JSON.stringify(existing.properties) === JSON.stringify(properties)) {
      // Nothing to do; policies and metadata change without an event, but are kept.
      const { physicalId, attributes, codeDirectory } = existing;
      this.live.set(logicalId, record({ physicalId, attributes, codeDirectory }));
      this.persist();
      this.progress.done++;
      return;
    }
    await this.tracked(logicalId, definition.Type, operation, constructPath, async () => {
      try {
        const updated = record(await this.createOrUpdate(logicalId, definition.Type, properties, constructPath, existing));
        this.live.set(logicalId, updated);
        if (!existing) {
          this.changes.push({ kind: 'created', logicalId });
        } else if (updated.physicalId !== existing.physicalId) {
          this.changes.push({ kind: 'replaced', logicalId, before: existing });
          this.superseded.push(this.doomed(`${logicalId} (replaced)`, existing, definition.UpdateReplacePolicy, logicalId));
          this.progress.total++;
          this.resourceEvent(logicalId, definition.Type, 'UPDATE_IN_PROGRESS',
            { reason: 'Requested update required the provider to create a new physical resource', constructPath }, false);
        } else {
          this.changes.push({ kind: 'updated', logicalId, before: existing });
        }
      } catch (error) {
        if (!existing) {
          // CloudFormation keeps the id a failed create answered, for the delete of the rollback.
          const physicalId = error instanceof CustomResourceFailure ? error.physicalId : undefined;
          this.live.set(logicalId, record({ physicalId, attributes: {} }));
          this.changes.push({ kind: 'created', logicalId });
        } else {
          this.changes.push({ kind: 'updated', logicalId, before: existing, attempted: properties });
        }
        throw error;
      }
      this.persist();
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
      const reason = error instanceof Error ? error.message : String(error);
      this.resourceEvent(logicalId, type, `${operation}_FAILED`, { reason, elapsedMs: Date.now() - started, constructPath });
      throw new ResourceFailed(logicalId, reason);
    }
    this.resourceEvent(logicalId, type, `${operation}_COMPLETE`, { elapsedMs: Date.now() - started, constructPath });
  }

  /** A custom resource through its provider; an AWS resource as its stand-in. */
  private async createOrUpdate(
    logicalId: string, type: string, properties: Record<string, unknown>, constructPath: string | undefined, existing?: DeployedResource,
  ): Promise<Pick<DeployedResource, 'physicalId' | 'attributes' | 'codeDirectory'>> {
    if (!isCustomResource(type)) return this.provision(logicalId, type, properties, existing);
    if (existing && existing.properties.ServiceToken !== properties.ServiceToken) throw new Error('Modifying service token is not allowed.');
    const resource = { type, properties, physicalId: existing?.physicalId, constructPath };
    const result = await this.callCustom(existing ? 'Update' : 'Create', logicalId, resource, existing?.properties);
    return { physicalId: result.physicalId, attributes: result.data };
  }

  /** An AWS resource: its stand-in, and for a Lambda function or layer where its code asset is. */
  private provision(logicalId: string, type: string, properties: Record<string, unknown>, existing?: DeployedResource) {
    const provisioned = provisionAwsResource(logicalId, type, properties, this.env);
    const code = type === 'AWS::Lambda::Function' ? properties.Code : type === 'AWS::Lambda::LayerVersion' ? properties.Content : undefined;
    if (!code) return provisioned;
    const objectKey = (code as { S3Key?: string }).S3Key;
    const codeDirectory = (objectKey && this.context.assembly?.assetDirectory(objectKey)) || existing?.codeDirectory;
    return { ...provisioned, codeDirectory };
  }

  /** One request through the resource's provider; each poll of its waiter is reported. */
  private callCustom(
    requestType: CustomResourceCall['requestType'], logicalId: string,
    resource: Pick<DeployedResource, 'type' | 'properties' | 'physicalId' | 'constructPath'>, oldProperties?: Record<string, unknown>,
  ) {
    const { type, properties, physicalId, constructPath } = resource;
    const provider = { serviceToken: String(properties.ServiceToken), resources: this.live, pollIntervalMs: this.context.pollIntervalMs };
    const status = `${requestType.toUpperCase()}_IN_PROGRESS`;
    const call = { requestType, logicalId, resourceType: type, properties, oldProperties, physicalId };
    return callCustomResource(call, this.env, provider, this.context.providerEndpoint, {
      sleep: ms => this.context.sleep(ms),
      onPoll: poll => this.context.report({ ...this.eventBase(status), kind: 'waiting', logicalId, constructPath, resourceType: type, ...poll }),
    });
  }

  /** Rollback of a stack that was being created: everything it created is deleted. */
  private async rollbackCreate(reason: string, failures: readonly unknown[]): Promise<StackResult> {
    this.setStatus('ROLLBACK_IN_PROGRESS', `${reason}Rollback requested by user.`);
    this.progress.total += this.live.size;
    if ((await this.deleteEverything('rollback')).length > 0) return this.result('ROLLBACK_FAILED', false, firstReason(failures));
    this.setStatus('ROLLBACK_COMPLETE');
    return this.result('ROLLBACK_COMPLETE', false, firstReason(failures));
  }

  /**
   * UPDATE_ROLLBACK: resources updated so far are updated back in the old template's
   * order; then what was created, and the new physical resources of replacements,
   * are deleted in reverse order.
   */
  private async rollbackUpdate(reason: string, failures: readonly unknown[], order: readonly string[]): Promise<StackResult> {
    this.setStatus('UPDATE_ROLLBACK_IN_PROGRESS', reason);
    const previous = this.previous!;
    const toDelete: Doomed[] = [];
    for (const change of this.changes.filter(c => c.kind === 'replaced')) {
      toDelete.push(this.doomed(`${change.logicalId} (replacement)`, this.live.get(change.logicalId)!, 'Delete', change.logicalId));
      this.live.set(change.logicalId, change.before!);
    }
    this.superseded.length = 0;
    const updatedBack = new Map(this.changes.filter(c => c.kind === 'updated').map(change => [change.logicalId, change]));
    this.progress.total += updatedBack.size;
    const oldOrder = Object.keys(previous.resources).filter(id => updatedBack.has(id));
    const errors = await runInDependencyOrder(oldOrder, id => previous.resources[id].dependsOn, id => this.updateBack(updatedBack.get(id)!));
    if (errors.length > 0) {
      this.setStatus('UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${failedIds(errors).join(', ')}]. `);
      return this.result('UPDATE_ROLLBACK_FAILED', false, firstReason(failures));
    }

    this.setStatus('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    const created = this.changes.filter(c => c.kind === 'created').map(c => c.logicalId);
    toDelete.push(...order.filter(id => created.includes(id)).map(id => this.doomed(id, this.live.get(id)!, 'Delete')));
    this.progress.total += toDelete.length;
    await this.deleteAll(toDelete, 'cleanup');
    this.template = previous.template;
    this.outputs = previous.outputs;
    this.setStatus('UPDATE_ROLLBACK_COMPLETE');
    return this.result('UPDATE_ROLLBACK_COMPLETE', false, firstReason(failures));
  }

  private async updateBack(change: Change): Promise<void> {
    const current = this.live.get(change.logicalId)!;
    const before = change.before!;
    await this.tracked(change.logicalId, before.type, 'UPDATE', before.constructPath, async () => {
      if (isCustomResource(before.type)) {
        const result = await this.callCustom('Update', change.logicalId, { ...before, physicalId: current.physicalId }, change.attempted ?? current.properties);
        this.live.set(change.logicalId, { ...before, physicalId: result.physicalId, attributes: result.data });
      } else {
        this.live.set(change.logicalId, before);
      }
      this.persist();
    });
  }

  /**
   * Deletes in reverse dependency order. Retained resources are only let go. In
   * `cleanup`, a failed delete is reported and the resource forgotten, as
   * CloudFormation does; otherwise it stays in the stack. Returns the failures.
   */
  private async deleteAll(doomed: readonly Doomed[], phase: 'cleanup' | 'rollback' | 'destroy'): Promise<unknown[]> {
    const byKey = new Map(doomed.map(item => [item.key, item]));
    const dependentsOf = (item: Doomed) => doomed
      .filter(other => other !== item && other.resource.dependsOn.includes(item.logicalId))
      .map(other => other.key);
    return runInDependencyOrder(doomed.map(item => item.key), key => dependentsOf(byKey.get(key)!), async key => {
      const item = byKey.get(key)!;
      try {
        await this.deleteOne(item);
      } catch (error) {
        if (phase !== 'cleanup') throw error;
      }
      if (this.live.get(item.logicalId) === item.resource) this.live.delete(item.logicalId);
      this.persist();
    });
  }

  private async deleteOne(item: Doomed): Promise<void> {
    const { logicalId, resource } = item;
    if (item.retain) {
      this.resourceEvent(logicalId, resource.type, 'DELETE_SKIPPED', { constructPath: resource.constructPath });
      return;
    }
    await this.tracked(logicalId, resource.type, 'DELETE', resource.constructPath, async () => {
      // A custom resource CloudFormation never learned an id for has nothing to delete.
      if (isCustomResource(resource.type) && resource.physicalId !== undefined) await this.callCustom('Delete', logicalId, resource);
    });
  }

  private doomed(key: string, resource: DeployedResource, policy: string | undefined, logicalId = key): Doomed {
    return { key, logicalId, resource, retain: policy === 'Retain' || policy === 'RetainExceptOnCreate' };
  }

  private resolveOutputs(): Record<string, DeployedOutput> {
    const outputs: Record<string, DeployedOutput> = {};
    for (const [name, output] of Object.entries(this.template.Outputs ?? {})) {
      if (output.Condition !== undefined && !this.condition(output.Condition)) continue;
      outputs[name] = {
        value: resolve(output.Value, this.scope()),
        exportName: output.Export ? String(resolve(output.Export.Name, this.scope())) : undefined,
        description: output.Description,
      };
    }
    return outputs;
  }

  /** What Ref, Fn::GetAtt, conditions and imports see: the stack as deployed so far. */
  private scope(): ResolveScope {
    return {
      region: this.env.region,
      mappings: this.template.Mappings,
      ref: name => {
        const pseudo = pseudoParameter(name, this.env);
        if (pseudo !== undefined) return pseudo;
        const parameter = this.template.Parameters?.[name];
        if (parameter) return parameterValue(name, parameter.Type, parameter.Default);
        const resource = this.live.get(name);
        if (!resource?.physicalId) throw new Error(`Template error: instance of Fn::GetAtt or Ref references ${name}, which is not deployed`);
        return resource.physicalId;
      },
      getAtt: (logicalId, attribute) => {
        const resource = this.live.get(logicalId);
        if (!resource?.physicalId) throw new Error(`Template error: instance of Fn::GetAtt references ${logicalId}, which is not deployed`);
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

  private condition(name: string): boolean {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new AwsError('ValidationError', `Template format error: Unresolved condition dependency ${name}`);
    let value: boolean;
    try {
      value = evaluateCondition(expression, this.scope());
    } catch (error) {
      throw error instanceof AwsError ? error : new AwsError('ValidationError', (error as Error).message);
    }
    this.conditionValues.set(name, value);
    return value;
  }

  private setStatus(status: string, reason?: string): void {
    this.status = status as StackStatus;
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
    const fromManifest = this.constructPaths[logicalId];
    if (fromManifest) return fromManifest;
    const path = definition.Metadata?.['aws:cdk:path'];
    return typeof path === 'string' ? path.split('/').slice(1).join('/') : undefined;
  }

  /** What every event tells: where the stack stands now. */
  private eventBase(status: string) {
    return { stackName: this.stackName, status, time: new Date(), progress: { ...this.progress } };
  }

  private persist(): void {
    this.context.persist({
      stackName: this.stackName,
      stackId: this.env.stackId,
      account: this.env.account,
      region: this.env.region,
      status: this.status,
      template: this.template,
      resources: Object.fromEntries(this.live),
      outputs: this.outputs,
      lastUpdatedTime: new Date().toISOString(),
    });
  }

  private result(status: StackResult['status'], success: boolean, failureReason?: string): StackResult {
    return { stackName: this.stackName, status, success, failureReason, stackId: this.env.stackId, outputs: this.outputs };
  }
}

function parameterValue(name: string, type: string, value: unknown): unknown {
  if (type.startsWith('AWS::SSM::Parameter::Value')) {
    throw new Error(`parameter ${name} is read from SSM Parameter Store (${String(value)}), which the local runner cannot do`);
  }
  return type === 'CommaDelimitedList' || type.startsWith('List<') ? String(value).split(',') : String(value);
}

function failedIds(errors: readonly unknown[]): string[] {
  return errors.map(error => (error instanceof ResourceFailed ? error.logicalId : String((error as Error)?.message ?? error)));
}

function firstReason(errors: readonly unknown[]): string {
  const first = errors[0];
  return first instanceof Error ? first.message : String(first);
}

/** CloudFormation's reason on the stack event that starts a rollback. */
function failureSummary(errors: readonly unknown[], creating: boolean): string {
  const ids = errors.filter(error => error instanceof ResourceFailed).map(error => (error as ResourceFailed).logicalId);
  if (ids.length === 0) return firstReason(errors);
  return `The following resource(s) failed to ${creating ? 'create' : 'update'}: [${ids.join(', ')}]. `;
}
