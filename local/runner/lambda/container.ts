/**
 * One local Lambda "container": a child process running lambda/runtime.ts for one
 * function configuration, kept alive across invocations like a warm Lambda. The
 * process boundary isolates what Lambda isolates: environment variables, module
 * caches and global state.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import type { FunctionErrorPayload, InvokeMessage, LogLevel, RuntimeMessage } from './protocol';

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

export class LambdaContainer {
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
