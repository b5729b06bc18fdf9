/**
 * What a run reports as it goes (the stack and resource events CloudFormation would list,
 * and each poll of a custom resource that waits for isComplete), printed as `cdk deploy`
 * prints it, with the MembershipProgress of this library's not-complete membership
 * described; and the summary per stack.
 */
import type { WaiterPoll } from './provider-endpoint';
import type { StackResult } from './stack-operation';
import type { MembershipProgress } from '../../contract/membership-progress';
import { GROUP_MEMBERSHIP_RESOURCE_TYPE, PERMISSION_GROUP_RESOURCE_TYPE } from '../../contract/resource-types';

export interface Progress {
  readonly done: number;
  readonly total: number;
}

/** What every event tells: where the stack or resource stands, and the stack's progress. */
interface EventBase {
  readonly stackName: string;
  readonly status: string;
  readonly time: Date;
  readonly progress: Progress;
  /** Why, on a failure or a stack's first event. */
  readonly reason?: string;
}

export interface StackEvent extends EventBase {
  readonly kind: 'stack';
}

interface ResourceEventBase extends EventBase {
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly resourceType: string;
}

export interface ResourceEvent extends ResourceEventBase {
  readonly kind: 'resource';
  /** Since the resource's *_IN_PROGRESS, on the events that end it. */
  readonly elapsedMs?: number;
}

/** One poll of the waiter, as the provider endpoint saw it; `status` is the *_IN_PROGRESS status of the operation that waits. */
export interface WaitingEvent extends ResourceEventBase, WaiterPoll {
  readonly kind: 'waiting';
}

export type RunnerEvent = StackEvent | ResourceEvent | WaitingEvent;

export interface PrinterOptions {
  /** Turns a poll's isComplete answer into a description of what is awaited (default: none). */
  readonly describeWait?: (answer: Readonly<Record<string, unknown>> | undefined) => string | undefined;
}

const STATUS_WIDTH = 20;
const TYPE_WIDTH = 32;

/** The line for an event, or undefined for a poll that ended the wait (the COMPLETE line follows). */
export function formatEvent(event: RunnerEvent, options: PrinterOptions = {}): string | undefined {
  if (event.kind === 'waiting' && event.complete === true) return undefined;
  const progress = `${String(event.progress.done).padStart(String(event.progress.total).length)}/${event.progress.total}`;
  const [type, name] = event.kind === 'stack' ? ['AWS::CloudFormation::Stack', event.stackName] : [event.resourceType, nameOf(event)];
  const line = `${event.stackName} | ${progress} | ${clock(event.time)} | ${event.status.padEnd(STATUS_WIDTH)} | ${type.padEnd(TYPE_WIDTH)} | ${name}`;
  if (event.kind === 'waiting') {
    const what = options.describeWait?.(event.answer) ?? 'waiting for isComplete';
    return `${line} ${what} (poll ${event.attempt}/${event.maxAttempts}, ${duration(event.elapsedMs)})`;
  }
  const elapsed = event.kind === 'resource' && event.elapsedMs !== undefined ? ` ${duration(event.elapsedMs)}` : '';
  return `${line}${elapsed}${event.reason ? ` ${oneLine(event.reason)}` : ''}`;
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
function nameOf({ logicalId, constructPath }: ResourceEventBase): string {
  return constructPath ? `${constructPath.replace(/(\/(Resource|Default))+$/, '')} (${logicalId})` : logicalId;
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

export const FINSPACE_RESOURCE_TYPES: readonly string[] = [PERMISSION_GROUP_RESOURCE_TYPE, GROUP_MEMBERSHIP_RESOURCE_TYPE];

/** E.g. "waiting for FinSpace: 3 being added, 1 being removed"; undefined for an answer without a well-formed MembershipProgress. */
export function describeFinSpaceWait(answer: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const progress = answer?.MembershipProgress as Partial<Record<keyof MembershipProgress, unknown>> | null | undefined;
  const counts = [[progress?.adding, 'being added'], [progress?.removing, 'being removed'], [progress?.waitingToReAdd, 'to add again once removed']];
  if (!counts.every(([count]) => Number.isInteger(count) && (count as number) >= 0)) return undefined;
  const parts = counts.filter(([count]) => (count as number) > 0).map(([count, what]) => `${count} ${what}`);
  return `waiting for FinSpace: ${parts.join(', ') || 'checking'}`;
}
