/**
 * What the Provider framework's calls name, found in the stack as deployed when they are
 * made: a Lambda function by ARN or name, and the waiter state machine, whose timing is
 * read from the synthesized definition as Step Functions reads it.
 */
import * as fs from 'fs';
import type { FunctionConfiguration } from './lambda/service';
import type { DeployedResource } from './state-file';

type Resources = ReadonlyMap<string, DeployedResource>;

/** How Lambda would run the stack's function with this ARN or name (Invoke takes either); undefined when there is none. */
export function stackFunction(arnOrName: unknown, resources: Resources): FunctionConfiguration | undefined {
  const [logicalId, resource] = [...resources.entries()].find(([, r]) => r.type === 'AWS::Lambda::Function' &&
    arnOrName !== undefined && [r.attributes.Arn, r.physicalId].includes(arnOrName)) ?? [];
  return logicalId && resource ? functionConfiguration(logicalId, resource, resources) : undefined;
}

/** The stack's waiter state machine with this ARN: its timing and the functions of its two tasks; undefined when there is none. */
export function stackWaiter(stateMachineArn: string, resources: Resources, pollIntervalMs: number | undefined) {
  const stateMachine = [...resources.values()].find(r => r.type === 'AWS::StepFunctions::StateMachine' && r.physicalId === stateMachineArn);
  if (!stateMachine) return undefined;
  const definition = String(stateMachine.properties.DefinitionString ?? JSON.stringify(stateMachine.properties.Definition));
  const settings = withInterval(waiterSettings(definition), pollIntervalMs);
  const states = (JSON.parse(definition) as AslDefinition).States;
  const task = (state: string) => stackFunction(states[state].Resource, resources) ??
    fail(`the Resource of state ${state} of the waiter ${stateMachineArn} is not a Lambda function of this stack`);
  return { settings, isComplete: task(settings.isCompleteState), onTimeout: task(settings.timeoutState) };
}

/** How Lambda would run the function recorded as `resource`. */
function functionConfiguration(logicalId: string, resource: DeployedResource, resources: Resources): FunctionConfiguration {
  const props = resource.properties as Record<string, any>;
  const runtime = String(props.Runtime ?? '');
  const code = resource.codeDirectory;
  if (!runtime.startsWith('nodejs')) fail(`Lambda function ${logicalId} has runtime '${runtime}'; the local runner runs Node.js functions only`);
  if (!code) fail(`the code of Lambda function ${logicalId} is not a file asset of the cloud assembly (inline code and container images are not supported)`);
  if (!fs.existsSync(code)) fail(`the code of Lambda function ${logicalId} is no longer at ${code}: deploy from an assembly that holds it`);
  const functionName = resource.physicalId!;
  const variables = (props.Environment?.Variables ?? {}) as Record<string, unknown>;
  return {
    functionName,
    functionArn: String(resource.attributes.Arn),
    handler: String(props.Handler),
    runtime,
    codeDirectory: code,
    optDirectory: optDirectoryOf(logicalId, props.Layers, resources),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySize: Number(props.MemorySize ?? 128),
    logGroupName: String(props.LoggingConfig?.LogGroup ?? `/aws/lambda/${functionName}`),
    variables: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)])),
  };
}


function fail(message: string): never {
  throw new Error(message);
}

/** The content of the function's layer (Lambda merges several into /opt; one is supported here). */
function optDirectoryOf(logicalId: string, layers: unknown, resources: Resources): string | undefined {
  if (!Array.isArray(layers) || layers.length === 0) return undefined;
  if (layers.length > 1) fail(`Lambda function ${logicalId} has ${layers.length} layers; the local runner supports one`);
  const layer = [...resources.values()].find(r => r.type === 'AWS::Lambda::LayerVersion' && r.physicalId === layers[0]);
  return layer?.codeDirectory ??
    fail(`the layer ${String(layers[0])} of Lambda function ${logicalId} is not a layer of this stack with a file asset as its content`);

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
