/**
 * From a custom resource's ServiceToken to the code that serves it: the Provider
 * framework's onEvent function (the ServiceToken), the user functions its
 * environment names (USER_ON_EVENT_FUNCTION_ARN, USER_IS_COMPLETE_FUNCTION_ARN) and
 * the waiter state machine (WAITER_STATE_MACHINE_ARN), all as deployed in the stack;
 * or any other function of the stack, which answers CloudFormation itself.
 *
 * The waiter is the Step Functions state machine that calls the framework's
 * isComplete task until it stops failing with Retry, and runs the onTimeout task when
 * the retries are exhausted. Its timing is read from the synthesized definition, as
 * Step Functions reads it.
 */
import * as fs from 'fs';
import type { FunctionConfiguration } from './lambda/service';
import type { DeployedProvider } from './provider-endpoint';
import type { DeployedResource } from './state-file';

const LAMBDA_FUNCTION = 'AWS::Lambda::Function';

export function providerFor(serviceToken: string, resources: ReadonlyMap<string, DeployedResource>, pollIntervalMs?: number): DeployedProvider {
  const [frameworkId, framework] = functionByArn(serviceToken, resources) ?? [];
  if (!framework || !frameworkId) {
    throw new Error(`ServiceToken ${serviceToken} is not the ARN of a Lambda function of this stack; the local runner plays only providers deployed with the stack`);
  }
  // A Lambda-backed custom resource: CloudFormation invokes the function, which PUTs its response.
  if (framework.properties.Handler !== 'framework.onEvent') return { framework: functionConfiguration(frameworkId, framework, resources) };
  const variables = environmentOf(framework);
  const provider = {
    framework: functionConfiguration(frameworkId, framework, resources),
    userOnEvent: userFunction(variables.USER_ON_EVENT_FUNCTION_ARN, 'USER_ON_EVENT_FUNCTION_ARN', frameworkId, resources),
  };
  if (!variables.USER_IS_COMPLETE_FUNCTION_ARN) return provider;

  const userIsComplete = userFunction(variables.USER_IS_COMPLETE_FUNCTION_ARN, 'USER_IS_COMPLETE_FUNCTION_ARN', frameworkId, resources);
  const stateMachineArn = variables.WAITER_STATE_MACHINE_ARN;
  const stateMachine = [...resources.values()].find(r => r.type === 'AWS::StepFunctions::StateMachine' && r.physicalId === stateMachineArn);
  if (!stateMachine) {
    throw new Error(`the waiter state machine ${stateMachineArn} of provider function ${frameworkId} is not in the stack`);
  }
  const definition = String(stateMachine.properties.DefinitionString ?? JSON.stringify(stateMachine.properties.Definition));
  const settings = withInterval(waiterSettings(definition), pollIntervalMs);
  const states = (JSON.parse(definition) as { States: Record<string, { Resource?: string }> }).States;
  const task = (state: string) => userFunction(states[state].Resource, `the Resource of state ${state}`, String(stateMachineArn), resources);
  return {
    ...provider,
    waiter: { stateMachineArn, settings, isComplete: task(settings.isCompleteState), onTimeout: task(settings.timeoutState), userIsComplete },
  };
}

/** How Lambda would run the function recorded as `resource`. */
export function functionConfiguration(
  logicalId: string, resource: DeployedResource, resources?: ReadonlyMap<string, DeployedResource>,
): FunctionConfiguration {
  const props = resource.properties as Record<string, any>;
  const runtime = String(props.Runtime ?? '');
  if (!runtime.startsWith('nodejs')) {
    throw new Error(`Lambda function ${logicalId} has runtime '${runtime}'; the local runner runs Node.js functions only`);
  }
  if (!resource.codeDirectory) {
    throw new Error(`the code of Lambda function ${logicalId} is not a file asset of the cloud assembly (inline code and container images are not supported)`);
  }
  if (!fs.existsSync(resource.codeDirectory)) {
    throw new Error(`the code of Lambda function ${logicalId} is no longer at ${resource.codeDirectory}: deploy from an assembly that holds it`);
  }
  const functionName = resource.physicalId!;
  return {
    functionName,
    functionArn: String(resource.attributes.Arn),
    handler: String(props.Handler),
    runtime,
    codeDirectory: resource.codeDirectory,
    optDirectory: resources ? optDirectoryOf(logicalId, props.Layers, resources) : undefined,
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySize: Number(props.MemorySize ?? 128),
    logGroupName: String(props.LoggingConfig?.LogGroup ?? `/aws/lambda/${functionName}`),
    variables: environmentOf(resource),
  };
}

