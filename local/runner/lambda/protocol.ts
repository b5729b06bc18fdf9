/**
 * The messages between the runner and a local Lambda container (lambda/runtime.ts),
 * over the IPC channel of the child process.
 */

/** Runner to container: run the handler once. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  readonly invokedFunctionArn: string;
  /** The event, as the JSON text Lambda would hand the runtime. */
  readonly payload: string;
  /** Epoch ms when the function's timeout ends. */
  readonly deadline: number;
}

/** What the Node.js Lambda runtime reports for a handler that threw. */
export interface FunctionErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type LogLevel = 'INFO' | 'WARN' | 'ERROR' | 'DEBUG' | 'TRACE';

/** Container to runner. */
export type RuntimeMessage =
  | { readonly type: 'log'; readonly requestId?: string; readonly level: LogLevel; readonly message: string }
  | { readonly type: 'result'; readonly requestId: string; readonly payload: string }
  | { readonly type: 'error'; readonly requestId: string; readonly error: FunctionErrorPayload };
