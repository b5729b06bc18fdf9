/**
 * What CloudFormation remembers between deployments, kept in a JSON file: per stack
 * its status, last template and resources. A second run against the same file is an
 * update; a destroy deletes what the file lists.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { StackEnvironment } from './aws-resources';
import type { Template } from './template';

export const STATE_FILE_VERSION = 1;

export interface DeployedResource {
  readonly type: string;
  /** Undefined only for a resource whose creation failed before CloudFormation learned an id. */
  readonly physicalId?: string;
  /** As resolved and sent to the resource (for a custom resource: its ResourceProperties). */
  readonly properties: Record<string, unknown>;
  /** Fn::GetAtt values: a custom resource's Data, an AWS resource's attributes. */
  readonly attributes: Record<string, unknown>;
  /** Logical ids this resource depended on when it was deployed: deletes go in reverse. */
  readonly dependsOn: readonly string[];
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  readonly constructPath?: string;
  /** Lambda functions: the unpacked code asset the function runs. */
  readonly codeDirectory?: string;
}

export type StackStatus =
  | 'CREATE_COMPLETE' | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'ROLLBACK_COMPLETE'
  | 'ROLLBACK_FAILED' | 'UPDATE_ROLLBACK_FAILED' | 'DELETE_FAILED'
  // A run that was interrupted leaves its stack in one of these.
  | 'CREATE_IN_PROGRESS' | 'UPDATE_IN_PROGRESS' | 'DELETE_IN_PROGRESS' | 'ROLLBACK_IN_PROGRESS' | 'UPDATE_ROLLBACK_IN_PROGRESS';

export interface DeployedOutput {
  readonly value: unknown;
  readonly exportName?: string;
  readonly description?: string;
}

export interface DeployedStack extends Pick<StackEnvironment, 'stackName' | 'stackId' | 'account' | 'region'> {
  readonly status: StackStatus;
  /** The template the resources were last brought to (after a rollback: the previous one). */
  readonly template: Template;
  readonly resources: Record<string, DeployedResource>;
  readonly outputs: Record<string, DeployedOutput>;
  readonly lastUpdatedTime: string;
}

export interface RunnerState {
  readonly version: typeof STATE_FILE_VERSION;
  readonly stacks: Record<string, DeployedStack>;
}

export function loadState(file: string): RunnerState {
  if (!fs.existsSync(file)) return { version: STATE_FILE_VERSION, stacks: {} };
  let parsed: Partial<RunnerState>;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`state file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed.version !== STATE_FILE_VERSION || typeof parsed.stacks !== 'object' || parsed.stacks === null) {
    throw new Error(`state file ${file} is not a local runner state file of version ${STATE_FILE_VERSION}`);
  }
  return parsed as RunnerState;
}

/** Writes the whole state; the rename makes it all or nothing if the process dies meanwhile. */
export function saveState(file: string, state: RunnerState): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, undefined, 2)}\n`);
  fs.renameSync(temporary, file);
}
