/**
 * One Lambda execution environment of the handler. What the handler keeps at
 * module scope in Lambda (its FinSpace client per environment, the vended
 * credentials, the adaptive retry's rate limiter) lives here, so two shards
 * that CloudFormation runs at once get two environments, as they would in
 * Lambda, and a warm environment keeps its state between polls.
 *
 * Invocations go through `handle()`, the function Lambda's entry points call,
 * with the settings the synthesized function's environment variables give.
 */
import type { RetryStrategyV2 } from '@smithy/types';
import { HANDLER_ROLE_KEYS } from './finspace-seed';
import type { SynthesizedFunction } from './synthesized-stack';
import { handle } from '../../lambda';
import { FinSpaceDataClient, VendedCredentialCache, type RetryMode } from '../../lambda/finspace';
import { settingsFromEnvironment, type HandlerContext, type HandlerSettings } from '../../lambda/handler-context';
import type { OnEventRequest } from '../../lambda/provider-types';

/** Where the handler's FinSpace calls go, and how its client is configured. */
export interface FinSpaceTarget {
  readonly endpoint: string;
  readonly region: string;
  /** Default: the client's own default ('adaptive'). */
  readonly retryMode?: RetryMode;
  /** Builds each client's retry strategy instead (to observe it); the client's default otherwise. */
  readonly retryStrategy?: () => RetryStrategyV2;
}

export class LambdaContainer {
  /** Invocations that ran past the function's timeout: Lambda would have stopped them. */
  public timeouts = 0;
  private readonly settings: HandlerSettings;
  private readonly clients = new Map<string, FinSpaceDataClient>();
  private readonly credentialCache = new VendedCredentialCache();

  constructor(private readonly fn: SynthesizedFunction, private readonly target: FinSpaceTarget) {
    this.settings = settingsFromEnvironment(fn.environment);
  }

  /** Whether the handler called FinSpace from this environment (and so fetched credentials here). */
  public get calledFinSpace(): boolean {
    return this.clients.size > 0;
  }

  public async invoke<R>(event: OnEventRequest, phase: 'onEvent' | 'isComplete'): Promise<R> {
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
      return await handle<R>(event, context, phase);
    } finally {
      if (Date.now() - startedAt > this.fn.timeoutMs) this.timeouts++;
    }
  }

  /** What the handler's sharedClientFor builds, pointed at the emulator with the role's keys. */
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
