/**
 * Local Lambda: invokes functions in warm containers (one child process per
 * concurrent invocation of a configuration, reused while free), with the
 * environment Lambda gives a function and the payload limits of Lambda's Invoke.
 *
 * A container is a child process running lambda/runtime.ts for one function
 * configuration, kept alive across invocations like a warm Lambda. The process
 * boundary isolates what Lambda isolates: environment variables, module caches and
 * global state.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import type { FunctionErrorPayload, InvokeMessage, LogLevel, RuntimeMessage } from './protocol';
import { byteLength, checkEventInvokePayload, checkSyncInvokeRequest, MAX_SYNC_RESPONSE_BYTES, RESPONSE_TOO_LARGE } from '../limits';

/** The credentials of the functions' execution role, as Lambda puts them in the environment. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface LambdaServiceOptions {
  readonly credentials: RoleCredentials;
  /** Added to every function's environment, e.g. AWS_ENDPOINT_URL_FINSPACE_DATA. */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /** Receives every log line of every function. */
  readonly onLog?: (functionName: string, record: LogRecord) => void;
  /** When set, each function's log lines are appended to `<directory>/<functionName>.log`. */
  readonly logDirectory?: string;
}

export type InvocationType = 'RequestResponse' | 'Event';

export class LocalLambdaService {
  private readonly containers: LambdaContainer[] = [];
  /** Containers retired while the service runs: shutdown waits for their processes too, so none outlives the runner. */
  private readonly retiring = new Set<Promise<void>>();
  private shutDown = false;

  constructor(private readonly options: LambdaServiceOptions) {
    if (options.logDirectory) fs.mkdirSync(options.logDirectory, { recursive: true });
  }

  /**
   * Runs the function once and answers like Lambda's Invoke: limits broken by the
   * request throw (an API error), a handler error is a FunctionError answer.
   */
  async invoke(configuration: FunctionConfiguration, payload: string, invocationType: InvocationType = 'RequestResponse'): Promise<InvocationAnswer> {
    // What a run left behind (a waiter's execution after its response) starts no container after the run.
    if (this.shutDown) throw new Error(`the local Lambda service has shut down: ${configuration.functionName} was not invoked`);
    if (invocationType === 'Event') checkEventInvokePayload(payload);
    else checkSyncInvokeRequest(payload);
    const requestId = randomUUID();
    const container = this.freeContainer(configuration);
    this.writeLog(configuration.functionName, `START RequestId: ${requestId} Version: $LATEST`);
    const answer = await container.invoke(requestId, payload);
    this.writeLog(configuration.functionName, `END RequestId: ${requestId}`);
    if (!answer.functionError && byteLength(answer.payload) > MAX_SYNC_RESPONSE_BYTES) {
      return { payload: JSON.stringify(RESPONSE_TOO_LARGE), functionError: 'Unhandled', logs: answer.logs };
    }
    return answer;
  }

  /** Stops every container. */
  async shutdown(): Promise<void> {
    this.shutDown = true;
    await Promise.all([...this.containers.splice(0).map(container => container.stop()), ...this.retiring]);
  }

