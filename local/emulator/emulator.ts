/**
 * The emulator as an HTTP server with its control surface, and one API request from
 * arrival to answer in the service's order: route, faults, authentication, parsing,
 * validation, authorization, idempotency, the operation, serialization.
 */
import { randomUUID } from 'crypto';
import { once } from 'events';
import * as http from 'http';
import { AddressInfo } from 'net';
import { setTimeout as sleep } from 'timers/promises';
import { AccessKeys, Principal, authorizeUserManagement } from './access';
import { ADMIN_PREFIX, handleAdminRequest } from './admin';
import { DEFAULT_BEHAVIOUR, EmulatorBehaviour, changeBehaviour } from './behaviour';
import { EmulatorSnapshot, EnvironmentState, snapshotOf } from './environment';
import { ServiceError, asDeclaredError, frontDoorError, modeledError } from './errors';
import { FaultCounts, FaultInjector, FaultKind, FaultOptions, checkFaultOptions, emptyCounts } from './faults';
import { IdempotencyCache, fingerprintOf } from './idempotency';
import { OperationName, idempotencyMembersOf, inputShapeOf, serviceModel, viewAs } from './model';
import { USER_OPERATIONS } from './operations';
import { PageTokens } from './pagination';
import { HttpAnswer, OperationInput, WireRequest, matchRoute, deserializeInput, serializeError, serializeOutput } from './protocol';
import { EmulatorSeed, addSeed } from './seed';
import { describeViolations, validateStructure } from './validation';

/** API Gateway's payload limit; the API's largest request is a few kilobytes. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Defaults in README.md. */
export interface EmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** The region requests must be signed for. Default us-east-1. */
  readonly region?: string;
  readonly seed?: EmulatorSeed;
  readonly behaviour?: Partial<EmulatorBehaviour>;
  readonly faults?: FaultOptions;
  /** Clock in ms (default Date.now). Drives signatures' skew, expiry, membership and token lifetimes. */
  readonly now?: () => number;
}

/** The record of an API request the emulator answered (admin routes are not recorded). Sensitive values never enter it. */
export interface CallRecord {
  readonly operation: OperationName | 'UnknownOperation';
  /** From the vended credentials, or the environmentId asked for credentials. */
  readonly environmentId?: string;
  /** 0 when the connection was reset before anything was done. */
  readonly statusCode: number;
  readonly errorType?: string;
  readonly fault?: FaultKind;
  /** Emulator clock. */
  readonly time: number;
  readonly requestId: string;
  /** To check that a client's retries reuse it. */
  readonly clientToken?: string;
  readonly replayed?: boolean;
}

/** A call record while its request is handled. */
type CallDetails = { -readonly [Key in keyof CallRecord]?: CallRecord[Key] } & { readonly requestId: string };

/** Its members are documented in README.md (Use in tests). */
export class FinSpaceEmulator {
  static async start(options: EmulatorOptions = {}): Promise<FinSpaceEmulator> {
    const emulator = new FinSpaceEmulator(options);
    // once() rejects on 'error' (a port in use) instead.
    await once(emulator.server.listen(options.port ?? 0, options.host ?? '127.0.0.1'), 'listening');
    const address = emulator.server.address() as AddressInfo;
    emulator.endpointUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    return emulator;
  }

  readonly region: string;
  /** e.g. `http://127.0.0.1:43121`. */
  get endpoint(): string {
    return this.endpointUrl;
  }

  private endpointUrl = '';
  private readonly server: http.Server;
  /** Aborts the real-time waits for injected latency when the emulator stops. */
  private readonly stopping = new AbortController();
  private readonly environments = new Map<string, EnvironmentState>();
  private readonly keys = new AccessKeys();
  private readonly idempotency = new IdempotencyCache();
  private readonly pages = new PageTokens();
  private readonly clock: () => number;
  private clockOffsetMs = 0;
  private faultInjector?: FaultInjector;
  private callLog: CallRecord[] = [];
  private currentBehaviour: EmulatorBehaviour;

