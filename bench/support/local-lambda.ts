/**
 * The handler's Lambda environments as the local runner runs them: the bundle the
 * npm package ships, in warm child-process containers (local/runner/lambda), with
 * the synthesized function's environment variables, the role's keys, and the
 * emulator as FinSpace's endpoint. The handler builds its own FinSpace clients
 * (lambdaClientFor), keeps its module state per container and its deadlines per
 * invocation, exactly as in Lambda. The runner's provider endpoint serves the
 * containers Parameter Store (the rollback record of members found already present)
 * and CloudFormation's DescribeStacks, as in a deployment by the runner.
 */
import * as path from 'path';
import { buildHandlerAsset } from './bundle';
import { HANDLER_ROLE_KEYS } from './finspace-seed';
import type { FinSpaceEndpoint, LambdaHost, ResourceFunctions } from './lambda-host';
import type { SynthesizedFunction, SynthesizedMembership } from './synthesized-stack';
import type { OnEventRequest } from '../../lambda/provider-types';
import type { FunctionConfiguration, InvocationAnswer } from '../../local/runner/lambda/service';
import { ProviderEndpoint } from '../../local/runner/provider-endpoint';

/** The asset's folder (LAMBDA_TASK_ROOT), built once per bench process so that every suite measures the current sources. */
let handlerCode: string | undefined;

export class LocalLambdaHost implements LambdaHost {
  public static async start(stack: SynthesizedMembership, target: FinSpaceEndpoint): Promise<LocalLambdaHost> {
    handlerCode ??= path.dirname(buildHandlerAsset());
    const endpoint = await ProviderEndpoint.start({
      credentials: HANDLER_ROLE_KEYS,
      extraEnvironment: { AWS_ENDPOINT_URL_FINSPACE_DATA: target.endpoint },
    });
    return new LocalLambdaHost(stack, target, endpoint);
  }

  public timeouts = 0;

  private constructor(
    private readonly stack: SynthesizedMembership,
    private readonly target: FinSpaceEndpoint,
    private readonly endpoint: ProviderEndpoint,
  ) {}

  public stackStatusChanged(stackId: string, status: string): void {
    this.endpoint.stackStatusChanged(stackId, status);
  }

  /**
   * Functions named after the resource, so that each resource's onEvent and isComplete
   * get containers of their own, as the in-process model gives them.
   */
  public functionsFor(logicalId: string): ResourceFunctions {
    const onEvent = this.configuration(`${logicalId}-onEvent`, 'index.onEvent', this.stack.onEvent);
    const isComplete = this.configuration(`${logicalId}-isComplete`, 'index.isComplete', this.stack.isComplete);
    return {
      onEvent: event => this.invoke(onEvent, event),
      isComplete: event => this.invoke(isComplete, event),
    };
  }

  public close(): Promise<void> {
    return this.endpoint.stop();
  }

  private async invoke(configuration: FunctionConfiguration, event: OnEventRequest): Promise<unknown> {
    const answer = await this.endpoint.lambda.invoke(configuration, JSON.stringify(event));
    if (!answer.functionError) return JSON.parse(answer.payload);
    const error = errorOf(answer);
    if (error.name === 'Sandbox.Timedout') this.timeouts++;
    throw error;
  }

  private configuration(name: string, handler: string, fn: SynthesizedFunction): FunctionConfiguration {
    const functionName = `BenchMembership-${name}`;
    return {
      functionName,
      functionArn: `arn:aws:lambda:${this.target.region}:111122223333:function:${functionName}`,
      handler,
      runtime: 'nodejs22.x',
      codeDirectory: handlerCode!,
      timeoutSeconds: fn.timeoutMs / 1000,
      memorySize: 128,
      logGroupName: `/aws/lambda/${functionName}`,
      variables: fn.environment,
    };
  }
}

/** The handler's error as framework.js would see it: its type and message. */
function errorOf(answer: InvocationAnswer): Error {
  const payload = JSON.parse(answer.payload) as { errorType?: string; errorMessage?: string; trace?: string[] };
  const error = new Error(payload.errorMessage ?? answer.payload);
  error.name = payload.errorType ?? 'Error';
  if (payload.trace && payload.trace.length > 0) error.stack = payload.trace.join('\n');
  return error;
}
