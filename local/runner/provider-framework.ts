/**
 * The aws-cdk-lib Provider framework (custom-resources/lib/provider-framework/
 * runtime/framework.js and cfn-response.js), reproduced step by step so that the
 * user handlers see exactly the events the framework would send and CloudFormation
 * gets exactly the responses it would submit:
 *
 * - onEvent: the user's onEvent; the physical id defaults to the RequestId on Create
 *   and stays the old one otherwise (a Delete that changes it fails); without
 *   isComplete the response goes out at once, else the waiter starts with the event
 *   merged with onEvent's answer.
 * - the waiter (Step Functions): isComplete at once, then after each retry interval;
 *   IsComplete false is a Retry error, Data with it is a failure; Data of the final
 *   answer is merged over onEvent's; retries exhausted run onTimeout, which fails
 *   the resource with "Operation timed out".
 * - safeHandler: a Delete of a resource whose Create failed before it had an id
 *   (the CREATE_FAILED marker) succeeds without calling the user; any error becomes
 *   a FAILED response whose reason is the error's stack, and a Create that failed
 *   without an id gets the marker as its id.
 *
 * The frames of the framework's own code are left out of stacks (they would name
 * this file, not framework.js); frames the user function reported are kept.
 *
 * This is the one driving loop of a custom resource: the runner runs it with user
 * functions in local Lambda containers, the handler's unit tests and the benchmarks
 * with the handler called in-process (`invokeInProcess`).
 */
import type { FunctionConfiguration, InvocationAnswer } from './lambda/service';
import { AwsError, checkExecutionInput, checkStateData } from './limits';
import { retryDelayMs, type WaiterSettings } from './waiter';

export const CREATE_FAILED_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
export const MISSING_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID';

/** The request CloudFormation sends to a custom resource's ServiceToken. */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
}

/** What the provider PUTs to the ResponseURL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly PhysicalResourceId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, unknown>;
}

/** What the framework knows of a user function: its ARN (named in failure reasons). */
export interface UserFunction {
  readonly functionArn: string;
}

/** The user functions behind one provider, and its waiter. */
export interface ProviderFunctions<F extends UserFunction = FunctionConfiguration> {
  readonly onEvent: F;
  readonly isComplete?: F;
  readonly waiter?: WaiterSettings;
}

export interface WaiterPoll {
  /** 1 for the first isComplete call. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly elapsedMs: number;
  /** Whether this call answered IsComplete: true (undefined when it failed). */
  readonly complete?: boolean;
  /** What the user's isComplete logged during this call. */
  readonly logs: readonly string[];
}

export interface FrameworkHooks<F extends UserFunction = FunctionConfiguration> {
  /** A synchronous (RequestResponse) Lambda invocation. */
  invoke(fn: F, payload: string): Promise<InvocationAnswer>;
  sleep(ms: number): Promise<void>;
  onPoll?(poll: WaiterPoll): void;
}

/**
 * The response body (JSON text) the provider submits for `request`, or `noResponse`
 * with the reason when it never submits one (the waiter's execution failed).
 */
export type ProviderOutcome = { readonly responseBody: string } | { readonly noResponse: string };

type Event = Record<string, any>;

/** Thrown by framework isComplete to make Step Functions retry (cfn-response.js `Retry`). */
class Retry extends Error {}

export async function runProvider<F extends UserFunction>(
  request: CustomResourceRequest, functions: ProviderFunctions<F>, hooks: FrameworkHooks<F>,
): Promise<ProviderOutcome> {
  const framework = new Framework(functions, hooks);
  const started = await framework.onEvent({ ...request });
  return 'execution' in started ? framework.runWaiter(started.execution) : started;
}

class Framework<F extends UserFunction> {
  constructor(private readonly functions: ProviderFunctions<F>, private readonly hooks: FrameworkHooks<F>) {}

