/**
 * Local Lambda: each invocation runs in a warm container of its function configuration,
 * a child process running lambda/runtime.ts that is reused while free, as Lambda reuses
 * a warm one. The process boundary isolates what Lambda isolates: environment
 * variables, module caches and global state.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { AwsCredentialIdentity } from '@smithy/types';
import { buildSync } from 'esbuild';
import type { InvokeMessage, LogLevel, RuntimeMessage } from './runtime';
import { byteLength, checkEventInvokePayload, checkSyncInvokeRequest, MAX_SYNC_RESPONSE_BYTES, RESPONSE_TOO_LARGE } from '../limits';

/** The keys of the functions' execution role, which Lambda puts in their environment. */
export type RoleCredentials = AwsCredentialIdentity;

export interface LambdaServiceOptions {
  readonly credentials: RoleCredentials;
  /** Added to every function's environment, e.g. AWS_ENDPOINT_URL_FINSPACE_DATA. */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  readonly onLog?: (functionName: string, record: LogRecord) => void;
  /** When set, each function's log lines are appended to `<directory>/<functionName>.log`. */
  readonly logDirectory?: string;
}

/** A function as Lambda would run it, after CloudFormation resolved its properties. */
export interface FunctionConfiguration {
  readonly functionName: string;
  readonly functionArn: string;
  readonly handler: string;
  /** E.g. nodejs22.x; the local Node.js runs whatever it names. */
  readonly runtime: string;
  /** Where the code asset was unpacked: LAMBDA_TASK_ROOT. */
  readonly codeDirectory: string;
  /** What Lambda would mount at /opt: the content of the function's layer, if it has one. */
  readonly optDirectory?: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly logGroupName: string;
  /** The function's own Environment.Variables. */
  readonly variables: Readonly<Record<string, string>>;
}

export interface LogRecord {
  readonly time: number;
  readonly requestId?: string;
  readonly level: LogLevel;
  readonly message: string;
}

/** What one invocation returned: Lambda's Payload and FunctionError, and the log lines it wrote. */
export interface InvocationAnswer {
  readonly payload: string;
  readonly functionError?: 'Unhandled';
  readonly logs: readonly LogRecord[];
}

export class LocalLambdaService {
  /** Every container whose process may still run: shutdown waits for each, so none outlives the runner. */
  private containers: LambdaContainer[] = [];
  private shutDown = false;

  constructor(private readonly options: LambdaServiceOptions) {
    if (options.logDirectory) fs.mkdirSync(options.logDirectory, { recursive: true });
  }

  /** Answers like Lambda's Invoke: a request over its limits throws (an API error), a handler error is a FunctionError answer. */
  async invoke(configuration: FunctionConfiguration, payload: string, type: 'RequestResponse' | 'Event' = 'RequestResponse')
    : Promise<InvocationAnswer> {
    // What a run left behind (a waiter's execution after its response) starts no container after the run.
    if (this.shutDown) throw new Error(`the local Lambda service has shut down: ${configuration.functionName} was not invoked`);
    (type === 'Event' ? checkEventInvokePayload : checkSyncInvokeRequest)(payload);
    const requestId = randomUUID();
    this.writeLog(configuration.functionName, `START RequestId: ${requestId} Version: $LATEST`);
    const answer = await this.freeContainer(configuration).invoke(requestId, payload);
    this.writeLog(configuration.functionName, `END RequestId: ${requestId}`);
    if (answer.functionError || byteLength(answer.payload) <= MAX_SYNC_RESPONSE_BYTES) return answer;
    return { payload: JSON.stringify(RESPONSE_TOO_LARGE), functionError: 'Unhandled', logs: answer.logs };
  }

  async shutdown(): Promise<void> {
    this.shutDown = true;
    await Promise.all(this.containers.map(container => container.stop()));
  }

  /** A free warm container of exactly this configuration, or a new one; free ones of the function's other configurations are retired. */
  private freeContainer(configuration: FunctionConfiguration): LambdaContainer {
    const fingerprint = JSON.stringify(configuration);
    const stale = (c: LambdaContainer) => c.configuration.functionName === configuration.functionName && c.fingerprint !== fingerprint;
    this.containers.filter(c => c.free && stale(c)).forEach(c => void c.stop());
    this.containers = this.containers.filter(c => c.running);
    const warm = this.containers.find(c => c.free && c.fingerprint === fingerprint);
    if (warm) return warm;
    const { functionName } = configuration;
    const container = new LambdaContainer(configuration, this.environmentOf(configuration), record => {
      this.options.onLog?.(functionName, record);
      this.writeLog(functionName, `${new Date(record.time).toISOString()}\t${record.requestId ?? 'undefined'}\t${record.level}\t${record.message}`);
    });
    this.containers.push(container);
    return container;
  }

