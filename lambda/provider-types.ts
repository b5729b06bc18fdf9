/**
 * The shapes the aws-cdk-lib Provider framework exchanges with a user handler.
 * (aws-cdk-lib ships them only as part of its own sources, not as a typed export.)
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { MembershipProgress } from '../contract/membership-progress';

export type OnEventRequest = CloudFormationCustomResourceEvent & { PhysicalResourceId?: string };

export interface OnEventResponse {
  readonly PhysicalResourceId?: string;
  readonly Data?: Record<string, unknown>;
  /** Extra fields are handed on to every isComplete call of the same event. */
  readonly [key: string]: unknown;
}

/** isComplete sees the event merged with what onEvent answered. */
export type IsCompleteRequest = OnEventRequest & OnEventResponse;

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  /**
   * With IsComplete: true, the id CloudFormation gets instead of onEvent's (the
   * framework spreads this answer over onEvent's): a group the polls created.
   */
  readonly PhysicalResourceId?: string;
  readonly Data?: Record<string, unknown>;
  /** Only with IsComplete: false, which the framework answers by retrying with the event: no further than the Invoke result. */
  readonly MembershipProgress?: MembershipProgress;
}

/** What one resource type does with its events. */
export interface Lifecycle {
  onEvent(event: OnEventRequest): Promise<OnEventResponse>;
  isComplete(event: IsCompleteRequest): Promise<IsCompleteResponse>;
}
