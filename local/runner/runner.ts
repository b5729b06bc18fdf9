/**
 * Deploys and destroys the stacks of a cloud assembly locally: stacks in
 * dependency order, their state in a JSON file, their Lambda functions in local
 * containers pointed at a local FinSpace endpoint.
 */
import type { RunnerEvent } from './activity-printer';
import { readAssembly, selectStacks, type AssemblyStack } from './assembly';
import { AssetBucket } from './asset-bucket';
import type { LogRecord, RoleCredentials } from './lambda/service';
import { AwsError } from './limits';
import { ProviderEndpoint } from './provider-endpoint';
import { deployStack, destroyStack, type OperationContext, type StackResult } from './stack-operation';
import { loadState, saveState, type DeployedStack } from './state-file';
import { HANDLER_ENVIRONMENT } from '../../contract/handler-settings';

/** The variable the FinSpace Data client reads its endpoint from (AWS SDK convention). */
export const FINSPACE_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL_FINSPACE_DATA';

/** What every run of the stacks' functions needs (deploy, destroy, drift). */
export interface FunctionRunOptions {
  readonly stateFile: string;
  /**
   * Stack names (or construct paths); default all. Deploy adds the stacks they depend
   * on, destroy those that depend on them; drift takes every deployed stack that has an audit.
   */
  readonly stacks?: readonly string[];
  /** Where the functions send FinSpace Data requests (the emulator). */
  readonly finspaceEndpoint?: string;
  /** The IAM keys the functions run with, as their execution role's. */
  readonly roleCredentials: RoleCredentials;
  readonly onFunctionLog?: (functionName: string, record: LogRecord) => void;
  /** When set, each function's logs go to `<directory>/<functionName>.log`. */
  readonly logDirectory?: string;
}

export interface RunnerOptions extends FunctionRunOptions {
  /** The cloud assembly directory (cdk.out). */
  readonly app: string;
  /** Replaces the providers' isComplete interval, scaling their total timeout with it. */
  readonly pollIntervalMs?: number;
  readonly onEvent?: (event: RunnerEvent) => void;
  /** Called as each stack is done, before the next one starts. */
  readonly onStackResult?: (result: StackResult) => void;
}

export interface RunResult {
  readonly success: boolean;
  /** In the order they were worked on; a run stops at the first stack that fails. */
  readonly stacks: readonly StackResult[];
}

export async function deploy(options: RunnerOptions): Promise<RunResult> {
  return run(options, 'dependencies', deployStack);
}

export async function destroy(options: RunnerOptions): Promise<RunResult> {
  return run(options, 'dependents', async (stack, deployed, context) => deployed
    ? destroyStack(deployed, context)
    : { stackName: stack.stackName, status: 'DOES_NOT_EXIST', success: true, outputs: {} });
}

type StackWork = (stack: AssemblyStack, deployed: DeployedStack | undefined, context: OperationContext) => Promise<StackResult>;

/**
 * Works on the selected stacks and those they depend on (deploy: dependencies first) or
 * those that depend on them (destroy: dependents first), stopping at the first that fails.
 */
async function run(options: RunnerOptions, related: 'dependencies' | 'dependents', work: StackWork): Promise<RunResult> {
  const assembly = readAssembly(options.app);
  const names = new Set(selectStacks(assembly, options.stacks).map(stack => stack.stackName));
  for (const stack of related === 'dependencies' ? [...assembly.stacks].reverse() : assembly.stacks) {
    if (related === 'dependencies' && names.has(stack.stackName)) stack.dependencies.forEach(name => names.add(name));
    if (related === 'dependents' && stack.dependencies.some(name => names.has(name))) names.add(stack.stackName);
  }
  const stacks = assembly.stacks.filter(stack => names.has(stack.stackName));
  const state = loadState(options.stateFile);
  const deployedStacks: Record<string, DeployedStack> = { ...state.stacks };
  // The handler looks again at a change in flight for at most a poll interval: the runner's.
  const providerEndpoint = await startEndpoint(options,
    options.pollIntervalMs !== undefined ? { [HANDLER_ENVIRONMENT.pollInterval]: String(options.pollIntervalMs) } : {});
  // cdk deploy uploads the assets before it deploys; a destroy reads the objects of earlier deploys.
  const assetBucket = new AssetBucket(`${options.stateFile}.assets`);
  assetBucket.publish(assembly.assetFiles);
  providerEndpoint.serveObjects(objectKey => assetBucket.read(objectKey));
  const context = (stackName: string): OperationContext => ({
    providerEndpoint,
    assembly,
    pollIntervalMs: options.pollIntervalMs,
    report: event => options.onEvent?.(event),
    exportedValue: name => Object.values(deployedStacks)
      .filter(stack => stack.stackName !== stackName)
      .flatMap(stack => Object.values(stack.outputs))
      .find(output => output.exportName === name)?.value,
    persist: stack => {
      if (stack) deployedStacks[stackName] = stack;
      else delete deployedStacks[stackName];
      saveState(options.stateFile, { version: state.version, stacks: deployedStacks });
    },
  });
  const results: StackResult[] = [];
  try {
    for (const stack of related === 'dependencies' ? stacks : stacks.reverse()) {
      const { stackName } = stack;
      const result = await work(stack, deployedStacks[stackName], context(stackName)).catch((error: unknown) => {
        // A refusal before the operation starts (template validation, stack state) fails the stack, not the run.
        if (!(error instanceof AwsError)) throw error;
        return { stackName, status: 'REFUSED', success: false, failureReason: `${error.code}: ${error.message}`, outputs: {} } as const;
      });
      results.push(result);
      options.onStackResult?.(result);
      if (!result.success) break;
    }
    return { success: results.every(result => result.success), stacks: results };
  } finally {
    await providerEndpoint.stop();
  }
}

/** The endpoint the stacks' functions call, and the functions' containers. */
export function startEndpoint(options: FunctionRunOptions, extraEnvironment: Record<string, string> = {}): Promise<ProviderEndpoint> {
  return ProviderEndpoint.start({
    credentials: options.roleCredentials,
    extraEnvironment: { ...(options.finspaceEndpoint ? { [FINSPACE_ENDPOINT_VARIABLE]: options.finspaceEndpoint } : {}), ...extraEnvironment },
    onLog: options.onFunctionLog,
    logDirectory: options.logDirectory,
  });
}
