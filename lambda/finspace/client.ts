/**
 * A small typed client for the FinSpace Data API, standing in for
 * @aws-sdk/client-finspace-data: the SDK's types, its SigV4 signer and retry
 * strategy (retry.ts), and Node's HTTP (transport.ts).
 *
 * Authorization takes two steps. The base credentials (the Lambda role's) may
 * only call GetProgrammaticAccessCredentials; FinSpace answers with temporary
 * credentials of the FinSpace user registered for that role, and those sign
 * every other call. They also name the environment, which no other operation
 * takes as a parameter: one client serves one environment.
 */
import { Hash } from '@smithy/core/serde';
import type { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { sharedVendedCredentialCache, type VendedCredentialCache, type VendedCredentials } from './credential-cache';
import { deserializeResponse } from './deserialize';
import { resolveEndpoint, resolveRegion, type Endpoint } from './endpoint';
import { credentialsFromEnvironment } from './environment-credentials';
import { FinSpaceDataError, isFinSpaceError, requestIdOf } from './errors';
import type * as m from './model';
import { OPERATIONS, type OperationDescriptor } from './operations';
import { backoffDelayMs, classifyRetry, createRetryStrategy, DEFAULT_RETRY_MODE, isNetworkError, isTransient, retryErrorInfo, type RetryMode } from './retry';
import { SendWindow } from './send-window';
import { serializeRequest } from './serialize';
import { defaultRequestHandler, exchange, type RequestHandler } from './transport';

/** SigV4 service name from the model's `signingName`. */
const SIGNING_NAME = 'finspace-api';

/** The longest the service allows, so a warm Lambda fetches as rarely as possible. */
export const DEFAULT_CREDENTIAL_DURATION_MINUTES = 60;

/**
 * One line per HTTP attempt. By construction it holds no request or response
 * content: names, descriptions, e-mail addresses and credentials never reach it.
 */
export interface FinSpaceDebugEvent {
  readonly operation: m.OperationName;
  /** 1 for the first attempt of a call. */
  readonly attempt: number;
  /** Absent when no response arrived. */
  readonly statusCode?: number;
  readonly requestId?: string;
  /** The service's error type, or the Node error code of a network failure. */
  readonly errorType?: string;
  readonly elapsedMs: number;
}

export interface FinSpaceDataClientConfig {
  /** The FinSpace environment whose users and groups this client manages. */
  readonly environmentId: string;
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION. */
  readonly region?: string;
  /**
   * Default: AWS_ENDPOINT_URL_FINSPACE_DATA, then AWS_ENDPOINT_URL, then
   * https://finspace-api.{region}.amazonaws.com.
   */
  readonly endpoint?: string;
  /**
   * Credentials allowed to call GetProgrammaticAccessCredentials.
   * Default: the role credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
   * AWS_SESSION_TOKEN, as a Lambda receives them. Called before every
   * operation, so a provider that does I/O should cache its answer.
   */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Lifetime requested for vended credentials, 1..60. Default: 60. */
  readonly credentialDurationMinutes?: number;
  /** Attempts per call, first one included. Default: DEFAULT_MAX_ATTEMPTS (8). */
  readonly maxAttempts?: number;
  /** Default: 'adaptive' (a send window that narrows after throttles). */
  readonly retryMode?: RetryMode;
  /**
   * The window of attempts in flight, shared by the clients of one Lambda environment
   * so that it outlives an invocation. Default: a window of this client's own in
   * 'adaptive' mode, none in 'standard'.
   */
  readonly sendWindow?: SendWindow;
  /**
   * Keeps a call going past its attempts while a transient failure (throttling, 5xx,
   * a lost connection) lasts: another round of attempts starts after a pause, until
   * the deadline this returns (epoch ms). Default: a call fails once its attempts
   * are used.
   */
  readonly keepTrying?: KeepTrying;
  /**
   * When every call must be over (epoch ms, by `now`): no attempt starts and no pause
   * between attempts runs past it, and an attempt still waiting for its answer then
   * is abandoned. The call fails with its last error (or a TimeoutError). Without it,
   * the backoff of one call may outlast the Lambda. Default: no deadline.
   */
  readonly callsEndBy?: () => number | undefined;
  /**
   * The wait before retry number `retryCount + 1` of a call that failed with `error`.
   * Default: the SDK's exponential backoff with full jitter (backoffDelayMs).
   */
  readonly backoff?: (retryCount: number, error: unknown) => number;
  /** Waits between attempts. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Replaces the strategy built from maxAttempts. */
  readonly retryStrategy?: RetryStrategyV2;
  /** Default: the module-wide keep-alive NodeRequestHandler (transport.ts). */
  readonly requestHandler?: RequestHandler;
  /** Receives one event per HTTP attempt. */
  readonly logger?: (event: FinSpaceDebugEvent) => void;
  /** Clock for signatures, credential expiry and deadlines, epoch ms. Default: Date.now. */
  readonly now?: () => number;
  /** Default: the module-wide cache that survives between warm invocations. */
  readonly credentialCache?: VendedCredentialCache;
}

export interface KeepTrying {
  /** No new round of attempts starts after this (epoch ms); undefined: none starts. */
  readonly until: () => number | undefined;
  /** Between rounds. Default: 5 s, plus up to as much again at random. */
  readonly pauseMs?: number;
}

const DEFAULT_ROUND_PAUSE_MS = 5_000;

/**
 * One method per operation, named as in the AWS SDK (`listUsers` for ListUsers), each
 * `send` with its operation name: the methods are made from the operation table below
 * the class rather than written out sixteen times.
 */
export type FinSpaceDataOperationMethods = {
  readonly [Op in m.OperationName as Uncapitalize<Op>]: (input: m.OperationInput<Op>) => Promise<m.OperationOutput<Op>>;
};

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface FinSpaceDataClient extends FinSpaceDataOperationMethods {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class FinSpaceDataClient {
  public readonly environmentId: string;
  public readonly region: string;
  public readonly endpoint: Endpoint;

  private readonly baseCredentials: AwsCredentialIdentityProvider;
  private readonly credentialDurationMinutes: number;
  private readonly retryStrategy: RetryStrategyV2;
  private readonly sendWindow?: SendWindow;
  private readonly keepTrying?: KeepTrying;
  private readonly callsEndBy: () => number | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoff: (retryCount: number, error: unknown) => number;
  private readonly requestHandler: RequestHandler;
  private readonly logger?: (event: FinSpaceDebugEvent) => void;
  private readonly now: () => number;
  private readonly credentialCache: VendedCredentialCache;

  constructor(config: FinSpaceDataClientConfig) {
    if (!config.environmentId) throw new Error('FinSpace Data client needs an environmentId.');
    this.environmentId = config.environmentId;
    this.region = resolveRegion(config.region);
    this.endpoint = resolveEndpoint(this.region, config.endpoint);
    this.baseCredentials = config.credentials ?? credentialsFromEnvironment;
    this.credentialDurationMinutes = config.credentialDurationMinutes ?? DEFAULT_CREDENTIAL_DURATION_MINUTES;
    this.retryStrategy = config.retryStrategy ?? createRetryStrategy(config.maxAttempts);
    this.sendWindow = config.sendWindow ?? ((config.retryMode ?? DEFAULT_RETRY_MODE) === 'adaptive' ? new SendWindow() : undefined);
    this.keepTrying = config.keepTrying;
    this.callsEndBy = config.callsEndBy ?? (() => undefined);
    this.sleep = config.sleep ?? sleep;
    this.backoff = config.backoff ?? backoffDelayMs;
    this.requestHandler = config.requestHandler ?? defaultRequestHandler();
    this.logger = config.logger;
    this.now = config.now ?? Date.now;
    this.credentialCache = config.credentialCache ?? sharedVendedCredentialCache;
  }

  /** Calls any operation by its model name. */
  public async send<Op extends m.OperationName>(operation: Op, input: m.OperationInput<Op>): Promise<m.OperationOutput<Op>> {
    const request = serializeRequest(operation, input, this.endpoint);
    const sensitive = sensitiveValues(OPERATIONS[operation], input);

    if (operation === 'GetProgrammaticAccessCredentials') {
      return this.sendWithRetries(operation, request, await this.baseCredentials(), sensitive);
    }
    const first = await this.vendedCredentials();
    try {
      return await this.sendWithRetries(operation, request, first.identity, sensitive);
    } catch (error) {
      if (!isCredentialRejection(error)) throw error;
      // Revoked, or expired earlier than computed (the service reports no expiry
      // time): renew once and repeat the call, which is safe because the request
      // and its idempotency token are unchanged.
      this.credentialCache.invalidate(first.cacheKey, first.identity);
      const renewed = await this.vendedCredentials();
      return this.sendWithRetries(operation, request, renewed.identity, sensitive);
    }
  }

  /**
   * The cache key holds the base access key so that a rotated or different role
   * never reuses credentials vended to another.
   */
  private async vendedCredentials(): Promise<{ identity: AwsCredentialIdentity; cacheKey: string }> {
    const base = await this.baseCredentials();
    const cacheKey = [this.endpoint.url, this.environmentId, base.accessKeyId].join('\n');
    const identity = await this.credentialCache.get(cacheKey, this.now(), () => this.fetchVendedCredentials());
    return { identity, cacheKey };
  }

  private async fetchVendedCredentials(): Promise<VendedCredentials> {
    const issuedAt = this.now();
    const answer = await this.getProgrammaticAccessCredentials({
      environmentId: this.environmentId,
      durationInMinutes: this.credentialDurationMinutes,
    });
    const { accessKeyId, secretAccessKey, sessionToken } = answer.credentials ?? {};
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('GetProgrammaticAccessCredentials answered without credentials.');
    }
    const minutes = answer.durationInMinutes ?? this.credentialDurationMinutes;
    return {
      identity: { accessKeyId, secretAccessKey, sessionToken },
      issuedAt,
      expiresAt: issuedAt + minutes * 60_000,
    };
  }

  /**
   * One call: sign, send, and on failure let the retry strategy decide whether
   * and when to try again. Each attempt is signed anew, as the SDK does: a
   * signature carries its time, and the service refuses stale ones.
   */
  private async sendWithRetries<Op extends m.OperationName>(
    operation: Op,
    request: HttpRequest,
    credentials: AwsCredentialIdentity,
    sensitive: readonly string[],
  ): Promise<m.OperationOutput<Op>> {
    const signer = new SignatureV4({
      service: SIGNING_NAME,
      region: this.region,
      credentials,
      // Node's crypto, as the AWS SDK signs in Node (the whole of @smithy/hash-node is
      // this class). @aws-crypto/sha256-js, its browser fallback, computes the same in
      // JavaScript: slower, and 5 kB more in the bundle.
      sha256: Hash.bind(null, 'sha256'),
    });
    let retryToken = await this.retryStrategy.acquireInitialRetryToken('');
    for (let attempt = 1; ; attempt++) {
      const timeLeft = this.timeLeftMs();
      if (timeLeft <= 0) throw deadlinePassed(operation);
      const signed = (await signer.sign(request, { signingDate: new Date(this.now()) })) as HttpRequest;
      const started = Date.now();
      let output: m.OperationOutput<Op> | undefined;
      let failure: { readonly error: unknown } | undefined;
      let statusCode: number | undefined;
      let requestId: string | undefined;
      const slot = await this.sendWindow?.acquire();
      try {
        const response = await exchangeWithin(this.requestHandler, signed, slot ? this.timeLeftMs() : timeLeft, operation);
        statusCode = response.statusCode;
        requestId = requestIdOf(response.headers);
        output = deserializeResponse(operation, response, sensitive);
      } catch (error) {
        failure = { error };
      }
      slot?.release(failure !== undefined && classifyRetry(failure.error) === 'THROTTLING');
      this.logger?.({
        operation,
        attempt,
        statusCode,
        requestId,
        errorType: failure && errorTypeOf(failure.error),
        elapsedMs: Date.now() - started,
      });
      if (!failure) {
        this.retryStrategy.recordSuccess(retryToken);
        return output as m.OperationOutput<Op>;
      }
      const delay = this.backoff(retryToken.getRetryCount(), failure.error);
      try {
        retryToken = await this.retryStrategy.refreshRetryTokenForRetry(retryToken, retryErrorInfo(failure.error));
      } catch {
        // Not retryable, attempts exhausted, or retry quota spent.
        const pause = this.nextRoundPause(failure.error);
        if (pause === undefined) throw failure.error;
        await this.sleep(pause);
        retryToken = await this.retryStrategy.acquireInitialRetryToken('');
        continue;
      }
      // An attempt after the deadline would never run: fail now with what FinSpace said.
      if (delay >= this.timeLeftMs()) throw failure.error;
      await this.sleep(delay);
    }
  }

  /** Milliseconds until callsEndBy; unbounded without it. */
  private timeLeftMs(): number {
    const deadline = this.callsEndBy();
    return deadline === undefined ? Number.POSITIVE_INFINITY : deadline - this.now();
  }

  /**
   * The pause before another round of attempts at a call whose attempts are used,
   * or undefined when it must fail now: the failure is not transient, or the
   * deadline would pass.
   */
  private nextRoundPause(error: unknown): number | undefined {
    const deadline = this.keepTrying?.until();
    if (deadline === undefined || !isTransient(error)) return undefined;
    const base = this.keepTrying!.pauseMs ?? DEFAULT_ROUND_PAUSE_MS;
    const pause = base + Math.floor(Math.random() * base);
    return this.now() + pause < deadline && pause < this.timeLeftMs() ? pause : undefined;
  }
}

for (const operation of Object.keys(OPERATIONS) as m.OperationName[]) {
  // As a class method is: writable and configurable (tests may replace it), not enumerable.
  Object.defineProperty(FinSpaceDataClient.prototype, operation[0].toLowerCase() + operation.slice(1), {
    value(this: FinSpaceDataClient, input: object) {
      return this.send(operation, input as never);
    },
    writable: true,
    configurable: true,
  });
}

/**
 * One attempt, abandoned when it has not been answered within `timeLeftMs`: the
 * caller's deadline is nearer than the transport's own timeout.
 */
async function exchangeWithin(handler: RequestHandler, request: HttpRequest, timeLeftMs: number, operation: m.OperationName) {
  if (!Number.isFinite(timeLeftMs)) return exchange(handler, request);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeLeftMs);
  try {
    return await exchange(handler, request, abort.signal);
  } catch (error) {
    if (abort.signal.aborted) throw deadlinePassed(operation);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Transient by its name (see isNetworkError): the next invocation may try again. */
function deadlinePassed(operation: m.OperationName): Error {
  return Object.assign(new Error(`${operation} was not answered before the invocation's deadline`), { name: 'TimeoutError' });
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Temporary credentials the service no longer accepts. */
function isCredentialRejection(error: unknown): boolean {
  return isFinSpaceError(error, 'ExpiredTokenException') || isFinSpaceError(error, 'UnrecognizedClientException');
}

function errorTypeOf(error: unknown): string {
  if (error instanceof FinSpaceDataError) return error.name;
  if (isNetworkError(error)) return error.code ?? error.name;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'UnknownError';
}

function sensitiveValues(descriptor: OperationDescriptor, input: unknown): string[] {
  const members = input as Readonly<Record<string, unknown>>;
  return (descriptor.sensitive ?? [])
    .map((name) => members[name])
    .filter((value): value is string => typeof value === 'string');
}
