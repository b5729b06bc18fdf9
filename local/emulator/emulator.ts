/**
 * The emulator as a running HTTP server, and its control surface for tests.
 */
import { once } from 'events';
import * as http from 'http';
import { AddressInfo } from 'net';
import { setTimeout as sleep } from 'timers/promises';
import { ADMIN_PREFIX, handleAdminRequest } from './admin';
import { DEFAULT_BEHAVIOUR, EmulatorBehaviour, changeBehaviour } from './behaviour';
import { CredentialStore } from './credentials';
import { Environments } from './environment';
import { frontDoorError } from './errors';
import { FaultCounts, FaultInjector, FaultOptions, checkFaultOptions, emptyCounts } from './faults';
import { newRequestId } from './ids';
import { HttpAnswer, serializeError } from './protocol';
import { EmulatorSeed, addSeed } from './seed';
import { CallRecord, FinSpaceDataService } from './service';
import { EmulatorSnapshot, snapshotOf } from './snapshot';

/** API Gateway's payload limit; the API's largest request is a few kilobytes. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface EmulatorOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The region requests must be signed for. Default us-east-1. */
  readonly region?: string;
  readonly seed?: EmulatorSeed;
  readonly behaviour?: Partial<EmulatorBehaviour>;
  readonly faults?: FaultOptions;
  /** Clock in ms (default Date.now). Drives signatures' skew, expiry, membership and token lifetimes. */
  readonly now?: () => number;
}

export class FinSpaceEmulator {
  static async start(options: EmulatorOptions = {}): Promise<FinSpaceEmulator> {
    const emulator = new FinSpaceEmulator(options);
    await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    return emulator;
  }

  /** e.g. `http://127.0.0.1:43121`. */
  get endpoint(): string {
    return this.endpointUrl;
  }

  readonly region: string;

  private endpointUrl = '';
  private readonly server: http.Server;
  /** Aborts the real-time waits for injected latency when the emulator stops. */
  private readonly stopping = new AbortController();
  private readonly environments: Environments = new Map();
  private readonly credentials = new CredentialStore();
  private readonly service: FinSpaceDataService;
  private readonly clock: () => number;
  private clockOffsetMs = 0;
  private currentBehaviour: EmulatorBehaviour;
  private faultOptions?: FaultOptions;
  private faultInjector?: FaultInjector;
  private callLog: CallRecord[] = [];

  private constructor(options: EmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.clock = options.now ?? Date.now;
    this.currentBehaviour = changeBehaviour(DEFAULT_BEHAVIOUR, options.behaviour ?? {});
    if (options.faults) this.setFaults(options.faults);
    if (options.seed) this.seed(options.seed);
    this.service = new FinSpaceDataService({
      region: this.region,
      environments: this.environments,
      credentials: this.credentials,
      now: () => this.now(),
      behaviour: () => this.currentBehaviour,
      faults: () => this.faultInjector,
      sleep: (ms) => sleep(ms, undefined, { signal: this.stopping.signal }),
    });
    this.server = http.createServer((request, response) => {
      this.onRequest(request, response).catch(() => response.destroy());
    });
  }

  /** Every API request answered so far, oldest first. */
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

  /** Changes some behaviours; throws on an unknown name or value. */
  setBehaviour(change: Partial<EmulatorBehaviour>): void {
    this.currentBehaviour = changeBehaviour(this.currentBehaviour, change);
  }

  get faults(): FaultOptions | undefined {
    return this.faultOptions;
  }

  /** Replaces the fault options (undefined: none), restarting the generator from its seed and the counts from 0. */
  setFaults(options: FaultOptions | undefined): void {
    this.faultOptions = options === undefined ? undefined : checkFaultOptions(options);
    this.faultInjector = this.faultOptions && new FaultInjector(this.faultOptions, this.now());
  }

  /** Faults injected since the last setFaults, by kind. */
  faultCounts(): FaultCounts {
    return this.faultInjector?.counts() ?? emptyCounts();
  }

  /** Adds environments, users, groups, members and IAM keys; throws SeedError and changes nothing if any of it is invalid. */
  seed(seed: EmulatorSeed): void {
    addSeed(seed, { environments: this.environments, credentials: this.credentials }, this.now());
  }

  snapshot(): EmulatorSnapshot {
    return snapshotOf(this.environments.values(), this.now());
  }

  /** Makes every vended credential (of one environment, if given) expired from now on. */
  expireCredentials(environmentId?: string): void {
    this.credentials.expire(this.now(), environmentId);
  }

  /** The emulator's clock: the injected clock plus any advanceClock. */
  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /**
   * Moves the emulator's clock forward, for tools that cannot inject a clock.
   * Clients signing with real time fail the 15-minute skew check past that.
   */
  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceClock needs a number of ms >= 0');
    this.clockOffsetMs += ms;
  }

  /** Closes the server and its open (keep-alive) connections. Stopping again does nothing. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    // Requests waiting out injected latency are dropped with their connections, not finished.
    this.stopping.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async listen(port: number, host: string): Promise<void> {
    // once() rejects on 'error' (a port in use) instead.
    await once(this.server.listen(port, host), 'listening');
    const address = this.server.address() as AddressInfo;
    const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.endpointUrl = `http://${hostInUrl}:${address.port}`;
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
      writeAnswer(response, serializeError(tooLarge, newRequestId()));
      return;
    }
    if (rawPath.startsWith(ADMIN_PREFIX)) {
      writeAnswer(response, handleAdminRequest(this, request.method ?? 'GET', rawPath, body, newRequestId()));
      return;
    }
    // Repeated headers are joined with ',' (what SigV4 canonicalization expects), which node's `headers` does not do for all.
    const headers = Object.fromEntries(Object.entries(request.headersDistinct).map(([name, values]) => [name, values!.join(',')]));
    const query = new URLSearchParams(url.slice(queryAt + 1));
    const outcome = await this.service.handle({ method: request.method ?? 'GET', rawPath, query, headers, body });
    this.callLog.push(outcome.call);
    if (outcome.answer) writeAnswer(response, outcome.answer);
    else request.socket.destroy();
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
