/** The messages between the runner and a local Lambda container (lambda/runtime.ts), over the child process's IPC channel. */

/** Runner to container: run the handler once. */
export interface InvokeMessage {
  readonly requestId: string;
  readonly invokedFunctionArn: string;
  /** The event, as the JSON text Lambda would hand the runtime. */
  readonly payload: string;
  /** Epoch ms when the function's timeout ends. */
  readonly deadline: number;
}

export type LogLevel = 'INFO' | 'WARN' | 'ERROR' | 'DEBUG' | 'TRACE';

/** Container to runner: a log line, or the invocation's answer (a FunctionError's payload is the runtime's error document). */
export type RuntimeMessage =
  | { readonly type: 'log'; readonly requestId?: string; readonly level: LogLevel; readonly message: string }
  | { readonly type: 'answer'; readonly requestId: string; readonly payload: string; readonly functionError?: 'Unhandled' };

/**
 * Where the runtime sends what a function PUTs to a ResponseURL: an S3 pre-signed URL, which
 * the runner cannot stand behind. Removed from the environment before the handler loads.
 */
export const RESPONSE_ENDPOINT_VARIABLE = 'LOCAL_RUNNER_RESPONSE_ENDPOINT';

/** The host name of CloudFormation's response buckets, e.g. cloudformation-custom-resource-response-useast1.s3.... */
export const RESPONSE_HOST_PREFIX = 'cloudformation-custom-resource-response-';
