/**
 * The emulator as a standalone server until SIGINT or SIGTERM. Prints only the endpoint URL
 * on stdout, so scripts can capture it; errors go to stderr, exit code 2 (usage) or 1 (bad seed, port in use).
 */
import { parseArgs } from 'util';
import { FinSpaceEmulator } from './emulator';
import { SeedError, loadSeedFile } from './seed';

export const USAGE = 'usage: cli.ts [--port PORT] [--seed FILE] [--region REGION] [--host HOST]';

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Resolves on the first stop signal. */
  stopSignal(): Promise<void>;
}

/** Resolves with the exit code once the server has stopped, or at once on bad arguments. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let values: { port?: string; seed?: string; region?: string; host?: string; help?: boolean };
  try {
    const text = { type: 'string' } as const;
    ({ values } = parseArgs({ args: [...argv], options: { port: text, seed: text, region: text, host: text, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const port = Number(values.port ?? '0');
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) {
    io.stderr(`--port must be an integer from 0 to 65535, got '${values.port}'\n${USAGE}`);
    return 2;
  }
  let emulator: FinSpaceEmulator;
  try {
    const seed = values.seed === undefined ? undefined : loadSeedFile(values.seed);
    emulator = await FinSpaceEmulator.start({ port, seed, region: values.region, host: values.host });
  } catch (error) {
    io.stderr(error instanceof SeedError ? error.message : `cannot start the emulator: ${(error as Error).message}`);
    return 1;
  }
  io.stdout(emulator.endpoint);
  await io.stopSignal();
  await emulator.stop();
  return 0;
}

if (require.main === module) {
  const io: CliIo = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    // The process exits once the server has stopped, so the other signal's listener can stay.
    stopSignal: () => new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve)),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
