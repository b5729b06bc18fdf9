/**
 * Deploys and destroys the stacks of a cloud assembly locally: stacks in
 * dependency order, their state in a JSON file, their Lambda functions in local
 * containers pointed at a local FinSpace endpoint.
 */
import { readAssembly, selectStacks, type Assembly, type AssemblyStack } from './assembly';
import type { RunnerEvent } from './events';
import type { LogRecord, RoleCredentials } from './lambda/service';
import { AwsError } from './limits';
import { ProviderEndpoint } from './provider-endpoint';
import { deployStack, destroyStack, type OperationContext, type StackResult } from './stack-operation';
import { loadState, saveState, type DeployedStack, type RunnerState } from './state-file';
import { HANDLER_ENVIRONMENT } from '../../contract/handler-settings';

/** The variable the FinSpace Data client reads its endpoint from (AWS SDK convention). */
export const FINSPACE_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL_FINSPACE_DATA';

export interface RunnerOptions {
  /** The cloud assembly directory (cdk.out). */
  readonly app: string;
  readonly stateFile: string;
  /** Stack names (or construct paths); default all. Deploy adds the stacks they depend on, destroy those that depend on them. */
  readonly stacks?: readonly string[];
  /** Where the functions send FinSpace Data requests (the emulator). */
  readonly finspaceEndpoint?: string;
  /** The IAM keys the functions run with, as their execution role's. */
  readonly roleCredentials: RoleCredentials;
  /** Replaces the providers' isComplete interval, scaling their total timeout with it. */
  readonly pollIntervalMs?: number;
  /** For environment-agnostic stacks. */
  readonly defaultAccount?: string;
  readonly defaultRegion?: string;
  readonly onEvent?: (event: RunnerEvent) => void;
  /** Called as each stack is done, before the next one starts. */
  readonly onStackResult?: (result: StackResult) => void;
  readonly onFunctionLog?: (functionName: string, record: LogRecord) => void;
  /** When set, each function's logs go to `<directory>/<functionName>.log`. */
  readonly logDirectory?: string;
}

export interface RunResult {
  readonly success: boolean;
  /** In the order they were worked on; a run stops at the first stack that fails. */
  readonly stacks: readonly StackResult[];
}

export async function deploy(options: RunnerOptions): Promise<RunResult> {
  const assembly = readAssembly(options.app);
  const stacks = withDependencies(assembly, selectStacks(assembly, options.stacks));
  return run(options, assembly, async (context, state) => {
    const results: StackResult[] = [];
    for (const stack of stacks) {
      const result = await refusalAsResult(stack.stackName, () => deployStack(stack, state.stacks[stack.stackName], context(stack.stackName)));
      results.push(result);
      options.onStackResult?.(result);
      if (!result.success) break;
    }
    return results;
  });
}

export async function destroy(options: RunnerOptions): Promise<RunResult> {
  const assembly = readAssembly(options.app);
  const stacks = withDependents(assembly, selectStacks(assembly, options.stacks)).reverse();
  return run(options, assembly, async (context, state) => {
    const results: StackResult[] = [];
    for (const stack of stacks) {
      const deployed = state.stacks[stack.stackName];
      const result = deployed
        ? await refusalAsResult(stack.stackName, () => destroyStack(deployed, context(stack.stackName)))
        : { stackName: stack.stackName, status: 'DOES_NOT_EXIST' as const, success: true, outputs: {} };
      results.push(result);
      options.onStackResult?.(result);
      if (!result.success) break;
    }
    return results;
  });
}

type ContextFor = (stackName: string) => OperationContext;

async function run(
  options: RunnerOptions,
  assembly: Assembly,
  work: (context: ContextFor, state: RunnerState) => Promise<StackResult[]>,
): Promise<RunResult> {
  const state = loadState(options.stateFile);
  const stacks: Record<string, DeployedStack> = { ...state.stacks };
  const providerEndpoint = await ProviderEndpoint.start({
    credentials: options.roleCredentials,
    extraEnvironment: {
      ...(options.finspaceEndpoint ? { [FINSPACE_ENDPOINT_VARIABLE]: options.finspaceEndpoint } : {}),
      // The handler looks again at a change in flight for at most a poll interval: the runner's.
      ...(options.pollIntervalMs !== undefined ? { [HANDLER_ENVIRONMENT.pollInterval]: String(options.pollIntervalMs) } : {}),
    },
    onLog: options.onFunctionLog,
    logDirectory: options.logDirectory,
  });
  const context: ContextFor = stackName => ({
    providerEndpoint,
    assembly,
    pollIntervalMs: options.pollIntervalMs,
    defaultAccount: options.defaultAccount,
    defaultRegion: options.defaultRegion,
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    report: event => options.onEvent?.(event),
    exportedValue: name => Object.values(stacks)
      .filter(stack => stack.stackName !== stackName)
      .flatMap(stack => Object.values(stack.outputs))
      .find(output => output.exportName === name)?.value,
    persist: stack => {
      if (stack) stacks[stackName] = stack;
      else delete stacks[stackName];
      saveState(options.stateFile, { version: state.version, stacks });
    },
  });
  try {
    const results = await work(context, { ...state, stacks });
    return { success: results.every(result => result.success), stacks: results };
  } finally {
    await providerEndpoint.stop();
  }
}

/** A refusal before the operation starts (template validation, stack state) fails the stack, not the run. */
async function refusalAsResult(stackName: string, operation: () => Promise<StackResult>): Promise<StackResult> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return { stackName, status: 'REFUSED', success: false, failureReason: `${error.code}: ${error.message}`, outputs: {} };
  }
}

function withDependencies(assembly: Assembly, selected: AssemblyStack[]): AssemblyStack[] {
  const names = new Set(selected.map(stack => stack.stackName));
  for (const stack of [...assembly.stacks].reverse()) {
    if (names.has(stack.stackName)) stack.dependencies.forEach(name => names.add(name));
  }
  return assembly.stacks.filter(stack => names.has(stack.stackName));
}

function withDependents(assembly: Assembly, selected: AssemblyStack[]): AssemblyStack[] {
  const names = new Set(selected.map(stack => stack.stackName));
  for (const stack of assembly.stacks) {
    if (stack.dependencies.some(name => names.has(name))) names.add(stack.stackName);
  }
  return assembly.stacks.filter(stack => names.has(stack.stackName));
}
