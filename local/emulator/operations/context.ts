/**
 * What an operation on users and groups runs with: the environment and user the
 * vended credentials stand for, the clock reading of this request, and the
 * configured behaviours.
 */
import { EmulatorBehaviour } from '../behaviour';
import { PageTokens } from '../pagination';
import { OperationOutput } from '../protocol';
import { EnvironmentState, UserRecord } from '../state';

export interface OperationContext {
  readonly environment: EnvironmentState;
  readonly actingUser: UserRecord;
  /** One clock reading per request, so a request sees a single instant. */
  readonly now: number;
  readonly behaviour: EmulatorBehaviour;
  readonly pages: PageTokens;
}

/**
 * An operation's logic. The input has passed the model's validation, so its
 * type can be trusted.
 */
export type OperationHandler<Input> = (context: OperationContext, input: Input) => OperationOutput;

/** Members every List* request has. */
export interface ListInput {
  readonly maxResults: number;
  readonly nextToken?: string;
}
