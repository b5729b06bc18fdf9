/**
 * A local stand-in for CloudFormation and the CDK Provider framework that deploys a
 * synthesized app's custom resources against the FinSpace emulator. See README.md
 * beside this file.
 */
export { deploy, destroy, FINSPACE_ENDPOINT_VARIABLE } from './runner';
export type { RunnerOptions, RunResult } from './runner';
export type { StackResult } from './stack-operation';
export type { RunnerEvent, StackEvent, ResourceEvent, WaitingEvent, Progress } from './activity-printer';
export { readAssembly, selectStacks } from './assembly';
export type { Assembly, AssemblyStack } from './assembly';
export { predictOutputs } from './preview';
export { synthesizeApp } from './synthesize';
export type { SynthesizeOptions } from './synthesize';
export { loadState } from './state-file';
export type { RunnerState, DeployedStack, DeployedResource, DeployedOutput, StackStatus } from './state-file';
export { describeFinSpaceWait, FINSPACE_RESOURCE_TYPES, formatEvent, formatStackResult } from './activity-printer';
export type { RoleCredentials, LogRecord } from './lambda/service';
export { drift, formatDrift, inSync, DriftUnavailable } from './drift';
export type { DriftOptions, StackDrift } from './drift';