  /** framework.onEvent: answers at once, or starts the waiter with this event. */
  async onEvent(cfnRequest: Event): Promise<ProviderOutcome | { readonly execution: Event }> {
    let execution: Event | undefined;
    const answered = await this.safeHandler(cfnRequest, async () => {
      cfnRequest.ResourceProperties = cfnRequest.ResourceProperties || {};
      const sanitized = { ...cfnRequest, ResponseURL: '...' };
      const onEventResult = await this.invokeUserFunction(this.functions.onEvent, sanitized, cfnRequest.ResponseURL);
      const resourceEvent = createResponseEvent(cfnRequest, onEventResult);
      if (!this.functions.isComplete) return submitResponse('SUCCESS', resourceEvent, { noEcho: resourceEvent.NoEcho });
      checkExecutionInput(JSON.stringify(resourceEvent));
      execution = resourceEvent;
      return undefined;
    });
    return execution ? { execution } : answered!;
  }

  /** The Step Functions execution: isComplete with retries, then onTimeout. */
  async runWaiter(input: Event): Promise<ProviderOutcome> {
    const waiter = this.functions.waiter!;
    const started = Date.now();
    let lastRetry: Retry | undefined;
    for (let retry = 0; retry <= waiter.maxRetries; retry++) {
      if (retry > 0) await this.hooks.sleep(retryDelayMs(waiter, retry));
      try {
        return await this.isComplete(JSON.parse(JSON.stringify(input)), retry + 1, waiter.maxRetries + 1, started);
      } catch (error) {
        if (!(error instanceof Retry)) throw error;
        lastRetry = error;
      }
    }
    // Catch States.ALL: the task's error becomes the onTimeout state's input.
    const errorDocument = JSON.stringify({ errorType: 'Retry', errorMessage: lastRetry!.message, trace: [`Retry: ${lastRetry!.message}`] });
    const timeoutInput = JSON.stringify({ Error: 'Retry', Cause: errorDocument });
    try {
      checkStateData(waiter.timeoutState, timeoutInput);
    } catch (error) {
      // Not catchable: the execution fails and nobody answers CloudFormation.
      return { noResponse: `the waiter's execution failed with ${(error as AwsError).code}: ${(error as AwsError).message}` };
    }
    return this.onTimeout(JSON.parse(timeoutInput));
  }

  /** framework.isComplete, one attempt. Throws Retry while the user says IsComplete: false. */
  private async isComplete(event: Event, attempt: number, maxAttempts: number, started: number): Promise<ProviderOutcome> {
    const outcome = await this.safeHandler(event, async () => {
      const sanitized = { ...event, ResponseURL: '...' };
      const logs: string[] = [];
      let isCompleteResult: Event | undefined;
      try {
        isCompleteResult = await this.invokeUserFunction(this.functions.isComplete!, sanitized, event.ResponseURL, logs);
      } finally {
        const complete = isCompleteResult ? Boolean(isCompleteResult.IsComplete) : undefined;
        this.hooks.onPoll?.({ attempt, maxAttempts, elapsedMs: Date.now() - started, complete, logs });
      }
      // As in framework.js, a handler that answered null fails here with a TypeError.
      const result = isCompleteResult as Event;
      if (!result.IsComplete) {
        if (result.Data && Object.keys(result.Data).length > 0) {
          throw new Error('"Data" is not allowed if "IsComplete" is "False"');
        }
        throw new Retry(JSON.stringify(event));
      }
      const response = { ...event, ...result, Data: { ...event.Data, ...result.Data } };
      return submitResponse('SUCCESS', response, { noEcho: event.NoEcho });
    });
    return outcome!;
  }

  /** framework.onTimeout. */
  private onTimeout(timeoutEvent: { Cause: string }): ProviderOutcome {
    const isCompleteRequest = JSON.parse(JSON.parse(timeoutEvent.Cause).errorMessage);
    return submitResponse('FAILED', isCompleteRequest, { reason: 'Operation timed out' });
  }