  /** A warm container of exactly this configuration, or a new one; containers of older configurations are retired. */
  private freeContainer(configuration: FunctionConfiguration): LambdaContainer {
    const fingerprint = JSON.stringify(configuration);
    for (const container of [...this.containers]) {
      const stale = container.configuration.functionName === configuration.functionName && JSON.stringify(container.configuration) !== fingerprint;
      if (!container.alive || (stale && !container.busy)) {
        this.containers.splice(this.containers.indexOf(container), 1);
        const stopped = container.stop().finally(() => this.retiring.delete(stopped));
        this.retiring.add(stopped);
      }
    }
    const warm = this.containers.find(c => !c.busy && JSON.stringify(c.configuration) === fingerprint);
    if (warm) return warm;
    const container = new LambdaContainer(configuration, this.environmentOf(configuration), record => this.onLog(configuration.functionName, record));
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

  private onLog(functionName: string, record: LogRecord): void {
    this.options.onLog?.(functionName, record);
    this.writeLog(functionName, `${new Date(record.time).toISOString()}\t${record.requestId ?? 'undefined'}\t${record.level}\t${record.message}`);
  }

  private writeLog(functionName: string, line: string): void {
    if (!this.options.logDirectory) return;
    fs.appendFileSync(path.join(this.options.logDirectory, `${functionName}.log`), `${line}\n`);
  }
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

interface Pending {
  readonly requestId: string;
  readonly logs: LogRecord[];
  readonly timer: NodeJS.Timeout;
  settle(answer: InvocationAnswer): void;
}

class LambdaContainer {
  private readonly child: ChildProcess;
  private pending?: Pending;
  /** Set as soon as the process is being stopped, before its exit event arrives. */
  private stopped = false;

  constructor(
    public readonly configuration: FunctionConfiguration,
    environment: Readonly<Record<string, string>>,
    private readonly onLog: (record: LogRecord) => void,
  ) {
    this.child = startRuntime(environment, configuration.codeDirectory, configuration.optDirectory);
    this.child.on('message', (message: RuntimeMessage) => this.onMessage(message));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8').on('data', (text: string) => this.onOutput(text));
    }
    this.child.on('exit', code => this.onExit(code));
    // A process that cannot be started or written to is as good as one that exited.
    this.child.on('error', () => this.onExit(null));
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  get alive(): boolean {
    return !this.stopped;
  }

  invoke(requestId: string, payload: string): Promise<InvocationAnswer> {
    if (this.pending || this.stopped) throw new Error(`container of ${this.configuration.functionName} is not free`);
    const timeoutMs = this.configuration.timeoutSeconds * 1000;
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        // Lambda stops the execution environment of an invocation that runs out of time.
        this.stopped = true;
        this.finish(functionError({
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${requestId} Error: Task timed out after ${this.configuration.timeoutSeconds.toFixed(2)} seconds`,
        }));
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.pending = { requestId, logs: [], timer, settle: resolve };
      const message: InvokeMessage = {
        type: 'invoke',
        requestId,
        invokedFunctionArn: this.configuration.functionArn,
        payload,
        deadline: Date.now() + timeoutMs,
      };
      this.child.send(message, error => {
        if (error) this.onExit(null);
      });
    });
  }

  async stop(): Promise<void> {
    // A process that never started (spawn failed) has nothing to wait for.
    if (this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.stopped = true;
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }

  private onMessage(message: RuntimeMessage): void {
    if (message.type === 'log') {
      this.log(message.level, message.message, message.requestId);
    } else if (message.requestId === this.pending?.requestId) {
      this.finish(message.type === 'result' ? { payload: message.payload, logs: [] } : functionError(message.error));
    }
  }

  /** Output that bypassed console (process.stdout.write): attributed to the invocation in flight. */
  private onOutput(text: string): void {
    for (const line of text.split('\n').filter(l => l.length > 0)) this.log('INFO', line, this.pending?.requestId);
  }

  private onExit(code: number | null): void {
    this.stopped = true;
    if (this.pending) {
      this.finish(functionError({
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${this.pending.requestId} Error: Runtime exited with error: ${code === null ? 'signal' : `exit status ${code}`}`,
      }));
    }
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

function functionError(error: FunctionErrorPayload): InvocationAnswer {
  return { payload: JSON.stringify(error), functionError: 'Unhandled', logs: [] };
}

/** runtime.ts bundled to JavaScript, once per runner process. */
let runtimeSource: string | undefined;

/**
 * Starts runtime.ts in a plain node process. From TypeScript sources (ts-node,
 * ts-jest) it is bundled with esbuild rather than run under ts-node, whose
 * require hooks would otherwise sit in the "Lambda" and change how it loads modules.
 * A function with a layer gets it at /opt, where Lambda mounts it: the process runs
 * in a mount namespace of its own with the layer bound there.
 */
function startRuntime(environment: Readonly<Record<string, string>>, cwd: string, optDirectory: string | undefined): ChildProcess {
  const options = { env: { ...environment }, cwd, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[] };
  const compiled = path.join(__dirname, 'runtime.js');
  let node: string[];
  if (fs.existsSync(compiled)) {
    node = [process.execPath, compiled];
  } else {
    runtimeSource ??= buildSync({
      entryPoints: [path.join(__dirname, 'runtime.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false,
    }).outputFiles[0].text;
    node = [process.execPath, '-e', runtimeSource];
  }
  if (!optDirectory) return spawn(node[0], node.slice(1), options);
  return spawn('unshare', [...mountNamespaceFlags(), 'sh', '-c', MOUNT_LAYER_AND_RUN, optDirectory, ...node], options);
}

/** Root gets a mount namespace as is; anyone else inside a user namespace of their own (mapped to root there). */
function mountNamespaceFlags(): string[] {
  return process.getuid?.() === 0 ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
}

/** $0 is the layer's content; the rest is the runtime's command line. */
const MOUNT_LAYER_AND_RUN = 'mount --bind "$0" /opt || { echo "the local runner cannot mount the layer $0 at /opt: ' +
  'run it as root or where unprivileged user namespaces are enabled (local/runner/README.md)" >&2; exit 1; }; exec "$@"';
