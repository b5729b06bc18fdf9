/**
 * Local Lambda: invokes functions in warm containers (one child process per
 * concurrent invocation of a configuration, reused while free), with the
 * environment Lambda gives a function and the payload limits of Lambda's Invoke.
 */
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { LambdaContainer, type FunctionConfiguration, type InvocationAnswer, type LogRecord } from './container';
import { byteLength, checkEventInvokePayload, checkSyncInvokeRequest, MAX_SYNC_RESPONSE_BYTES, RESPONSE_TOO_LARGE } from '../limits';

export type { FunctionConfiguration, InvocationAnswer, LogRecord } from './container';

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
