/**
 * The emulator as a separate process, started through its own CLI and steered
 * through its admin routes, the way a remote service stands apart from its
 * client: the handler under test and the API it calls do not share an event
 * loop, so neither's work shows up in the other's timings.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { createInterface } from 'readline';
import type { CallRecord, EmulatorBehaviour, EmulatorSeed, EmulatorSnapshot, FaultCounts, FaultOptions } from '../../local/emulator';

const REPO = path.join(__dirname, '..', '..');
const STARTUP_TIMEOUT_MS = 30_000;

export class EmulatorProcess {
  /** Starts a fresh emulator on a free loopback port. */
  public static async start(): Promise<EmulatorProcess> {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', path.join(REPO, 'local', 'emulator', 'cli.ts'), '--port', '0'], {
      cwd: REPO,
      env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.dev.json'), TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the emulator did not start within 30 s')), STARTUP_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).once('line', line => {
        clearTimeout(timer);
        resolve(line.trim());
      });
      child.once('exit', code => {
        clearTimeout(timer);
        reject(new Error(`the emulator exited with code ${code}: ${stderr.join('')}`));
      });
    });
    return new EmulatorProcess(child, endpoint);
  }

  /** The CLI's default region, which requests must be signed for. */
  public readonly region = 'us-east-1';

  private constructor(private readonly child: ChildProcess, public readonly endpoint: string) {}

  public async seed(seed: EmulatorSeed): Promise<void> {
    await this.admin('POST', 'seed', seed);
  }

  public async setBehaviour(change: Partial<EmulatorBehaviour>): Promise<void> {
    await this.admin('POST', 'behaviour', change);
  }

  /** Replaces the fault options (null: none), restarting the fault counts from 0. */
  public async setFaults(options: FaultOptions | null): Promise<void> {
    await this.admin('POST', 'faults', options);
  }

  public async faultCounts(): Promise<FaultCounts> {
    return (await this.admin<{ counts: FaultCounts }>('GET', 'faults')).counts;
  }

  public calls(): Promise<CallRecord[]> {
    return this.admin('GET', 'calls');
  }

  public async resetCalls(): Promise<void> {
    await this.admin('DELETE', 'calls');
  }

  public snapshot(): Promise<EmulatorSnapshot> {
    return this.admin('GET', 'state');
  }

  public async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async admin<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.endpoint}/_emulator/${route}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator admin ${method} ${route}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}

/** Starts an emulator, runs `work` against it, and always stops it. */
export async function withEmulator<T>(work: (emulator: EmulatorProcess) => Promise<T>): Promise<T> {
  const emulator = await EmulatorProcess.start();
  try {
    return await work(emulator);
  } finally {
    await emulator.stop();
  }
}
