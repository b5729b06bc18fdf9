/**
 * The AWS side of aws-cdk-lib's Provider framework, served on one local port. The
 * framework's own code (framework.js of the synthesized asset) runs unchanged in a
 * local Lambda container; what it calls arrives here:
 *
 * - Lambda Invoke (`POST /2015-03-31/functions/{name}/invocations`) of the user
 *   functions, and GetFunction, which the framework polls after a failed Invoke;
 * - Step Functions StartExecution (JSON 1.0, `X-Amz-Target`) of the waiter: the
 *   execution runs here as the synthesized state machine says (isComplete task with
 *   its Retry, then the onTimeout task), with Step Functions' size limits;
 * - the PUT of the response to the ResponseURL, which the container's runtime
 *   (lambda/runtime.ts) sends here instead of to S3;
 * - CloudFormation DescribeStacks (AWS Query) of the stacks being played, which the
 *   handler asks to tell a rollback from a deploy;
 * - S3 GetObject (path-style `GET /{bucket}/{key}`) of the deployed file assets,
 *   where the handler reads the user ids of large memberships;
 * - Systems Manager Parameter Store (parameter-store.ts), where memberships record
 *   the users they found already present, for a rollback to keep them.
 *
 * Every call carries the custom resource request's RequestId (the payload, the
 * execution's name, the ResponseURL path), which ties it to the request in flight.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { RESPONSE_ENDPOINT_VARIABLE } from './lambda/protocol';
import { LocalLambdaService, type FunctionConfiguration, type InvocationAnswer, type LambdaServiceOptions } from './lambda/service';
import { AwsError, checkExecutionInput, checkStateData } from './limits';
import { LocalParameterStore } from './parameter-store';
import { retryDelayMs, type WaiterSettings } from './providers';

/**
 * A Provider as deployed: the framework's functions and the user functions they call;
 * or a single function that answers CloudFormation itself.
 */
export interface DeployedProvider {
  /** The function the ServiceToken names: the framework's onEvent, or the custom resource's own function. */
  readonly framework: FunctionConfiguration;
  /** The Provider framework's user onEvent; none for a function that answers CloudFormation itself. */
  readonly userOnEvent?: FunctionConfiguration;
  readonly waiter?: DeployedWaiter;
}

export interface DeployedWaiter {
  readonly stateMachineArn: string;
  readonly settings: WaiterSettings;
  /** The framework's isComplete and onTimeout functions, the state machine's two tasks. */
  readonly isComplete: FunctionConfiguration;
  readonly onTimeout: FunctionConfiguration;
  readonly userIsComplete: FunctionConfiguration;
}

export interface WaiterPoll {
  /** 1 for the first isComplete call. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly elapsedMs: number;
  /** The user isComplete's answer: IsComplete true or false (undefined when it failed). */
  readonly complete?: boolean;
  /** That answer as the function returned it, extra fields included (undefined when it failed). */
  readonly answer?: Readonly<Record<string, unknown>>;
  /** What the user's isComplete logged during this call. */
  readonly logs: readonly string[];
}

/**
 * The response body (JSON text) the provider submitted for a request, or `noResponse`
 * with the reason when it never submits one (e.g. the waiter's execution failed).
 */
export type ProviderOutcome = { readonly responseBody: string } | { readonly noResponse: string };

export interface ProviderCall {
  readonly requestId: string;
  readonly provider: DeployedProvider;
  sleep(ms: number): Promise<void>;
  onPoll(poll: WaiterPoll): void;
}

interface Flight extends ProviderCall {
  executionStarted?: number;
  attempt?: number;
  settle(outcome: ProviderOutcome): void;
}

