/**
 * A local stand-in for CloudFormation and the CDK Provider framework that deploys a
 * synthesized app's custom resources against the FinSpace emulator (README.md beside this file).
 */
export { deploy, destroy, FINSPACE_ENDPOINT_VARIABLE, type RunnerOptions, type RunResult } from './runner';
export type { StackResult } from './stack-operation';
export { readAssembly, selectStacks, type Assembly, type AssemblyStack } from './assembly';
export { predictOutputs } from './preview';
export { synthesizeApp, type SynthesizeOptions } from './synthesize';
export { loadState, type RunnerState, type DeployedStack, type DeployedResource, type DeployedOutput, type StackStatus } from './state-file';
export { describeFinSpaceWait, FINSPACE_RESOURCE_TYPES, formatEvent, formatStackResult } from './activity-printer';
export type { RunnerEvent, StackEvent, ResourceEvent, WaitingEvent, Progress } from './activity-printer';
export type { RoleCredentials, LogRecord } from './lambda/service';
export { drift, formatDrift, inSync, DriftUnavailable, type DriftOptions, type StackDrift } from './drift';
