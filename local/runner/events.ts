/**
 * What a run reports as it goes: the stack and resource events CloudFormation would
 * list, and one event per poll of a custom resource that waits for isComplete.
 */

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
export interface WaitingEvent {
  readonly kind: 'waiting';
  readonly stackName: string;
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly resourceType: string;
  /** The *_IN_PROGRESS status of the operation that waits. */
  readonly status: string;
  readonly time: Date;
  readonly progress: Progress;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly elapsedMs: number;
  /** Whether this poll answered IsComplete: true (undefined when it failed). */
  readonly complete?: boolean;
  /** The handler's isComplete answer, extra fields included (undefined when it failed). */
  readonly answer?: Readonly<Record<string, unknown>>;
  /** The log lines the handler's isComplete wrote during this poll. */
  readonly logs: readonly string[];
}

export type RunnerEvent = StackEvent | ResourceEvent | WaitingEvent;