  /** cfn-response.js safeHandler. */
  private async safeHandler(event: Event, block: () => Promise<ProviderOutcome | undefined>): Promise<ProviderOutcome | undefined> {
    if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID_MARKER) {
      return submitResponse('SUCCESS', event);
    }
    try {
      return await block();
    } catch (error) {
      if (error instanceof Retry) throw error;
      if (!event.PhysicalResourceId && event.RequestType === 'Create') event.PhysicalResourceId = CREATE_FAILED_PHYSICAL_ID_MARKER;
      return submitResponse('FAILED', event, { reason: stackOf(error) });
    }
  }

  /** framework.js invokeUserFunction: a function error becomes an Error naming the function's log group. */
  private async invokeUserFunction(fn: F, sanitizedPayload: Event, responseUrl: string, logs?: string[]): Promise<Event> {
    const answer = await this.hooks.invoke(fn, JSON.stringify({ ...sanitizedPayload, ResponseURL: responseUrl }));
    logs?.push(...answer.logs.map(record => record.message));
    const jsonPayload = parseJsonPayload(answer.payload);
    if (answer.functionError) {
      const errorMessage = jsonPayload.errorMessage || 'error';
      const functionName = fn.functionArn.split(':').pop();
      const message = [errorMessage, '', `Logs: /aws/lambda/${functionName}`, ''].join('\n');
      const error = new Error(message);
      error.stack = jsonPayload.trace ? [message, ...jsonPayload.trace.slice(1)].join('\n') : `Error: ${message}`;
      throw error;
    }
    return jsonPayload;
  }
}

/**
 * A user function called in this process, answered as Lambda's Invoke answers: its
 * result as the payload, or what it threw as the Node.js runtime's error document.
 */
export async function invokeInProcess(call: () => Promise<unknown>): Promise<InvocationAnswer> {
  try {
    return { payload: JSON.stringify(await call()) ?? 'null', logs: [] };
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    const trace = (stack ?? '').split('\n').filter(line => line.length > 0);
    return { payload: JSON.stringify({ errorType: name, errorMessage: message, trace }), functionError: 'Unhandled', logs: [] };
  }
}

/** A waiter that polls every `intervalMs`, `maxAttempts` times in all, before onTimeout. */
export function fixedIntervalWaiter(intervalMs: number, maxAttempts: number): WaiterSettings {
  return {
    isCompleteState: 'framework-isComplete-task', timeoutState: 'framework-onTimeout-task', intervalMs, maxRetries: maxAttempts - 1, backoffRate: 1,
  };
}

function createResponseEvent(cfnRequest: Event, onEventResult: Event | null): Event {
  const result = onEventResult || {};
  const physicalResourceId = result.PhysicalResourceId || defaultPhysicalResourceId(cfnRequest);
  if (cfnRequest.RequestType === 'Delete' && physicalResourceId !== cfnRequest.PhysicalResourceId) {
    throw new Error(`DELETE: cannot change the physical resource ID from "${cfnRequest.PhysicalResourceId}" to "${result.PhysicalResourceId}" during deletion`);
  }
  return { ...cfnRequest, ...result, PhysicalResourceId: physicalResourceId };
}

function defaultPhysicalResourceId(request: Event): string {
  switch (request.RequestType) {
    case 'Create': return request.RequestId;
    case 'Update':
    case 'Delete': return request.PhysicalResourceId;
    default: throw new Error(`Invalid "RequestType" in request "${JSON.stringify(request)}"`);
  }
}

function submitResponse(status: 'SUCCESS' | 'FAILED', event: Event, options: { reason?: string; noEcho?: boolean } = {}): ProviderOutcome {
  const response: CustomResourceResponse = {
    Status: status,
    Reason: options.reason || status,
    StackId: event.StackId,
    RequestId: event.RequestId,
    PhysicalResourceId: event.PhysicalResourceId || MISSING_PHYSICAL_ID_MARKER,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: options.noEcho,
    Data: event.Data,
  };
  return { responseBody: JSON.stringify(response) };
}

function parseJsonPayload(payload: string): Event {
  if (!payload) return {};
  try {
    return JSON.parse(payload);
  } catch {
    throw new Error(`return values from user-handlers must be JSON objects. got: "${payload}"`);
  }
}

/** The error's stack without frames of this file; `Name: message` for errors raised here. */
function stackOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof AwsError || !error.stack) return `${error.name}: ${error.message}`;
  return error.stack.split('\n').filter(line => !line.includes(__filename)).join('\n');
}
