/**
 * The runner's command line: deploy, destroy or drift-audit the FinSpace resources of a
 * synthesized app against a local FinSpace endpoint (the emulator), printing what `cdk`
 * would. USAGE says how, and what the exit codes mean.
 */
import { parseArgs } from 'util';
import { describeFinSpaceWait, duration, FINSPACE_RESOURCE_TYPES, formatEvent, formatStackResult } from './activity-printer';
import { readAssembly, selectStacks } from './assembly';
import { drift, DriftUnavailable, formatDrift, inSync } from './drift';
import { deploy, destroy, FINSPACE_ENDPOINT_VARIABLE, type RunnerOptions } from './runner';

export const USAGE = `usage: cli.ts <deploy|destroy|drift> --app DIR --endpoint URL [options]

  deploy, destroy                 as cdk deploy and cdk destroy
  drift                           runs each deployed stack's drift audit once, as its schedule would

  --app DIR                       the cloud assembly (cdk.out) of the app
  --endpoint URL                  the FinSpace Data endpoint the handler calls (default: $${FINSPACE_ENDPOINT_VARIABLE})
  --stack NAME                    a stack to work on (repeatable; default: all, in dependency order)
  --state FILE                    what is deployed, kept between runs (default: local-runner-state.json)
  --role-access-key-id ID         IAM keys of the handler role, as the emulator knows them
  --role-secret-access-key KEY      (default: $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY,
  --role-session-token TOKEN         $AWS_SESSION_TOKEN)
  --poll-interval-ms MS           replaces the providers' isComplete interval; total timeouts scale with it
  --logs DIR                      write each Lambda function's log to DIR/<function>.log
  --heal                          (drift) put FinSpace back as declared, whatever the schedule says

Exit code: 0 success (drift: FinSpace matches the declaration, after --heal healed it),
1 failure (drift: drift remains, or the audit could not run), 2 bad arguments.`;

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  stdout(line: string): void;
  stderr(line: string): void;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'app': { type: 'string' },
        'endpoint': { type: 'string' },
        'stack': { type: 'string', multiple: true },
        'state': { type: 'string' },
        'role-access-key-id': { type: 'string' },
        'role-secret-access-key': { type: 'string' },
        'role-session-token': { type: 'string' },
        'poll-interval-ms': { type: 'string' },
        'logs': { type: 'string' },
        'heal': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const { values, positionals: [command, ...extra] } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (command !== 'deploy' && command !== 'destroy' && command !== 'drift') {
    return usageError(io, `expected the command deploy, destroy or drift, got ${command ?? 'none'}`);
  }
  if (values.heal && command !== 'drift') return usageError(io, '--heal is an option of drift');
  if (extra.length > 0) return usageError(io, `unexpected arguments: ${extra.join(' ')}`);
  const endpoint = values.endpoint ?? io.env[FINSPACE_ENDPOINT_VARIABLE];
  const accessKeyId = values['role-access-key-id'] ?? io.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = values['role-secret-access-key'] ?? io.env.AWS_SECRET_ACCESS_KEY;
  const pollIntervalMs = values['poll-interval-ms'] === undefined ? undefined : Number(values['poll-interval-ms']);
  if (!values.app) return usageError(io, '--app is required');
  if (!endpoint) return usageError(io, `--endpoint is required (or set ${FINSPACE_ENDPOINT_VARIABLE}): FinSpace itself is no longer reachable`);
  if (!accessKeyId || !secretAccessKey) return usageError(io, 'the handler role\'s keys are required: --role-access-key-id and --role-secret-access-key');
  if (pollIntervalMs !== undefined && !(Number.isInteger(pollIntervalMs) && pollIntervalMs > 0)) {
    return usageError(io, `--poll-interval-ms must be a whole number of milliseconds above 0, got ${values['poll-interval-ms']}`);
  }
  if (command === 'drift' && pollIntervalMs !== undefined) return usageError(io, '--poll-interval-ms is an option of deploy and destroy');

  const started = new Map<string, number>();
  const options: RunnerOptions = {
    app: values.app,
    stateFile: values.state ?? 'local-runner-state.json',
    stacks: values.stack,
    finspaceEndpoint: endpoint,
    roleCredentials: { accessKeyId, secretAccessKey, sessionToken: values['role-session-token'] ?? io.env.AWS_SESSION_TOKEN },
    logDirectory: values.logs,
    pollIntervalMs,
    onEvent: event => {
      if (!started.has(event.stackName)) started.set(event.stackName, Date.now());
      const line = formatEvent(event, { describeWait: describeFinSpaceWait });
      if (line !== undefined) io.stdout(line);
    },
    onStackResult: result => {
      io.stdout('');
      formatStackResult(result, command === 'destroy' ? 'destroy' : 'deploy').forEach(line => io.stdout(line));
      const since = started.get(result.stackName);
      if (since !== undefined) io.stdout(`\n✨  ${command === 'deploy' ? 'Deployment' : 'Destroy'} time: ${duration(Date.now() - since)}\n`);
    },
  };
  try {
    if (command === 'drift') {
      const drifts = await drift({ ...options, heal: values.heal });
      drifts.forEach(stackDrift => [...formatDrift(stackDrift), ''].forEach(line => io.stdout(line)));
      return inSync(drifts) ? 0 : 1;
    }
    if (command === 'deploy' && !hasFinSpaceResources(values.app, values.stack)) {
      io.stdout(`No FinSpace permission groups or memberships (${FINSPACE_RESOURCE_TYPES.join(', ')}) in ${values.app}` +
        `${values.stack ? ` (stacks ${values.stack.join(', ')})` : ''}: nothing to deploy.`);
      return 0;
    }
    return (await (command === 'deploy' ? deploy(options) : destroy(options))).success ? 0 : 1;
  } catch (error) {
    if (error instanceof DriftUnavailable) return usageError(io, error.message);
    io.stderr(`❌  ${(error as Error).message}`);
    return 1;
  }
}

function hasFinSpaceResources(app: string, stacks: readonly string[] | undefined): boolean {
  return selectStacks(readAssembly(app), stacks).some(stack =>
    Object.values(stack.template.Resources ?? {}).some(resource => FINSPACE_RESOURCE_TYPES.includes(resource.Type)));
}

function usageError(io: CliIo, message: string): number {
  io.stderr(`${message}\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  // An unexpected error is an unhandled rejection: node prints its stack and exits with 1.
  void runCli(process.argv.slice(2), {
    stdout: line => process.stdout.write(`${line}\n`),
    stderr: line => process.stderr.write(`${line}\n`),
    env: process.env,
  }).then(code => { process.exitCode = code; });
}
