/**
 * What the functions of a stack call, on one local port: the Provider framework's own
 * code (framework.js, unchanged in local Lambda containers) calls Lambda, Step Functions
 * (the waiter's execution runs here as the synthesized state machine says) and PUTs its
 * response (lambda/runtime.ts sends it here); the handler calls CloudFormation, S3 and
 * Parameter Store. Each framework call carries the request's RequestId (the payload, the
 * execution's name, the ResponseURL path), which ties it to the request in flight, and
 * what it names is found in that request's stack as it is called.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { RESPONSE_ENDPOINT_VARIABLE } from './lambda/runtime';
import { LocalLambdaService, type InvocationAnswer, type LambdaServiceOptions } from './lambda/service';
import { AwsError, checkExecutionInput, checkStateData } from './limits';
import { LocalParameterStore } from './parameter-store';
import { retryDelayMs, stackFunction, stackWaiter } from './providers';
import type { DeployedResource } from './state-file';

/** A custom resource's provider as deployed: the function its ServiceToken names (the framework's onEvent, or one that answers itself), in its stack. */
export interface DeployedProvider {
  readonly serviceToken: string;
  readonly resources: ReadonlyMap<string, DeployedResource>;
  /** Replaces the waiter's interval, scaling its total timeout. */
  readonly pollIntervalMs?: number;
}

/** One call of the user isComplete by the waiter's execution. */
export interface WaiterPoll {
  /** 1 for the first call. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly elapsedMs: number;
  /** The answer's IsComplete, and the answer with its extra fields (both undefined when the call failed). */
  readonly complete?: boolean;
  readonly answer?: Readonly<Record<string, unknown>>;
  readonly logs: readonly string[];
}

/** The response body (JSON) the provider submitted, or why it never submits one (e.g. the waiter's execution failed). */
export type ProviderOutcome = { readonly responseBody: string } | { readonly noResponse: string };

export interface ProviderCall {
  readonly requestId: string;
  readonly provider: DeployedProvider;
  sleep(ms: number): Promise<void>;
  onPoll(poll: WaiterPoll): void;
}

interface Flight extends ProviderCall {
  /** From the start of the waiter's execution, whose isComplete task invokes only the user isComplete. */
  waiter?: NonNullable<ReturnType<typeof stackWaiter>> & { readonly started: number; attempt: number };
  settle(outcome: ProviderOutcome): void;
}

export class ProviderEndpoint {
  /** Listens on a free local port; the functions get the AWS SDK clients Lambda provides on NODE_PATH and endpoints that lead here. */
  static async start(options: LambdaServiceOptions): Promise<ProviderEndpoint> {
    const endpoint = new ProviderEndpoint();
    await new Promise<void>(resolve => endpoint.server.listen(0, '127.0.0.1', resolve));
    const url = endpoint.url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
    const services = ['LAMBDA', 'SFN', 'CLOUDFORMATION', 'SSM', 'S3'].map(service => [`AWS_ENDPOINT_URL_${service}`, url]);
    endpoint.lambda = new LocalLambdaService({
      ...options,
      extraEnvironment: {
        NODE_PATH: endpoint.sdkDirectory, ...Object.fromEntries(services), [RESPONSE_ENDPOINT_VARIABLE]: url, ...options.extraEnvironment,
      },
    });
    return endpoint;
  }

  private readonly server = http.createServer((request, response) => void this.serve(request, response));
  private readonly flights = new Map<string, Flight>();
  /** The current status of each stack played, by StackId. */
  private readonly stackStatuses = new Map<string, string>();
  private readonly sdkDirectory = providedSdkDirectory();
  public readonly parameterStore = new LocalParameterStore();
  /** Runs the stacks' functions, with the environment that leads them here. */
  public lambda!: LocalLambdaService;
  private readObject?: (objectKey: string) => Buffer | undefined;
  /** Where the functions reach this server. */
  public url!: string;

  private constructor() {}

