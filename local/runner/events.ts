/**
 * What a run reports as it goes: the stack and resource events CloudFormation would
 * list, and one event per poll of a custom resource that waits for isComplete.
 */

import type { WaiterPoll } from './provider-endpoint';

export interface Progress {
  readonly done: number;
  readonly total: number;
}

export interface StackEvent {
  readonly kind: 'stack';
  readonly stackName: string;
  readonly status: string;
  readonly time: Date;
  readonly progress: Progress;
  readonly reason?: string;
}

export interface ResourceEvent {
  readonly kind: 'resource';
  readonly stackName: string;
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly resourceType: string;
  readonly status: string;
  readonly time: Date;
  readonly progress: Progress;
  readonly reason?: string;
  /** Since the resource's *_IN_PROGRESS, on the events that end it. */
  readonly elapsedMs?: number;
}

/** A custom resource whose provider polled isComplete once more (the resource is still in progress). */
/** One poll of the waiter, as the provider endpoint saw it, and where it stands in the stack. */
export interface WaitingEvent extends WaiterPoll {
  readonly kind: 'waiting';
  readonly stackName: string;
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly resourceType: string;
  /** The *_IN_PROGRESS status of the operation that waits. */
  readonly status: string;
  readonly time: Date;
  readonly progress: Progress;
}

export type RunnerEvent = StackEvent | ResourceEvent | WaitingEvent;