  private constructor(options: EmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.clock = options.now ?? Date.now;
    this.currentBehaviour = changeBehaviour(DEFAULT_BEHAVIOUR, options.behaviour ?? {});
    if (options.faults) this.setFaults(options.faults);
    if (options.seed) this.seed(options.seed);
    this.server = http.createServer((request, response) => {
      this.onRequest(request, response).catch(() => response.destroy());
    });
  }

  get calls(): readonly CallRecord[] {
    return this.callLog;
  }

  /** Starts a new list; lists returned earlier are left as they were. */
  resetCalls(): void {
    this.callLog = [];
  }

  get behaviour(): EmulatorBehaviour {
    return this.currentBehaviour;
  }

  setBehaviour(change: Partial<EmulatorBehaviour>): void {
    this.currentBehaviour = changeBehaviour(this.currentBehaviour, change);
  }

  get faults(): FaultOptions | undefined {
    return this.faultInjector?.options;
  }

  /** Replaces the fault options (undefined: none), restarting the generator from its seed and the counts from 0. */
  setFaults(options: FaultOptions | undefined): void {
    this.faultInjector = options === undefined ? undefined : new FaultInjector(checkFaultOptions(options), this.now());
  }

  faultCounts(): FaultCounts {
    return this.faultInjector?.counts() ?? emptyCounts();
  }

  seed(seed: EmulatorSeed): void {
    addSeed(seed, { environments: this.environments, keys: this.keys }, this.now());
  }

  snapshot(): EmulatorSnapshot {
    return snapshotOf(this.environments.values(), this.now());
  }

  expireCredentials(environmentId?: string): void {
    this.keys.expire(this.now(), environmentId);
  }

  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /** For tools that cannot inject a clock; clients signing with real time fail the 15-minute skew check past that. */
  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceClock needs a number of ms >= 0');
    this.clockOffsetMs += ms;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    // Requests waiting out injected latency are dropped with their connections, not finished.
    this.stopping.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async onRequest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    // The path is kept as sent, not normalized: SigV4 signs it so.
    const queryAt = url.includes('?') ? url.indexOf('?') : url.length;
    const rawPath = url.slice(0, queryAt);
    const body = await readBody(request);
    if (!body) {
      response.setHeader('connection', 'close');
      const tooLarge = frontDoorError('RequestEntityTooLargeException', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
      return writeAnswer(response, serializeError(tooLarge, randomUUID()));
    }
    const method = request.method ?? 'GET';
    if (rawPath.startsWith(ADMIN_PREFIX)) return writeAnswer(response, handleAdminRequest(this, method, rawPath, body, randomUUID()));
    // Repeated headers are joined with ',' (what SigV4 canonicalization expects), which node's `headers` does not do for all.
    const headers = Object.fromEntries(Object.entries(request.headersDistinct).map(([name, values]) => [name, values!.join(',')]));
    const query = new URLSearchParams(url.slice(queryAt + 1));
    const call: CallDetails = { requestId: randomUUID() };
    const answer = await this.handle({ method, rawPath, query, headers, body }, call);
    this.callLog.push(Object.fromEntries(Object.entries(call).filter(([, value]) => value !== undefined)) as unknown as CallRecord);
    // Without an answer (a reset fault) the connection drops; reset-after-write drops it after the effect.
    if (answer && call.fault !== 'reset-after-write') writeAnswer(response, answer);
    else request.socket.destroy();
  }