  /** Sends CloudFormation's request (JSON) to the ServiceToken's function as an Event invocation; waits for the response it submits. */
  run(call: ProviderCall, request: string): Promise<ProviderOutcome> {
    const { serviceToken, resources } = call.provider;
    const framework = stackFunction(serviceToken, resources);
    if (!framework) {
      throw new Error(`ServiceToken ${serviceToken} is not the ARN of a Lambda function of this stack; the local runner plays only providers deployed with the stack`);
    }
    return new Promise<ProviderOutcome>(resolve => {
      const flight: Flight = {
        ...call,
        settle: outcome => {
          if (this.flights.get(call.requestId) !== flight) return;
          this.flights.delete(call.requestId);
          resolve(outcome);
        },
      };
      this.flights.set(call.requestId, flight);
      const serving = framework.handler === 'framework.onEvent'
        ? 'the provider\'s onEvent function' : `the custom resource's function ${framework.functionName}`;
      this.lambda.invoke(framework, request, 'Event').then(answer => {
        if (answer.functionError) flight.settle({ noResponse: `${serving} failed: ${errorMessageOf(answer)}` });
        else if (!flight.waiter) flight.settle({ noResponse: `${serving} returned without a response` });
      }, (error: Error) => flight.settle({ noResponse: `${serving} could not be invoked: ${error.message}` }));
    });
  }

  /** What DescribeStacks answers for the stack from now on. */
  stackStatusChanged(stackId: string, status: string): void {
    this.stackStatuses.set(stackId, status);
  }

  /** Where GetObject finds the objects, by key. */
  serveObjects(read: (objectKey: string) => Buffer | undefined): void {
    this.readObject = read;
  }

  async stop(): Promise<void> {
    await this.lambda.shutdown();
    const closed = new Promise(resolve => this.server.close(resolve));
    this.server.closeAllConnections();
    await closed;
    fs.rmSync(this.sdkDirectory, { recursive: true, force: true });
  }

  private async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const target = String(request.headers['x-amz-target'] ?? '');
    const form = new URLSearchParams(body);
    const functionPath = /^\/2015-03-31\/functions\/([^/]+)(\/invocations)?$/.exec(url.pathname);
    const reply = (status: number, text: string | Buffer, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(text);
    try {
      if (request.method === 'PUT') {
        // The ResponseURL's path ends with the request's key: `<StackId>|<LogicalResourceId>|<RequestId>`.
        this.flights.get(decodeURIComponent(url.pathname).split('|').pop() ?? '')?.settle({ responseBody: body });
        reply(200, '');
      } else if (functionPath?.[2]) {
        const answer = await this.invokeStackFunction(decodeURIComponent(functionPath[1]), body);
        reply(200, answer.payload, answer.functionError ? { 'X-Amz-Function-Error': answer.functionError } : {});
      } else if (functionPath) {
        // The framework waits for a function to be Active after a failed Invoke; functions here always are.
        reply(200, JSON.stringify({ Configuration: { FunctionName: decodeURIComponent(functionPath[1]), State: 'Active' } }));
      } else if (request.method === 'GET') {
        const [, bucket = '', ...key] = url.pathname.split('/').map(decodeURIComponent);
        const object = this.readObject?.(key.join('/'));
        if (object) reply(200, object, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(object.length) });
        else reply(404, noSuchKey(bucket, key.join('/')), { 'Content-Type': 'application/xml' });
      } else if (target === 'AWSStepFunctions.StartExecution') {
        reply(200, JSON.stringify(this.startExecution(JSON.parse(body))));
      } else if (target.startsWith('AmazonSSM.')) {
        const answer = this.parameterStore.serve(target.slice('AmazonSSM.'.length), JSON.parse(body || '{}'));
        reply(200, JSON.stringify(answer), { 'Content-Type': 'application/x-amz-json-1.1' });
      } else if (request.method === 'POST' && form.get('Action') === 'DescribeStacks') {
        const stackId = form.get('StackName') ?? '';
        const status = this.stackStatuses.get(stackId);
        reply(status ? 200 : 400, describeStacks(stackId, status), { 'Content-Type': 'text/xml' });
      } else {
        reply(400, JSON.stringify({ message: `the local runner does not serve ${request.method} ${url.pathname}` }));
      }
    } catch (error) {
      const { code, message } = error instanceof AwsError ? error : new AwsError('ServiceException', String((error as Error).message));
      const status = code === 'RequestEntityTooLargeException' ? 413 : CLIENT_ERRORS.has(code) ? 400 : 500;
      reply(status, JSON.stringify({ __type: code, message }), { 'x-amzn-ErrorType': code });
    }
  }

  /** A function of the stack invoked by the framework; once the waiter runs it is the user isComplete, whose answer is the waiter's progress. */

  private async invokeStackFunction(functionName: string, payload: string): Promise<InvocationAnswer> {
    const requestId = String(parseOrUndefined(payload)?.RequestId ?? '');
    const flight = this.flights.get(requestId);
    if (!flight) throw new AwsError('ResourceNotFoundException', `no custom resource request ${requestId} is in flight`);
    const fn = stackFunction(functionName, flight.provider.resources);
    if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${functionName}`);
    const answer = await this.lambda.invoke(fn, payload);
    const waiter = flight.waiter;
    if (waiter) {
      const returned = answer.functionError ? undefined : parseOrUndefined(answer.payload);
      flight.onPoll({
        attempt: waiter.attempt,
        maxAttempts: waiter.settings.maxRetries + 1,
        elapsedMs: Date.now() - waiter.started,
        complete: answer.functionError ? undefined : Boolean(returned?.IsComplete),
        answer: returned,
        logs: answer.logs.map(record => record.message),
      });
    }
    return answer;
  }

  private startExecution(request: { stateMachineArn: string; name: string; input: string }): { executionArn: string; startDate: number } {
    const flight = this.flights.get(request.name);
    const waiter = flight && stackWaiter(request.stateMachineArn, flight.provider.resources, flight.provider.pollIntervalMs);
    if (!flight || !waiter) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    checkExecutionInput(request.input);
    flight.waiter = { ...waiter, started: Date.now(), attempt: 1 };
    this.execute(flight, request.input).catch((error: Error) => flight.settle({ noResponse: `the waiter's execution failed: ${error.message}` }));
    const executionArn = `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${request.name}`;
    return { executionArn, startDate: flight.waiter.started / 1000 };
  }

  /** The waiter's execution: the isComplete task with its Retry on States.ALL, then its Catch, the onTimeout task. */
  private async execute(flight: Flight, input: string): Promise<void> {
    const waiter = flight.waiter!;
    let failure: InvocationAnswer | undefined;
    for (let retry = 0; retry <= waiter.settings.maxRetries; retry++) {
      if (retry > 0) await flight.sleep(retryDelayMs(waiter.settings, retry));
      waiter.attempt = retry + 1;
      failure = await this.lambda.invoke(waiter.isComplete, input);
      // Without a function error the framework has submitted the response.
      if (!failure.functionError) return;
    }
    const errorType = String(parseOrUndefined(failure!.payload)?.errorType ?? 'Error');
    const timeoutInput = JSON.stringify({ Error: errorType, Cause: failure!.payload });
    const timeoutState = waiter.settings.timeoutState;
    try {
      checkStateData(timeoutState, timeoutInput);
    } catch (error) {
      // Not catchable: the execution fails and nobody answers CloudFormation.
      flight.settle({ noResponse: `the waiter's execution failed with ${(error as AwsError).code}: ${(error as AwsError).message}` });
      return;
    }
    const timedOut = await this.lambda.invoke(waiter.onTimeout, timeoutInput);
    if (timedOut.functionError) flight.settle({ noResponse: `the waiter's execution failed in ${timeoutState}: ${errorMessageOf(timedOut)}` });
  }
}