  /** The variables Lambda sets for a function, over the function's own; then the runner's endpoints. */
  private environmentOf(configuration: FunctionConfiguration): Record<string, string> {
    const region = configuration.functionArn.split(':')[3];
    const { credentials } = this.options;
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    return {
      ...configuration.variables,
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: configuration.handler,
      LAMBDA_TASK_ROOT: configuration.codeDirectory,
      AWS_EXECUTION_ENV: `AWS_Lambda_${configuration.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: configuration.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(configuration.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: configuration.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      ...this.options.extraEnvironment,
    };
  }

  private writeLog(functionName: string, line: string): void {
    if (this.options.logDirectory) fs.appendFileSync(path.join(this.options.logDirectory, `${functionName}.log`), `${line}\n`);
  }
}

class LambdaContainer {
  readonly fingerprint: string;
  private readonly child: ChildProcess;
  private pending?: { readonly requestId: string; readonly logs: LogRecord[]; readonly timer: NodeJS.Timeout; settle(a: InvocationAnswer): void };
  /** Set as soon as the process is being stopped, before its exit event arrives. */
  private stopped = false;

  constructor(readonly configuration: FunctionConfiguration, environment: Record<string, string>, private readonly onLog: (r: LogRecord) => void) {
    this.fingerprint = JSON.stringify(configuration);
    this.child = spawnRuntime(environment, configuration);
    this.child.on('message', (message: RuntimeMessage) => {
      if (message.type === 'log') {
        this.log(message.level, message.message, message.requestId);
      } else if (message.requestId === this.pending?.requestId) {
        this.finish({ payload: message.payload, functionError: message.functionError, logs: [] });
      }
    });
    // Output that bypassed console (process.stdout.write) is attributed to the invocation in flight.
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8').on('data', (text: string) =>
        text.split('\n').filter(line => line.length > 0).forEach(line => this.log('INFO', line, this.pending?.requestId)));
    }
    this.child.on('exit', code => this.onExit(code));
    // A process that cannot be started or written to is as good as one that exited.
    this.child.on('error', () => this.onExit(null));
  }

  get free(): boolean {
    return !this.pending && !this.stopped;
  }

  /** The process started and has not exited. */
  get running(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  invoke(requestId: string, payload: string): Promise<InvocationAnswer> {
    const { timeoutSeconds, functionArn } = this.configuration;
    return new Promise(settle => {
      const timer = setTimeout(() => {
        // Lambda stops the execution environment of an invocation that runs out of time.
        this.stopped = true;
        this.finish(functionError('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`));
        this.child.kill('SIGKILL');
      }, timeoutSeconds * 1000);
      this.pending = { requestId, logs: [], timer, settle };
      const message: InvokeMessage = { requestId, invokedFunctionArn: functionArn, payload, deadline: Date.now() + timeoutSeconds * 1000 };
      this.child.send(message, error => error && this.onExit(null));
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopped = true;
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }

  private onExit(code: number | null): void {
    this.stopped = true;
    if (!this.pending) return;
    const status = code === null ? 'signal' : `exit status ${code}`;
    this.finish(functionError('Runtime.ExitError', `RequestId: ${this.pending.requestId} Error: Runtime exited with error: ${status}`));
  }

  private log(level: LogLevel, message: string, requestId: string | undefined): void {
    const record: LogRecord = { time: Date.now(), requestId, level, message };
    if (requestId !== undefined && requestId === this.pending?.requestId) this.pending.logs.push(record);
    this.onLog(record);
  }

  private finish(answer: InvocationAnswer): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.settle({ ...answer, logs: pending.logs });
  }
}

function functionError(errorType: string, errorMessage: string): InvocationAnswer {
  return { payload: JSON.stringify({ errorType, errorMessage }), functionError: 'Unhandled', logs: [] };
}

/** runtime.ts bundled once per runner process, run by plain node (ts-node's require hooks would change how the "Lambda" loads modules), then started. */
let runtimeSource: string | undefined;

/** A function with a layer finds it at /opt, where Lambda mounts it: its process runs in a mount namespace of its own with the layer bound there. */
function spawnRuntime(environment: Record<string, string>, { codeDirectory, optDirectory }: FunctionConfiguration): ChildProcess {
  runtimeSource ??= buildSync({
    entryPoints: [path.join(__dirname, 'runtime.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false,
  }).outputFiles[0].text + 'module.exports.startRuntime();\n';
  const options = { env: environment, cwd: codeDirectory, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[] };
  if (!optDirectory) return spawn(process.execPath, ['-e', runtimeSource], options);
  // Root gets a mount namespace as is; anyone else inside a user namespace of their own, mapped to root there.
  const userNamespace = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  const mountAndRun = ['sh', '-c', MOUNT_LAYER_AND_RUN, optDirectory, process.execPath, '-e', runtimeSource];
  return spawn('unshare', [...userNamespace, '--mount', '--propagation', 'private', ...mountAndRun], options);
}

/** $0 is the layer's content; the rest is the runtime's command line. */
const MOUNT_LAYER_AND_RUN = 'mount --bind "$0" /opt || { echo "the local runner cannot mount the layer $0 at /opt: ' +
  'run it as root or where unprivileged user namespaces are enabled (local/runner/README.md)" >&2; exit 1; }; exec "$@"';