export class ProviderEndpoint {
  /**
   * Listens on a free local port, and runs functions with what Lambda gives them for
   * the framework: the AWS SDK's Lambda and Step Functions clients on NODE_PATH, and
   * endpoints that lead to this server.
   */
  static async start(options: LambdaServiceOptions): Promise<ProviderEndpoint> {
    const endpoint = new ProviderEndpoint();
    await new Promise<void>(resolve => endpoint.server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
    endpoint.url = url;
    endpoint.lambda = new LocalLambdaService({
      ...options,
      extraEnvironment: {
        NODE_PATH: endpoint.sdkDirectory,
        AWS_ENDPOINT_URL_LAMBDA: url,
        AWS_ENDPOINT_URL_SFN: url,
        AWS_ENDPOINT_URL_CLOUDFORMATION: url,
        AWS_ENDPOINT_URL_SSM: url,
        AWS_ENDPOINT_URL_S3: url,
        [RESPONSE_ENDPOINT_VARIABLE]: url,
        ...options.extraEnvironment,
      },
    });
    return endpoint;
  }

  private readonly server = http.createServer((request, response) => void this.serve(request, response));
  private readonly flights = new Map<string, Flight>();
  /** The current status of each stack played, by StackId. */
  private readonly stackStatuses = new Map<string, string>();
  private readonly sdkDirectory = providedSdkDirectory();
  /** Parameter Store, as the functions find it. */
  public readonly parameterStore = new LocalParameterStore();
  private lambda!: LocalLambdaService;
  /** Where GetObject finds the objects (serveObjects); none until then. */
  private readObject?: (objectKey: string) => Buffer | undefined;
  /** Where the functions reach this server. */
  public url!: string;

  private constructor() {}

  /**
   * Sends `request` (CloudFormation's request, JSON) to the ServiceToken's function
   * (the framework's onEvent) as an Event invocation and waits for the response it submits.
   */
  run(call: ProviderCall, request: string): Promise<ProviderOutcome> {
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
      const serving = call.provider.userOnEvent ? 'the provider\'s onEvent function' : `the custom resource's function ${call.provider.framework.functionName}`;
      this.lambda.invoke(call.provider.framework, request, 'Event').then(answer => {
        if (answer.functionError) flight.settle({ noResponse: `${serving} failed: ${errorMessageOf(answer)}` });
        else if (flight.executionStarted === undefined) flight.settle({ noResponse: `${serving} returned without a response` });
      }, (error: Error) => flight.settle({ noResponse: `${serving} could not be invoked: ${error.message}` }));
    });
  }

  /** Invokes a function of a stack directly (RequestResponse), as a schedule would. */
  invokeFunction(configuration: FunctionConfiguration, payload: string): Promise<InvocationAnswer> {
    return this.lambda.invoke(configuration, payload);
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
    const functionPath = /^\/2015-03-31\/functions\/([^/]+)(\/invocations)?$/.exec(url.pathname);
    try {
      if (request.method === 'PUT') {
        this.receiveResponse(url.pathname, body);
        reply(response, 200, '');
      } else if (functionPath && functionPath[2]) {
        const answer = await this.invokeUserFunction(decodeURIComponent(functionPath[1]), body);
        reply(response, 200, answer.payload, answer.functionError ? { 'X-Amz-Function-Error': answer.functionError } : {});
      } else if (functionPath) {
        // The framework waits for a function to be Active after a failed Invoke; functions here always are.
        reply(response, 200, JSON.stringify({ Configuration: { FunctionName: decodeURIComponent(functionPath[1]), State: 'Active' } }));
      } else if (request.method === 'GET') {
        this.getObject(url.pathname, response);
      } else if (request.headers['x-amz-target'] === 'AWSStepFunctions.StartExecution') {
        reply(response, 200, JSON.stringify(this.startExecution(JSON.parse(body))));
      } else if (String(request.headers['x-amz-target'] ?? '').startsWith('AmazonSSM.')) {
        const action = String(request.headers['x-amz-target']).slice('AmazonSSM.'.length);
        reply(response, 200, JSON.stringify(this.parameterStore.serve(action, JSON.parse(body || '{}'))), { 'Content-Type': 'application/x-amz-json-1.1' });
      } else if (request.method === 'POST' && new URLSearchParams(body).get('Action') === 'DescribeStacks') {
        const [status, xml] = this.describeStacks(new URLSearchParams(body).get('StackName') ?? '');
        response.writeHead(status, { 'Content-Type': 'text/xml' }).end(xml);
      } else {
        reply(response, 400, JSON.stringify({ message: `the local runner does not serve ${request.method} ${url.pathname}` }));
      }
    } catch (error) {
      const { code, message } = error instanceof AwsError ? error : new AwsError('ServiceException', String((error as Error).message));
      const status = code === 'RequestEntityTooLargeException' ? 413 : CLIENT_ERRORS.has(code) ? 400 : 500;
      reply(response, status, JSON.stringify({ __type: code, message }), { 'x-amzn-ErrorType': code });
    }
  }

  /**
   * CloudFormation's answer (AWS Query, XML) for one stack by its StackId, with only
   * the fields the handler reads; a stack not played here does not exist.
   */
  private describeStacks(stackId: string): [number, string] {
    const status = this.stackStatuses.get(stackId);
    const namespace = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
    if (!status) {
      return [400, `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>ValidationError</Code>` +
        `<Message>Stack with id ${escapeXml(stackId)} does not exist</Message></Error></ErrorResponse>`];
    }
    const stackName = stackId.split('/')[1] ?? stackId;
    return [200, `<DescribeStacksResponse xmlns="${namespace}"><DescribeStacksResult><Stacks><member>` +
      `<StackId>${escapeXml(stackId)}</StackId><StackName>${escapeXml(stackName)}</StackName><StackStatus>${status}</StackStatus>` +
      '</member></Stacks></DescribeStacksResult></DescribeStacksResponse>'];
  }

  /** S3 GetObject, path-style: the bytes, or S3's XML error for a key the bucket does not hold. */
  private getObject(urlPath: string, response: http.ServerResponse): void {
    const [, bucket = '', ...key] = urlPath.split('/').map(decodeURIComponent);
    const body = this.readObject?.(key.join('/'));
    if (!body) {
      response.writeHead(404, { 'Content-Type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?>' +
        `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${escapeXml(key.join('/'))}</Key>` +
        `<BucketName>${escapeXml(bucket)}</BucketName></Error>`);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) }).end(body);
  }

  /** The ResponseURL's path ends with the request's key: `<StackId>|<LogicalResourceId>|<RequestId>`. */
  private receiveResponse(urlPath: string, body: string): void {
    const requestId = decodeURIComponent(urlPath).split('|').pop() ?? '';
    this.flights.get(requestId)?.settle({ responseBody: body });
  }

  /** A user function invoked by the framework; the user isComplete's answer is the waiter's progress. */
  private async invokeUserFunction(functionName: string, payload: string): Promise<InvocationAnswer> {
    const flight = this.flightOf(payload);
    const { userOnEvent, waiter } = flight.provider;
    const fn = [userOnEvent, waiter?.userIsComplete].find(f => f && [f.functionArn, f.functionName].includes(functionName));
    if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${functionName}`);
    const answer = await this.lambda.invoke(fn, payload);
    if (waiter && fn === waiter.userIsComplete) {
      const returned = answer.functionError ? undefined : parseOrUndefined(answer.payload);
      flight.onPoll({
        attempt: flight.attempt ?? 1,
        maxAttempts: waiter.settings.maxRetries + 1,
        elapsedMs: Date.now() - (flight.executionStarted ?? Date.now()),
        complete: answer.functionError ? undefined : Boolean(returned?.IsComplete),
        answer: returned,
        logs: answer.logs.map(record => record.message),
      });
    }
    return answer;
  }

  private startExecution(request: { stateMachineArn: string; name: string; input: string }): { executionArn: string; startDate: number } {
    const flight = this.flights.get(request.name);
    if (!flight?.provider.waiter || flight.provider.waiter.stateMachineArn !== request.stateMachineArn) {
      throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${request.stateMachineArn}'`);
    }
    checkExecutionInput(request.input);
    flight.executionStarted = Date.now();
    this.execute(flight, flight.provider.waiter, request.input).catch((error: Error) =>
      flight.settle({ noResponse: `the waiter's execution failed: ${error.message}` }));
    const executionArn = `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${request.name}`;
    return { executionArn, startDate: flight.executionStarted / 1000 };
  }

  /** The waiter's execution: the isComplete task with its Retry on States.ALL, then its Catch, the onTimeout task. */
  private async execute(flight: Flight, waiter: DeployedWaiter, input: string): Promise<void> {
    const { settings } = waiter;
    let failure: InvocationAnswer | undefined;
    for (let retry = 0; retry <= settings.maxRetries; retry++) {
      if (retry > 0) await flight.sleep(retryDelayMs(settings, retry));
      flight.attempt = retry + 1;
      failure = await this.lambda.invoke(waiter.isComplete, input);
      // Without a function error the framework has submitted the response.
      if (!failure.functionError) return;
    }
    const errorType = String(parseOrUndefined(failure!.payload)?.errorType ?? 'Error');
    const timeoutInput = JSON.stringify({ Error: errorType, Cause: failure!.payload });
    try {
      checkStateData(settings.timeoutState, timeoutInput);
    } catch (error) {
      // Not catchable: the execution fails and nobody answers CloudFormation.
      flight.settle({ noResponse: `the waiter's execution failed with ${(error as AwsError).code}: ${(error as AwsError).message}` });
      return;
    }
    const timedOut = await this.lambda.invoke(waiter.onTimeout, timeoutInput);
    if (timedOut.functionError) flight.settle({ noResponse: `the waiter's execution failed in ${settings.timeoutState}: ${errorMessageOf(timedOut)}` });
  }

  private flightOf(payload: string): Flight {
    const requestId = String(parseOrUndefined(payload)?.RequestId ?? '');
    const flight = this.flights.get(requestId);
    if (!flight) throw new AwsError('ResourceNotFoundException', `no custom resource request ${requestId} is in flight`);
    return flight;
  }
}

/** Error codes answered with 400: the caller's mistake. */
const CLIENT_ERRORS = new Set(['ValidationException', 'ParameterAlreadyExists', 'InvalidAction']);

/**
 * A node_modules folder with only the SDK clients the Lambda Node.js runtime provides
 * (linked from this project's), so that functions find nothing else of the project.
 */
function providedSdkDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-runtime-sdk-'));
  fs.mkdirSync(path.join(directory, '@aws-sdk'));
  for (const client of ['@aws-sdk/client-lambda', '@aws-sdk/client-sfn']) {
    fs.symlinkSync(path.dirname(require.resolve(`${client}/package.json`)), path.join(directory, client));
  }
  return directory;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function reply(response: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(body);
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
