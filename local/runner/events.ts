/**
 * What a run reports as it goes: the stack and resource events CloudFormation would
 * list, and one event per poll of a custom resource that waits for isComplete.
 */

import type { WaiterPoll } from './provider-endpoint';

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
}

export interface StackEvent extends EventBase {
  readonly kind: 'stack';
  readonly reason?: string;
}

interface ResourceEventBase extends EventBase {
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly resourceType: string;
}

export interface ResourceEvent extends ResourceEventBase {
  readonly kind: 'resource';
  readonly reason?: string;
  /** Since the resource's *_IN_PROGRESS, on the events that end it. */
  readonly elapsedMs?: number;
}

/** One poll of the waiter, as the provider endpoint saw it; `status` is the *_IN_PROGRESS status of the operation that waits. */
export interface WaitingEvent extends ResourceEventBase, WaiterPoll {
  readonly kind: 'waiting';
}

export type RunnerEvent = StackEvent | ResourceEvent | WaitingEvent;
