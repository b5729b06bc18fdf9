/**
 * The handler's own lifecycles (lambda/), wired to the AWS SDK v2 client instead
 * of lambda/finspace: what a user would ship if they built the handler on the
 * one packaged FinSpace Data client. Bundled like assets/lambda/index and given
 * the same Lambda entry points, so the two can be loaded and invoked side by side.
 */
import type { Context } from 'aws-lambda';
import { AwsSdkV2FinSpaceClient } from './finspace-client';
import { handle } from '../../lambda';
import type { FinSpaceDataClient } from '../../lambda/finspace';
import { settingsFromEnvironment, type HandlerContext } from '../../lambda/handler-context';
import type { IsCompleteRequest, IsCompleteResponse, OnEventRequest, OnEventResponse } from '../../lambda/provider-types';
import { describeStackStatus } from '../../lambda/stack-status';

const clients = new Map<string, AwsSdkV2FinSpaceClient>();

function clientFor(environmentId: string): FinSpaceDataClient {
  let client = clients.get(environmentId);
  if (!client) {
    client = new AwsSdkV2FinSpaceClient(environmentId);
    clients.set(environmentId, client);
  }
  // It has the calls the lifecycles make, not the whole client's surface.
  return client as unknown as FinSpaceDataClient;
}

function lambdaContext(lambda?: Context): HandlerContext {
  return {
    settings: settingsFromEnvironment(),
    clientFor,
    now: Date.now,
    remainingTimeMs: () => lambda?.getRemainingTimeInMillis() ?? Number.MAX_SAFE_INTEGER,
    log: (message, fields) => console.log(JSON.stringify({ message, ...fields })),
    stackStatus: stackId => describeStackStatus(stackId),
  };
}

export function onEvent(event: OnEventRequest, lambda?: Context): Promise<OnEventResponse> {
  return handle(event, lambdaContext(lambda), 'onEvent');
}

export function isComplete(event: IsCompleteRequest, lambda?: Context): Promise<IsCompleteResponse> {
  return handle(event, lambdaContext(lambda), 'isComplete');
}