/** Error codes answered with 400: the caller's mistake. */
const CLIENT_ERRORS = new Set(['ValidationException', 'ParameterAlreadyExists', 'InvalidAction']);

/** A node_modules folder with only the SDK clients the Lambda Node.js runtime provides, so that functions find nothing else of the project. */
function providedSdkDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-runtime-sdk-'));
  fs.mkdirSync(path.join(directory, '@aws-sdk'));
  for (const client of ['@aws-sdk/client-lambda', '@aws-sdk/client-sfn']) {
    fs.symlinkSync(path.dirname(require.resolve(`${client}/package.json`)), path.join(directory, client));
  }
  return directory;
}

/** CloudFormation's answer (AWS Query) with only the fields the handler reads; a stack not played here does not exist. */
function describeStacks(stackId: string, status: string | undefined): string {
  const namespace = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  if (!status) {
    return `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>ValidationError</Code>` +
      `<Message>Stack with id ${escapeXml(stackId)} does not exist</Message></Error></ErrorResponse>`;
  }
  return `<DescribeStacksResponse xmlns="${namespace}"><DescribeStacksResult><Stacks><member><StackId>${escapeXml(stackId)}</StackId>` +
    `<StackName>${escapeXml(stackId.split('/')[1] ?? stackId)}</StackName><StackStatus>${status}</StackStatus>` +
    '</member></Stacks></DescribeStacksResult></DescribeStacksResponse>';
}

function noSuchKey(bucket: string, key: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>' +
    `<Key>${escapeXml(key)}</Key><BucketName>${escapeXml(bucket)}</BucketName></Error>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function parseOrUndefined(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

function errorMessageOf(answer: InvocationAnswer): string {
  return String(parseOrUndefined(answer.payload)?.errorMessage ?? answer.payload);
}
