/**
 * Entry points of the custom-resource handler, bundled into assets/lambda/index.
 * The Provider framework calls `onEvent` once per CloudFormation event and then
 * `isComplete` until it answers IsComplete: true.
 */
import type { OnEventRequest, IsCompleteRequest, OnEventResponse, IsCompleteResponse } from './provider-types';
import { lifecycleFor } from './resource-types';

export async function onEvent(event: OnEventRequest): Promise<OnEventResponse> {
  return lifecycleFor(event.ResourceType).onEvent(event);
}

export async function isComplete(event: IsCompleteRequest): Promise<IsCompleteResponse> {
  return lifecycleFor(event.ResourceType).isComplete(event);
}
