/**
 * A CloudFormation deployment of the synthesized membership resources: a
 * Create for each new resource, an Update for each whose properties changed
 * (the others get no event at all), all at once because none depends on
 * another, then a Delete for each resource the template dropped (the cleanup
 * phase). Each resource's events run in Lambda environments of their own
 * (the host's), cold at the start of the deployment.
 */
import { randomUUID } from 'crypto';
import { isDeepStrictEqual } from 'util';
import type { LambdaHost, ResourceFunctions } from './lambda-host';
import { BENCH_STACK_NAME, type SynthesizedMembership, type SynthesizedResource } from './synthesized-stack';
import { physicalIdOf } from '../../lambda/group-membership';
import { parseGroupMembershipProperties } from '../../lambda/properties';
import type { OnEventRequest } from '../../lambda/provider-types';
import { provideInProcess } from '../../local/runner/in-process-provider';

export interface ResourceOutcome {
  readonly logicalId: string;
  readonly ok: boolean;
  /** The CloudFormation reason of a failure. */
  readonly reason?: string;
  readonly onEventMs: number;
  readonly totalMs: number;
  /** isComplete invocations. */
  readonly polls: number;
  /** What the resource answered, for a later Update or Delete. */
  readonly physicalResourceId?: string;
}

const STACK_ID = `arn:aws:cloudformation:us-east-1:111122223333:stack/${BENCH_STACK_NAME}/0f3e4c50-0000-4000-8000-000000000000`;

export interface DeploymentResult {
  readonly ok: boolean;
  /** From the first event sent to the last resource settled. */
  readonly wallMs: number;
  readonly resources: ResourceOutcome[];
  /** Handler invocations that ran past their function's timeout. */
  readonly lambdaTimeouts: number;
}

/** Deploys `next` over `previous` (nothing: a new stack). */
export async function deploy(
  next: SynthesizedMembership,
  previous: SynthesizedMembership | undefined,
  lambdas: LambdaHost,
): Promise<DeploymentResult> {
  const before = new Map((previous?.resources ?? []).map(r => [r.logicalId, r]));
  const after = new Set(next.resources.map(r => r.logicalId));
  const changes = next.resources.flatMap(resource => {
    const old = before.get(resource.logicalId);
    if (!old) return [event('Create', resource)];
    return isDeepStrictEqual(old.properties, resource.properties) ? [] : [event('Update', resource, old)];
  });
  const removals = [...before.values()].filter(r => !after.has(r.logicalId)).map(r => event('Delete', r));

  const run = (e: OnEventRequest) => runCustomResource(e, lambdas.functionsFor(e.LogicalResourceId), next);

  // What DescribeStacks answers while the events run: never a rollback here.
  const deletingStack = previous !== undefined && next.resources.length === 0;
  lambdas.stackStatusChanged(STACK_ID, !previous ? 'CREATE_IN_PROGRESS' : deletingStack ? 'DELETE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS');
  const startedAt = Date.now();
  const outcomes = await Promise.all(changes.map(run));
  if (previous && !deletingStack) lambdas.stackStatusChanged(STACK_ID, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  if (outcomes.every(o => o.ok)) outcomes.push(...await Promise.all(removals.map(run)));
  return {
    ok: outcomes.every(o => o.ok),
    wallMs: Date.now() - startedAt,
    resources: outcomes,
    lambdaTimeouts: lambdas.timeouts,
  };
}

/**
 * One resource through the Provider framework's order of calls, the handler called in
 * its Lambda environment; the Lambda and Step Functions overheads of a real
 * deployment are not modelled: they would only add time.
 */
async function runCustomResource(
  e: OnEventRequest, functions: ResourceFunctions, stack: SynthesizedMembership,
): Promise<ResourceOutcome> {
  const startedAt = Date.now();
  let onEventMs: number | undefined;
  try {
    const result = await provideInProcess(e, {
      onEvent: async request => {
        try {
          return await functions.onEvent(request);
        } finally {
          onEventMs = Date.now() - startedAt;
        }
      },
      isComplete: request => functions.isComplete(request),
    }, {
      intervalMs: stack.pollIntervalMs,
      // As the synthesized waiter: the first poll at once, then MaxAttempts (total / interval) retries.
      maxAttempts: Math.round(stack.totalTimeoutMs / stack.pollIntervalMs) + 1,
    });
    const totalMs = Date.now() - startedAt;
    return {
      logicalId: e.LogicalResourceId, ok: true, onEventMs: onEventMs!, totalMs, polls: result.polls, physicalResourceId: result.physicalResourceId,
    };
  } catch (error) {
    const totalMs = Date.now() - startedAt;
    return {
      logicalId: e.LogicalResourceId, ok: false, reason: String((error as Error).stack ?? error), onEventMs: onEventMs ?? totalMs, totalMs, polls: 0,
    };
  }
}

function event(requestType: 'Create' | 'Update' | 'Delete', resource: SynthesizedResource, old?: SynthesizedResource): OnEventRequest {
  const serviceToken = 'arn:aws:lambda:us-east-1:111122223333:function:BenchMembership-framework-onEvent';
  return {
    RequestType: requestType,
    ServiceToken: serviceToken,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/bench',
    StackId: STACK_ID,
    RequestId: randomUUID(),
    LogicalResourceId: resource.logicalId,
    ResourceType: resource.type,
    ResourceProperties: { ServiceToken: serviceToken, ...resource.properties },
    ...(old ? { OldResourceProperties: { ServiceToken: serviceToken, ...old.properties } } : {}),
    // What the handler answered when it created the resource.
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: physicalIdOf(parseGroupMembershipProperties((old ?? resource).properties)) }),
  } as OnEventRequest;
}
