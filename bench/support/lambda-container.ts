/**
 * The handler's Lambda environments in this process, for the one suite that must
 * reach inside them: the throttling suite builds each client's retry strategy
 * itself, to run the handler with standard retry and to read the adaptive rate
 * limiter's state, neither of which a process boundary lets through. Every other
 * suite runs the shipped bundle in the local runner's containers (local-lambda.ts).
 *
 * What the handler keeps at module scope in Lambda (its FinSpace client per
 * environment, the vended credentials, the adaptive retry's rate limiter) lives in
 * an InProcessEnvironment, so a warm environment keeps its state between polls.
 * Invocations go through `handle()`, the function Lambda's entry points call, with
 * the settings the synthesized function's environment variables give. The clients
 * have no invocation deadlines, as this suite's figures were always measured.
 */
import type { RetryStrategyV2 } from '@smithy/types';
import { HANDLER_ROLE_KEYS } from './finspace-seed';
import type { FinSpaceEndpoint, LambdaHost, ResourceFunctions } from './lambda-host';
import type { SynthesizedFunction, SynthesizedMembership } from './synthesized-stack';
import { handle } from '../../lambda';
import { FinSpaceDataClient, VendedCredentialCache, type RetryMode } from '../../lambda/finspace';
import { settingsFromEnvironment, type HandlerContext, type HandlerSettings } from '../../lambda/handler-context';
import type { OnEventRequest } from '../../lambda/provider-types';

/** The handler's client configured otherwise than Lambda's. */
export interface RetryChoice {
  /** Default: the client's own default ('adaptive'). */
  readonly retryMode?: RetryMode;
  /** Builds each environment's retry strategy instead (to observe it). */
  readonly retryStrategy?: () => RetryStrategyV2;
}

export class InProcessLambdaHost implements LambdaHost {
  private readonly environments: InProcessEnvironment[] = [];

  constructor(private readonly stack: SynthesizedMembership, private readonly target: FinSpaceEndpoint & RetryChoice) {}

  public get timeouts(): number {
    return this.environments.reduce((sum, environment) => sum + environment.timeouts, 0);
  }

  public functionsFor(_logicalId: string): ResourceFunctions {
    const onEvent = new InProcessEnvironment(this.stack.onEvent, this.target);
    const isComplete = new InProcessEnvironment(this.stack.isComplete, this.target);
    this.environments.push(onEvent, isComplete);
    return {
      onEvent: event => onEvent.invoke(event, 'onEvent'),
      isComplete: event => isComplete.invoke(event, 'isComplete'),
    };
  }

  public async close(): Promise<void> {}
}

class InProcessEnvironment {
  /** Invocations that ran past the function's timeout: Lambda would have stopped them. */
  public timeouts = 0;
  private readonly settings: HandlerSettings;
  private readonly clients = new Map<string, FinSpaceDataClient>();
  private readonly credentialCache = new VendedCredentialCache();

  constructor(private readonly fn: SynthesizedFunction, private readonly target: FinSpaceEndpoint & RetryChoice) {
    this.settings = settingsFromEnvironment(fn.environment);
  }

  public async invoke(event: OnEventRequest, phase: 'onEvent' | 'isComplete'): Promise<unknown> {
    const startedAt = Date.now();
    const context: HandlerContext = {
      settings: this.settings,
      clientFor: environmentId => this.clientFor(environmentId),
      now: Date.now,
      remainingTimeMs: () => this.fn.timeoutMs - (Date.now() - startedAt),
      log: () => undefined,
      // The benchmarks play forward deploys only: no stack of theirs rolls back.
      stackStatus: async () => 'UPDATE_IN_PROGRESS',
    };
    try {
      return await handle(event, context, phase);
    } finally {
      if (Date.now() - startedAt > this.fn.timeoutMs) this.timeouts++;
    }
  }

  private clientFor(environmentId: string): FinSpaceDataClient {
    let client = this.clients.get(environmentId);
    if (!client) {
      client = new FinSpaceDataClient({
        environmentId,
        region: this.target.region,
        endpoint: this.target.endpoint,
        credentials: async () => HANDLER_ROLE_KEYS,
        retryMode: this.target.retryMode,
        retryStrategy: this.target.retryStrategy?.(),
        credentialCache: this.credentialCache,
      });
      this.clients.set(environmentId, client);
    }
    return client;
  }
}
