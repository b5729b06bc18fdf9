/**
 * What aws-cdk-lib's Provider framework does with one CloudFormation event:
 * call the user's onEvent, merge its answer into the event, then call
 * isComplete at once and again after every poll interval until it answers
 * IsComplete: true, fails, or the waiter's total timeout passes
 * (custom-resources/lib/provider-framework/runtime/framework.js and its
 * waiter state machine). The Lambda and Step Functions overheads of a real
 * deployment are not modelled: they would only add time.
 */
import type { LambdaContainer } from './lambda-container';
import type { IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';

export interface ProviderFunctions {
  readonly onEvent: LambdaContainer;
  readonly isComplete: LambdaContainer;
  readonly pollIntervalMs: number;
  readonly totalTimeoutMs: number;
}

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

export async function runCustomResource(event: OnEventRequest, provider: ProviderFunctions): Promise<ResourceOutcome> {
  const startedAt = Date.now();
  const elapsed = () => Date.now() - startedAt;
  const failed = (reason: string, onEventMs: number, polls: number): ResourceOutcome =>
    ({ logicalId: event.LogicalResourceId, ok: false, reason, onEventMs, totalMs: elapsed(), polls });

  let answer: OnEventResponse;
  try {
    answer = await provider.onEvent.invoke<OnEventResponse>(event, 'onEvent');
  } catch (error) {
    return failed((error as Error).message, elapsed(), 0);
  }
  const onEventMs = elapsed();
  const physicalResourceId = answer.PhysicalResourceId ?? (event.RequestType === 'Create' ? event.RequestId : event.PhysicalResourceId!);
  const merged = { ...event, ...answer, PhysicalResourceId: physicalResourceId } as OnEventRequest;

  for (let polls = 1; ; polls++) {
    let complete: IsCompleteResponse;
    try {
      complete = await provider.isComplete.invoke<IsCompleteResponse>(merged, 'isComplete');
    } catch (error) {
      return failed((error as Error).message, onEventMs, polls);
    }
    if (complete.IsComplete) {
      return { logicalId: event.LogicalResourceId, ok: true, onEventMs, totalMs: elapsed(), polls, physicalResourceId };
    }
    if (elapsed() + provider.pollIntervalMs > provider.totalTimeoutMs) return failed('Operation timed out', onEventMs, polls);
    await new Promise(resolve => setTimeout(resolve, provider.pollIntervalMs));
  }
}
