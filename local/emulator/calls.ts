/**
 * The record of every API request the emulator answered (admin routes are not
 * recorded). Sensitive values never enter it.
 */
import { FaultKind } from './faults';
import { OperationName } from './model';

export interface CallRecord {
  /** `UnknownOperation` when no operation matched the method and path. */
  readonly operation: OperationName | 'UnknownOperation';
  /** From the vended credentials, or the environmentId asked for credentials. */
  readonly environmentId?: string;
  /** The status answered; 0 when the connection was reset before anything was done. */
  readonly statusCode: number;
  readonly errorType?: string;
  readonly fault?: FaultKind;
  /** Emulator clock, ms. */
  readonly time: number;
  readonly requestId: string;
  /** The request's clientToken, to check that a client's retries reuse it. */
  readonly clientToken?: string;
  /** True when the answer replayed an earlier one with the same clientToken. */
  readonly replayed?: boolean;
}
