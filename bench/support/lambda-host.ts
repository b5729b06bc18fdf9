/**
 * Where a deployment's handler invocations run: each resource's onEvent and
 * isComplete in Lambda environments of their own, cold at the start of the
 * deployment and warm between polls.
 */
import type { OnEventRequest } from '../../lambda/provider-types';

/** Where the handler's FinSpace calls go. */
export interface FinSpaceEndpoint {
  readonly endpoint: string;
  readonly region: string;
}

/** One resource's two functions: each call answers what the handler returned, or throws what it threw. */
export interface ResourceFunctions {
  onEvent(event: OnEventRequest): Promise<unknown>;
  isComplete(event: OnEventRequest): Promise<unknown>;
}

export interface LambdaHost {
  /** Invocations that ran past their function's timeout. */
  readonly timeouts: number;
  functionsFor(logicalId: string): ResourceFunctions;
  /** What CloudFormation's DescribeStacks answers for the stack from now on (the handler asks it to tell a rollback). */
  stackStatusChanged(stackId: string, status: string): void;
  close(): Promise<void>;
}
