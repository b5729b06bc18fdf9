/**
 * The standalone CLI: arguments, seed loading, serving, and a clean stop on
 * SIGINT/SIGTERM (in-process with a fake signal, and once as a real process).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { FinSpaceEmulator } from '../../../local/emulator';
import { CliIo, USAGE, runCli } from '../../../local/emulator/cli';
import { sendRaw } from '../../../local/emulator/signed-client';

let directory: string;
let seedFile: string;

beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-cli-'));
  seedFile = path.join(directory, 'seed.json');
  fs.writeFileSync(
    seedFile,
    JSON.stringify({ environments: [{ environmentId: 'env-cli', users: [{ userId: 'u1', type: 'SUPER_USER', emailAddress: 'u1@example.com' }] }] }),
  );
});

afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

/** The error code of a fresh connection to the endpoint, or 'connected'. */
function connectionError(endpoint: string): Promise<string> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

/** Captures output and lets the test send the stop signal. */
class FakeIo implements CliIo {
  readonly out: string[] = [];
  readonly err: string[] = [];
  private stopHandler?: () => void;
  private printed?: () => void;
  readonly firstLine = new Promise<void>((resolve) => {
    this.printed = resolve;
  });

  stdout(line: string): void {
    this.out.push(line);
    this.printed?.();
  }

  stderr(line: string): void {
    this.err.push(line);
  }

  stopSignal(): Promise<void> {
    return new Promise((resolve) => {
      this.stopHandler = resolve;
    });
  }

  signal(): void {
    this.stopHandler?.();
  }
}

test('serves the seed on the endpoint it prints, and stops on the signal', async () => {
  const io = new FakeIo();
  const exit = runCli(['--port', '0', '--seed', seedFile, '--region', 'eu-west-1'], io);
  await io.firstLine;
  const [endpoint] = io.out;
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const state = await sendRaw(endpoint, 'GET', '/_emulator/state', {}, '');
  expect(state.body.environments[0].environmentId).toBe('env-cli');
  io.signal();
  expect(await exit).toBe(0);
  expect(await connectionError(endpoint)).toBe('ECONNREFUSED');
  expect(io.err).toEqual([]);
});

test('--help prints the usage', async () => {
  const io = new FakeIo();
  expect(await runCli(['--help'], io)).toBe(0);
  expect(io.out).toEqual([USAGE]);
});

test('an unknown option exits 2 with the usage', async () => {
  const io = new FakeIo();
  expect(await runCli(['--verbose'], io)).toBe(2);
  expect(io.err[0]).toContain("Unknown option '--verbose'");
  expect(io.err[0]).toContain(USAGE);
});

test.each(['http', '-1', '70000', '1.5'])('--port %s exits 2', async (port) => {
  const io = new FakeIo();
  expect(await runCli([`--port=${port}`], io)).toBe(2);
  expect(io.err[0]).toContain('--port must be an integer from 0 to 65535');
});

test('an invalid seed file exits 1 with its problems', async () => {
  const bad = path.join(directory, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ environments: [{ environmentId: '' }] }));
  const io = new FakeIo();
  expect(await runCli(['--seed', bad], io)).toBe(1);
  expect(io.err).toEqual([`Invalid seed (${bad}):\n  - $.environments[0].environmentId: Member must have length greater than or equal to 1`]);
});

test('a port in use exits 1', async () => {
  const occupant = await FinSpaceEmulator.start();
  try {
    const io = new FakeIo();
    const port = new URL(occupant.endpoint).port;
    expect(await runCli(['--port', port], io)).toBe(1);
    expect(io.err[0]).toMatch(/^cannot start the emulator: .*EADDRINUSE/);
  } finally {
    await occupant.stop();
  }
});

const REPO = path.join(__dirname, '..', '..', '..');

/** How the CLI is started from a shell: npm serves a fresh bundle; the benchmarks load the source with ts-node. */
const LAUNCHERS: [string, string, string[]][] = [
  ['npm run emulator (the bundle)', 'npm', ['run', '--silent', 'emulator', '--']],
  ['ts-node on the source', process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(REPO, 'local', 'emulator', 'cli.ts')]],
];

test.each(LAUNCHERS)('as a process started by %s: prints only the endpoint and exits 0 on SIGTERM', async (_name, command, args) => {
  const child = spawn(command, [...args, '--seed', seedFile], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.endsWith('\n')) resolve(stdout.trim());
    });
    child.on('exit', () => reject(new Error(`the CLI exited early: ${stderr}`)));
  });
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect((await sendRaw(endpoint, 'GET', '/_emulator/state', {}, '')).status).toBe(200);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(stdout).toBe(`${endpoint}\n`);
  expect(stderr).toBe('');
}, 30_000);