  /** What to answer (none: drop the connection); fills in the call record. */
  private async handle(request: WireRequest, call: CallDetails): Promise<HttpAnswer | undefined> {
    const route = matchRoute(request.method, request.rawPath);
    call.operation = route?.operation ?? 'UnknownOperation';
    const fail = (error: ServiceError) => {
      Object.assign(call, { statusCode: error.statusCode, errorType: error.errorType, time: this.now() });
      return serializeError(error, call.requestId);
    };
    if (!route) return fail(frontDoorError('UnknownOperationException', `No operation matches ${request.method} ${request.rawPath}.`));
    const { operation } = route;
    const { latencyMs, fault } = this.faultInjector?.decide(operation, this.now()) ?? { latencyMs: 0 };
    if (latencyMs > 0) await sleep(latencyMs, undefined, { signal: this.stopping.signal });
    call.fault = fault;
    if (fault === 'throttle' || fault === 'rate-limit') return fail(modeledError('ThrottlingException', 'Rate exceeded'));
    if (fault === 'server-error') return fail(modeledError('InternalServerException', 'An internal error occurred (injected fault).'));
    call.time = this.now();
    if (fault === 'reset') {
      call.statusCode = 0;
      return undefined;
    }
    try {
      const principal = await this.keys.authenticate(request, this.region, call.time);
      if (principal.kind === 'vended') call.environmentId = principal.environmentId;
      const input = deserializeInput(route, request);
      if (operation === 'GetProgrammaticAccessCredentials') call.environmentId = input.environmentId as string | undefined;
      call.clientToken = idempotencyMembersOf(operation).map((member) => input[member]).find((token) => typeof token === 'string') as string;
      const violations = validateStructure(inputShapeOf(operation), input);
      if (violations.length > 0) throw modeledError('ValidationException', describeViolations(violations), 'INVALID_PARAMETER');
      const answer = serializeOutput(operation, this.run(operation, input, principal, call), call.requestId);
      call.statusCode = answer.statusCode;
      return answer;
    } catch (error) {
      return fail(asDeclaredError(operation, error));
    }
  }

  private run(operation: OperationName, input: OperationInput, principal: Principal, call: CallDetails): OperationInput {
    const { behaviour } = this;
    const now = call.time!;
    const environment = this.environments.get((principal.kind === 'vended' ? principal.environmentId : input.environmentId) as string);
    environment?.settle(now);
    if (operation === 'GetProgrammaticAccessCredentials') {
      return this.keys.vend({ principal, environment, region: this.region, now, behaviour }, input as never) as OperationInput;
    }
    const caller = authorizeUserManagement(operation, principal, principal.kind === 'vended' ? environment : undefined);
    // Handlers see the parameters; the token is idempotency's business.
    const tokenMembers = idempotencyMembersOf(operation);
    const parameters = Object.fromEntries(Object.entries(input).filter(([name]) => !tokenMembers.includes(name)));
    const key = call.clientToken === undefined ? undefined : JSON.stringify([caller.environmentId, operation, call.clientToken]);
    const fingerprint = fingerprintOf(parameters);
    const verdict = key === undefined ? undefined : this.idempotency.check(key, fingerprint, now, behaviour.clientTokenTtlMs);
    if (verdict?.kind === 'conflict') {
      throw modeledError('ConflictException', `The clientToken was already used for ${operation} with different parameters.`, 'CLIENT_TOKEN_REUSED');
    }
    if (verdict?.kind === 'replay') {
      call.replayed = true;
      return verdict.output;
    }
    const { permissionGroupId, userId, maxResults, nextToken } = parameters as Record<string, any>;
    const group = permissionGroupId === undefined ? undefined : caller.groups.get(permissionGroupId);
    if (permissionGroupId !== undefined && !group) {
      throw modeledError('ResourceNotFoundException', `Permission group '${permissionGroupId}' does not exist.`, 'PERMISSION_GROUP_NOT_FOUND');
    }
    const user = userId === undefined ? undefined : caller.users.get(userId);
    if (userId !== undefined && !user) throw modeledError('ResourceNotFoundException', `User '${userId}' does not exist.`, 'USER_NOT_FOUND');
    const listing = JSON.stringify([operation, caller.environmentId, permissionGroupId ?? userId ?? null]);
    const page = (listMember: string, items: readonly { sequence: number }[]) =>
      this.pages.page(listMember, items, { maxResults, nextToken }, listing);
    const context = { environment: caller, now, behaviour, group: group!, user: user!, page };
    const output = viewAs(serviceModel.operations[operation].output!.shape, USER_OPERATIONS[operation](context, parameters));
    if (key !== undefined) this.idempotency.remember(key, fingerprint, output, now, behaviour.clientTokenTtlMs);
    return output;
  }
}

/** The body, or undefined when it exceeds MAX_BODY_BYTES (the rest is read and dropped). */
async function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

function writeAnswer(response: http.ServerResponse, answer: HttpAnswer): void {
  const body = Buffer.from(answer.body, 'utf8');
  response.writeHead(answer.statusCode, { ...answer.headers, 'content-length': String(body.length) });
  response.end(body);
}
