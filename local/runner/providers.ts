/**
 * From a custom resource's ServiceToken to what serves it, as deployed in the stack: the
 * Provider framework's onEvent function, the user functions its environment names
 * (USER_ON_EVENT_FUNCTION_ARN, USER_IS_COMPLETE_FUNCTION_ARN) and its waiter
 * (WAITER_STATE_MACHINE_ARN), whose timing is read from the synthesized definition as
 * Step Functions reads it; or any other function of the stack, which answers
 * CloudFormation itself.
 */
import * as fs from 'fs';
import type { FunctionConfiguration } from './lambda/service';
import type { DeployedProvider } from './provider-endpoint';
import type { DeployedResource } from './state-file';

type Resources = ReadonlyMap<string, DeployedResource>;

export function providerFor(serviceToken: string, resources: Resources, pollIntervalMs?: number): DeployedProvider {
  const [frameworkId, framework] = functionByArn(serviceToken, resources) ?? [];
  if (!framework || !frameworkId) {
    throw new Error(`ServiceToken ${serviceToken} is not the ARN of a Lambda function of this stack; the local runner plays only providers deployed with the stack`);
  }
  const provider = { framework: functionConfiguration(frameworkId, framework, resources) };
  // A Lambda-backed custom resource: CloudFormation invokes the function, which PUTs its response.
  if (provider.framework.handler !== 'framework.onEvent') return provider;
  const variables = provider.framework.variables;
  const userFunction = (arn: string | undefined, what: string, owner = `provider function ${frameworkId}`): FunctionConfiguration => {
    const [logicalId, resource] = (arn ? functionByArn(arn, resources) : undefined) ?? [];
    if (!resource || !logicalId) throw new Error(`${what} of ${owner} (${arn ?? 'not set'}) is not a Lambda function of this stack`);
    return functionConfiguration(logicalId, resource, resources);
  };
  const userOnEvent = userFunction(variables.USER_ON_EVENT_FUNCTION_ARN, 'USER_ON_EVENT_FUNCTION_ARN');
  if (!variables.USER_IS_COMPLETE_FUNCTION_ARN) return { ...provider, userOnEvent };

  const userIsComplete = userFunction(variables.USER_IS_COMPLETE_FUNCTION_ARN, 'USER_IS_COMPLETE_FUNCTION_ARN');
  const stateMachineArn = variables.WAITER_STATE_MACHINE_ARN;
  const stateMachine = [...resources.values()].find(r => r.type === 'AWS::StepFunctions::StateMachine' && r.physicalId === stateMachineArn);
  if (!stateMachine) throw new Error(`the waiter state machine ${stateMachineArn} of provider function ${frameworkId} is not in the stack`);
  const definition = String(stateMachine.properties.DefinitionString ?? JSON.stringify(stateMachine.properties.Definition));
  const settings = withInterval(waiterSettings(definition), pollIntervalMs);
  const states = (JSON.parse(definition) as AslDefinition).States;
  const task = (state: string) => userFunction(states[state].Resource, `the Resource of state ${state}`, `the waiter ${stateMachineArn}`);
  const waiter = { stateMachineArn, settings, isComplete: task(settings.isCompleteState), onTimeout: task(settings.timeoutState), userIsComplete };
  return { ...provider, userOnEvent, waiter };
}

/** How Lambda would run the function recorded as `resource`. */
export function functionConfiguration(logicalId: string, resource: DeployedResource, resources: Resources): FunctionConfiguration {
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
  const variables = (props.Environment?.Variables ?? {}) as Record<string, unknown>;
  return {
    functionName,
    functionArn: String(resource.attributes.Arn),
    handler: String(props.Handler),
    runtime,
    codeDirectory: resource.codeDirectory,
    optDirectory: optDirectoryOf(logicalId, props.Layers, resources),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySize: Number(props.MemorySize ?? 128),
    logGroupName: String(props.LoggingConfig?.LogGroup ?? `/aws/lambda/${functionName}`),
    variables: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)])),
  };
}

/** The function of the stack with this ARN, by logical id. */
export function functionByArn(arn: unknown, resources: Resources): [string, DeployedResource] | undefined {
  return [...resources.entries()].find(([, r]) => r.type === 'AWS::Lambda::Function' && r.attributes.Arn === arn);
}

/** The content of the function's layer (Lambda merges several into /opt; one is supported here). */
function optDirectoryOf(logicalId: string, layers: unknown, resources: Resources): string | undefined {
  if (!Array.isArray(layers) || layers.length === 0) return undefined;
  if (layers.length > 1) throw new Error(`Lambda function ${logicalId} has ${layers.length} layers; the local runner supports one`);
  const layer = [...resources.values()].find(r => r.type === 'AWS::Lambda::LayerVersion' && r.physicalId === layers[0]);
  if (!layer?.codeDirectory) {
    throw new Error(`the layer ${String(layers[0])} of Lambda function ${logicalId} is not a layer of this stack with a file asset as its content`);
  }
  return layer.codeDirectory;
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

interface AslDefinition {
  readonly States: Record<string, {
    readonly Type: string;
    readonly Resource?: string;
    readonly Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number }[];
    readonly Catch?: { ErrorEquals: string[]; Next: string }[];
  }>;
}

/**
 * The waiter's timing: the Task state whose Retry and Catch take States.ALL, with Step
 * Functions' defaults for fields left out (IntervalSeconds 1, MaxAttempts 3, BackoffRate 2).
 */
export function waiterSettings(definition: string): WaiterSettings {
  for (const [name, state] of Object.entries((JSON.parse(definition) as AslDefinition).States ?? {})) {
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

/** The waiter with the first retry `intervalMs` after the first attempt and as many retries: the total timeout scales with it. */
export function withInterval(settings: WaiterSettings, intervalMs: number | undefined): WaiterSettings {
  if (intervalMs === undefined) return settings;
  const maxDelayMs = settings.maxDelayMs === undefined ? undefined : settings.maxDelayMs * (intervalMs / settings.intervalMs);
  return { ...settings, intervalMs, maxDelayMs };
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
