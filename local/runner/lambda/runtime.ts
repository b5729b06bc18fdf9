/**
 * The program of a local Lambda container, in the Node.js runtime's role: it loads
 * `_HANDLER` from `LAMBDA_TASK_ROOT` at the first invocation (the init phase), then runs
 * one invocation at a time as the runner asks over IPC, keeping module state as a warm
 * Lambda does; console output is tagged with the request id, as in CloudWatch Logs.
 * Only node's own modules are used: the process must hold nothing but what a Lambda would.
 * The runner imports its messages and constants; only the bundle it runs calls startRuntime.
 */
import * as http from 'http';
import { createRequire } from 'module';
import * as path from 'path';
import { format } from 'util';

/** Runner to container, over the child process's IPC channel: run the handler once. */
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

/** Where the runtime sends what a function PUTs to a ResponseURL: an S3 pre-signed URL, which the runner cannot stand behind. */
export const RESPONSE_ENDPOINT_VARIABLE = 'LOCAL_RUNNER_RESPONSE_ENDPOINT';

/** The host name of CloudFormation's response buckets, e.g. cloudformation-custom-resource-response-useast1.s3.... */
export const RESPONSE_HOST_PREFIX = 'cloudformation-custom-resource-response-';

type Handler = (event: unknown, context: unknown, callback?: (error?: unknown, result?: unknown) => void) => unknown;

/** The handler could not be loaded: reported with the runtime's own errorType, without a trace. */
class InitError extends Error {
  constructor(public readonly errorType: string, message: string) {
    super(message);
  }
}

let handler: Handler | undefined;
let inFlight: string | undefined;
const send = (message: RuntimeMessage) => process.send!(message);

const CONSOLE_LEVELS: Record<string, LogLevel> = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };

export function startRuntime(): void {
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      send({ type: 'log', requestId: inFlight, level, message: format(...args) });
  }
  redirectCustomResourceResponses();
  process.on('message', (message: InvokeMessage) => void invoke(message));
}

async function invoke(message: InvokeMessage): Promise<void> {
  inFlight = message.requestId;
  try {
    const result = await callHandler(loadHandler(), JSON.parse(message.payload), contextFor(message));
    send({ type: 'answer', requestId: message.requestId, payload: JSON.stringify(result) ?? 'null' });
  } catch (error) {
    send({ type: 'answer', requestId: message.requestId, payload: JSON.stringify(errorDocument(error)), functionError: 'Unhandled' });
  } finally {
    inFlight = undefined;
  }
}

function loadHandler(): Handler {
  if (handler) return handler;
  const name = process.env._HANDLER ?? '';
  const match = /^([^.]+)\.(.+)$/.exec(name);
  if (!match) throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${name}: missing module or function name`);
  const [, modulePath, functionPath] = match;
  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  let loaded: unknown;
  try {
    loaded = createRequire(path.join(taskRoot, 'package.json'))(path.resolve(taskRoot, modulePath));
  } catch (error) {
    throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}' (${(error as Error).message.split('\n')[0]})`);
  }
  const found = functionPath.split('.').reduce<any>((object, key) => object?.[key], loaded);
  if (typeof found !== 'function') throw new InitError('Runtime.HandlerNotFound', `${name} is undefined or not exported`);
  handler = found as Handler;
  return handler;
}

/** Async handlers, and the callback style the Node.js runtime still supports. */
function callHandler(fn: Handler, event: unknown, context: unknown): Promise<unknown> {
  if (fn.length < 3) return Promise.resolve(fn(event, context));
  return new Promise((resolve, reject) => fn(event, context, (error, result) => (error ? reject(error) : resolve(result))));
}

function contextFor(message: InvokeMessage) {
  const env = process.env;
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
}

/** The error document of the Node.js runtime: errorType, errorMessage and the stack as trace lines. */
function errorDocument(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof InitError) return { errorType: error.errorType, errorMessage: error.message, trace: [] };
  if (!(error instanceof Error)) return { errorType: typeof error, errorMessage: String(error), trace: [] };
  return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n').filter(line => line.length > 0) };
}

/**
 * Requests to CloudFormation's response buckets go to the runner over plain HTTP, with
 * their path and headers unchanged; nothing else is touched. The variable that names the
 * runner is removed before the handler loads.
 */
function redirectCustomResourceResponses(): void {
  const endpoint = process.env[RESPONSE_ENDPOINT_VARIABLE];
  delete process.env[RESPONSE_ENDPOINT_VARIABLE];
  if (!endpoint) return;
  const runner = new URL(endpoint);
  // The module object itself (an import would be a copy), which the framework's code reads `request` from at each call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const https = require('https') as { request: typeof http.request };
  const request = https.request;
  https.request = ((options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void) => {
    if (!String(options.hostname ?? '').startsWith(RESPONSE_HOST_PREFIX)) return request(options, callback);
    return http.request({ ...options, protocol: 'http:', hostname: runner.hostname, port: runner.port, agent: undefined }, callback);
  }) as typeof http.request;
}
