/**
 * The emulator as a running HTTP server, and its control surface for tests.
 */
import * as http from 'http';
import { AddressInfo, Socket } from 'net';
import { AdminTarget, handleAdminRequest, isAdminPath } from './admin';
import { DEFAULT_BEHAVIOUR, EmulatorBehaviour, changeBehaviour } from './behaviour';
import { CallRecord } from './calls';
import { EmulatorSnapshot, EmulatorState } from './emulator-state';
import { frontDoorError } from './errors';
import { FaultCounts, FaultInjector, FaultOptions, checkFaultOptions, emptyCounts } from './faults';
import { BodyTooLargeError, collectHeaders, readBody, splitTarget, writeAnswer } from './http-io';
import { newRequestId } from './ids';
import { serializeError } from './protocol';
import { EmulatorSeed } from './seed';
import { FinSpaceDataService } from './service';

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

export class FinSpaceEmulator implements AdminTarget {
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
  private readonly sockets = new Set<Socket>();
  private readonly sleeping = new Set<NodeJS.Timeout>();
  private readonly state = new EmulatorState();
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
    this.service = new FinSpaceDataService(this.state, {
      region: this.region,
      now: () => this.now(),
      behaviour: () => this.currentBehaviour,
      faults: () => this.faultInjector,
      sleep: (ms) => this.sleep(ms),
    });
    this.server = http.createServer((request, response) => {
      this.onRequest(request, response).catch(() => response.destroy());
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
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
    if (options === undefined) {
      this.faultOptions = undefined;
      this.faultInjector = undefined;
      return;
    }
    const checked = checkFaultOptions(options);
    this.faultOptions = checked;
    this.faultInjector = new FaultInjector(checked, this.now());
  }

  /** Faults injected since the last setFaults, by kind. */
  faultCounts(): FaultCounts {
    return this.faultInjector?.counts() ?? emptyCounts();
  }

  /** Adds environments, users, groups, members and IAM keys; throws SeedError and changes nothing if any of it is invalid. */
  seed(seed: EmulatorSeed): void {
    this.state.seed(seed, this.now());
  }

  snapshot(): EmulatorSnapshot {
    return this.state.snapshot(this.now());
  }

  /** Makes every vended credential (of one environment, if given) expired from now on. */
  expireCredentials(environmentId?: string): void {
    this.state.credentials.expire(this.now(), environmentId);
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
    for (const timer of this.sleeping) clearTimeout(timer);
    this.sleeping.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.endpointUrl = `http://${hostInUrl}:${address.port}`;
  }

  /** Real-time wait for injected latency; stop() cancels it. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      this.sleeping.add(timer);
    });
  }

  private async onRequest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const { rawPath, query } = splitTarget(request.url ?? '/');
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      response.setHeader('connection', 'close');
      writeAnswer(response, serializeError(frontDoorError('RequestEntityTooLargeException', error.message), newRequestId()));
      return;
    }
    if (isAdminPath(rawPath)) {
      writeAnswer(response, handleAdminRequest(this, request.method ?? 'GET', rawPath, body, newRequestId()));
      return;
    }
    const outcome = await this.service.handle({
      method: request.method ?? 'GET',
      rawPath,
      query,
      headers: collectHeaders(request),
      body,
    });
    this.callLog.push(outcome.call);
    if (!outcome.answer) {
      request.socket.destroy();
      return;
    }
    writeAnswer(response, outcome.answer);
  }
}
