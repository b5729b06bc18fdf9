/**
 * Entry points of the custom-resource handler, bundled into assets/lambda/index.
 * The Provider framework calls `onEvent` once per CloudFormation event and then
 * `isComplete` until it answers IsComplete: true.
 */
import type { Context } from 'aws-lambda';
import { toDeploymentFailure } from './failure';
import { invocationContext, lambdaClientFor, settingsFromEnvironment, type HandlerContext } from './handler-context';
import { lifecycleFor, nounFor } from './lifecycles';
import { parameterStore } from './parameter-store';
import type { IsCompleteRequest, IsCompleteResponse, OnEventRequest, OnEventResponse } from './provider-types';
import { describeStackStatus } from './stack-status';
import type { Phase } from './time-budget';
import { withUserIdsInline } from './user-ids-object';

/** The handler as a plain function of the event and its world (tests call this). */
export async function handle<R>(
  event: OnEventRequest,
  context: HandlerContext,
  phase: Phase,
): Promise<R> {
  try {
    const lifecycle = lifecycleFor(event.ResourceType, invocationContext(context, phase));
    const resolved = await withUserIdsInline(event, context.readObject);
    const result = phase === 'onEvent' ? lifecycle.onEvent(resolved) : lifecycle.isComplete(resolved as IsCompleteRequest);
    return await (result as Promise<R>);
  } catch (error) {
    const props = (event.ResourceProperties ?? {}) as Record<string, unknown>;
    context.log(`${phase} failed`, { logicalResourceId: event.LogicalResourceId, error: (error as Error)?.name });
    throw toDeploymentFailure(error, {
      resource: `${nounFor(event.ResourceType)} ${event.LogicalResourceId}`,
      environmentId: typeof props.EnvironmentId === 'string' ? props.EnvironmentId : undefined,
      handlerRoleArn: context.settings.handlerRoleArn,
    });
  }
}

/** The handler's world in Lambda (the drift audit's entry point shares it). */
export function lambdaContext(lambda?: Context): HandlerContext {
  return {
    settings: settingsFromEnvironment(),
    // Outside Lambda (no remaining time to go by) a call fails once its attempts are used.
    clientFor: (environmentId, deadlines) => lambdaClientFor(environmentId, lambda ? deadlines : undefined),
    now: Date.now,
    remainingTimeMs: () => lambda?.getRemainingTimeInMillis() ?? Number.MAX_SAFE_INTEGER,
    log: (message, fields) => console.log(JSON.stringify({ message, ...fields })),
    stackStatus: stackId => describeStackStatus(stackId),
    parameterStore: process.env.AWS_REGION ? parameterStore({ region: process.env.AWS_REGION }) : undefined,
  };
}

export function onEvent(event: OnEventRequest, lambda?: Context): Promise<OnEventResponse> {
  return handle(event, lambdaContext(lambda), 'onEvent');
}

export function isComplete(event: IsCompleteRequest, lambda?: Context): Promise<IsCompleteResponse> {
  return handle(event, lambdaContext(lambda), 'isComplete');
}

