/**
 * The run as `cdk deploy` prints it: one line per stack or resource event with the
 * stack, a progress counter, the time, the status, the resource type, the construct
 * path and logical id, how long the resource took and the reason of a failure;
 * then a summary per stack.
 */
import type { RunnerEvent } from './events';
import type { StackResult } from './stack-operation';

export interface PrinterOptions {
  /** Turns a poll's isComplete answer into a description of what is awaited (default: none). */
  readonly describeWait?: (answer: Readonly<Record<string, unknown>> | undefined) => string | undefined;
}

const STATUS_WIDTH = 20;
const TYPE_WIDTH = 32;

/** The line for an event, or undefined for a poll that ended the wait (the COMPLETE line follows). */
export function formatEvent(event: RunnerEvent, options: PrinterOptions = {}): string | undefined {
  const progress = `${String(event.progress.done).padStart(String(event.progress.total).length)}/${event.progress.total}`;
  const prefix = `${event.stackName} | ${progress} | ${clock(event.time)} | ${event.status.padEnd(STATUS_WIDTH)} | `;
  switch (event.kind) {
    case 'stack':
      return `${prefix}${'AWS::CloudFormation::Stack'.padEnd(TYPE_WIDTH)} | ${event.stackName}${reasonOf(event.reason)}`;
    case 'resource':
      return `${prefix}${event.resourceType.padEnd(TYPE_WIDTH)} | ${nameOf(event.logicalId, event.constructPath)}` +
        `${event.elapsedMs === undefined ? '' : ` ${duration(event.elapsedMs)}`}${reasonOf(event.reason)}`;
    case 'waiting': {
      if (event.complete === true) return undefined;
      const what = options.describeWait?.(event.answer) ?? 'waiting for isComplete';
      return `${prefix}${event.resourceType.padEnd(TYPE_WIDTH)} | ${nameOf(event.logicalId, event.constructPath)} ` +
        `${what} (poll ${event.attempt}/${event.maxAttempts}, ${duration(event.elapsedMs)})`;
    }
  }
}

/** The summary `cdk deploy` / `cdk destroy` prints for a stack. */
export function formatStackResult(result: StackResult, action: 'deploy' | 'destroy'): string[] {
  switch (result.status) {
    case 'NO_CHANGES':
      return [` ✅  ${result.stackName} (no changes)`, ...outputsOf(result)];
    case 'NO_RESOURCES':
      return [`${result.stackName}: stack has no resources, skipping deployment.`, ` ✅  ${result.stackName}`];
    case 'DOES_NOT_EXIST':
      return [` ✅  ${result.stackName}: not deployed, nothing to destroy`];
    case 'DELETE_COMPLETE':
      return [` ✅  ${result.stackName}: destroyed`];
    default:
      if (!result.success) {
        const state = result.status === 'REFUSED' ? '' : `${result.status}: `;
        return [` ❌  ${result.stackName} failed: The stack named ${result.stackName} failed to ${action}: ${state}${oneLine(result.failureReason ?? '')}`];
      }
      return [` ✅  ${result.stackName}`, ...outputsOf(result), 'Stack ARN:', result.stackId ?? ''];
  }
}

function outputsOf(result: StackResult): string[] {
  const outputs = Object.entries(result.outputs);
  if (outputs.length === 0) return [];
  return ['', 'Outputs:', ...outputs.map(([name, output]) => `${result.stackName}.${name} = ${String(output.value)}`)];
}

/** Construct path and logical id, like cdk; the path without its trailing Resource/Default parts. */
function nameOf(logicalId: string, constructPath: string | undefined): string {
  if (!constructPath) return logicalId;
  return `${constructPath.replace(/(\/(Resource|Default))+$/, '')} (${logicalId})`;
}

function reasonOf(reason: string | undefined): string {
  return reason ? ` ${oneLine(reason)}` : '';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function clock(time: Date): string {
  return [time.getHours(), time.getMinutes(), time.getSeconds()].map(part => String(part).padStart(2, '0')).join(':');
}

export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}