function userFunction(
  arn: string | undefined, variable: string, frameworkId: string, resources: ReadonlyMap<string, DeployedResource>,
): FunctionConfiguration {
  const [logicalId, resource] = arn ? functionByArn(arn, resources) ?? [] : [];
  if (!resource || !logicalId) {
    throw new Error(`${variable} of provider function ${frameworkId} (${arn ?? 'not set'}) is not a Lambda function of this stack`);
  }
  return functionConfiguration(logicalId, resource, resources);
}

/** The content of the function's layer (Lambda merges several into /opt; one is supported here). */
function optDirectoryOf(logicalId: string, layers: unknown, resources: ReadonlyMap<string, DeployedResource>): string | undefined {
  if (!Array.isArray(layers) || layers.length === 0) return undefined;
  if (layers.length > 1) throw new Error(`Lambda function ${logicalId} has ${layers.length} layers; the local runner supports one`);
  const layer = [...resources.values()].find(r => r.type === 'AWS::Lambda::LayerVersion' && r.physicalId === layers[0]);
  if (!layer?.codeDirectory) {
    throw new Error(`the layer ${String(layers[0])} of Lambda function ${logicalId} is not a layer of this stack with a file asset as its content`);
  }
  return layer.codeDirectory;
}

function functionByArn(arn: string, resources: ReadonlyMap<string, DeployedResource>): [string, DeployedResource] | undefined {
  return [...resources.entries()].find(([, r]) => r.type === LAMBDA_FUNCTION && r.attributes.Arn === arn);
}

function environmentOf(resource: DeployedResource): Record<string, string> {
  const variables = (resource.properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {};
  return Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)]));
}

export interface WaiterSettings {
  /** The state that invokes framework isComplete, and the one its Catch leads to. */
  readonly isCompleteState: string;
  readonly timeoutState: string;
  readonly intervalMs: number;
  /** Retries after the first attempt (Step Functions' MaxAttempts). */
  readonly maxRetries: number;
  readonly backoffRate: number;
  readonly maxDelayMs?: number;
}

/**
 * Reads the waiter's timing from an Amazon States Language definition: the Task
 * state whose Retry catches States.ALL. Step Functions' defaults apply to fields
 * left out (IntervalSeconds 1, MaxAttempts 3, BackoffRate 2).
 */
export function waiterSettings(definitionString: string): WaiterSettings {
  const definition = JSON.parse(definitionString) as {
    States: Record<string, {
      Type: string;
      Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number }[];
      Catch?: { ErrorEquals: string[]; Next: string }[];
    }>;
  };
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    const retrier = state.Type === 'Task' ? state.Retry?.find(r => r.ErrorEquals.includes('States.ALL')) : undefined;
    const fallback = state.Catch?.find(c => c.ErrorEquals.includes('States.ALL'));
    if (!retrier || !fallback) continue;
    return {
      isCompleteState: name,
      timeoutState: fallback.Next,
      intervalMs: (retrier.IntervalSeconds ?? 1) * 1000,
      maxRetries: retrier.MaxAttempts ?? 3,
      backoffRate: retrier.BackoffRate ?? 2,
      maxDelayMs: retrier.MaxDelaySeconds === undefined ? undefined : retrier.MaxDelaySeconds * 1000,
    };
  }
  throw new Error('the waiter state machine has no Task state with a Retry and a Catch for States.ALL: not a Provider framework waiter');
}

/**
 * The same waiter with time scaled down: the first retry `intervalMs` after the
 * first attempt instead of IntervalSeconds, the number of retries unchanged, so
 * the total timeout shrinks by the same factor.
 */
export function withInterval(settings: WaiterSettings, intervalMs: number | undefined): WaiterSettings {
  if (intervalMs === undefined) return settings;
  const factor = intervalMs / settings.intervalMs;
  return {
    ...settings,
    intervalMs,
    maxDelayMs: settings.maxDelayMs === undefined ? undefined : settings.maxDelayMs * factor,
  };
}

/** Milliseconds Step Functions waits before retry number `retry` (1-based). */
export function retryDelayMs(settings: WaiterSettings, retry: number): number {
  const delay = settings.intervalMs * settings.backoffRate ** (retry - 1);
  return settings.maxDelayMs === undefined ? delay : Math.min(delay, settings.maxDelayMs);
}

/** The waiter's total time before onTimeout runs, not counting the attempts themselves. */
export function totalTimeoutMs(settings: WaiterSettings): number {
  let total = 0;
  for (let retry = 1; retry <= settings.maxRetries; retry++) total += retryDelayMs(settings, retry);
  return total;
}
