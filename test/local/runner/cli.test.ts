/**
 * The runner's CLI, run in-process against the emulator with an app of this
 * library: arguments, the cdk-style log, exit codes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ApplicationPermission, FinSpaceDataAccess, PermissionGroup } from '../../../lib';
import { FinSpaceEmulator } from '../../../local/emulator';
import { predictOutputs, readAssembly } from '../../../local/runner';
import { runCli, USAGE } from '../../../local/runner/cli';

jest.setTimeout(30_000);

const ENVIRONMENT = 'clienvironment01';
const KEYS = { accessKeyId: 'AKIACLITESTROLE00001', secretAccessKey: 'cli-test-secret' };

// Memberships settle only when a test moves the emulator's clock: what a poll sees is fixed, not raced.
const SETTLE_MS = 60_000;

let directory: string;
let emulator: FinSpaceEmulator;

beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-cli-test-'));
  const roleArn = String(predictOutputs(readAssembly(traders(['trader01'])).stacks[0]).FinSpaceDataHandlerRoleArn);
  emulator = await FinSpaceEmulator.start({
    behaviour: { additionDelayMs: SETTLE_MS, removalDelayMs: SETTLE_MS },
    seed: {
      iamPrincipals: [{ ...KEYS, roleArn }],
      environments: [{
        environmentId: ENVIRONMENT,
        users: [
          { userId: 'automation', type: 'SUPER_USER', emailAddress: 'automation@example.com', apiAccess: 'ENABLED', apiAccessPrincipalArn: roleArn },
          { userId: 'trader01', type: 'APP_USER', emailAddress: 'trader01@example.com' },
          { userId: 'trader02', type: 'APP_USER', emailAddress: 'trader02@example.com' },
        ],
      }],
    },
  });
});

afterAll(async () => {
  await emulator.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

let synthesized = 0;
function traders(members: string[]): string {
  const app = new App({ outdir: path.join(directory, `cdk.out.${++synthesized}`) });
  const stack = new Stack(app, 'CliStack', { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', { environmentId: ENVIRONMENT, pollInterval: Duration.seconds(1), timeout: Duration.minutes(1) });
  new PermissionGroup(stack, 'Traders', { access, permissionGroupName: 'traders', applicationPermissions: [ApplicationPermission.ACCESS_NOTEBOOKS], members });
  app.synth();
  return app.outdir;
}

/** Runs the CLI; each poll it prints lets FinSpace settle what it had in progress before the next poll. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const onStdout = (line: string) => {
    stdout.push(line);
    if (/ waiting for /.test(line)) emulator.advanceClock(SETTLE_MS);
  };
  const code = await runCli(args, { stdout: onStdout, stderr: line => stderr.push(line), env });
  return { code, stdout, stderr };
}

function common(app: string): string[] {
  return ['--app', app, '--endpoint', emulator.endpoint, '--state', path.join(directory, 'state.json'), '--poll-interval-ms', '50'];
}

describe('arguments', () => {
  test('--help prints the usage', async () => {
    expect(await cli(['--help'])).toEqual({ code: 0, stdout: [USAGE], stderr: [] });
  });

  test.each([
    [['launch'], 'expected the command deploy, destroy or drift, got launch'],
    [['deploy', '--endpoint', 'http://127.0.0.1:1'], '--app is required'],
    [['deploy', '--app', 'cdk.out'], '--endpoint is required (or set AWS_ENDPOINT_URL_FINSPACE_DATA): FinSpace itself is no longer reachable'],
    [['deploy', '--app', 'cdk.out', '--endpoint', 'http://127.0.0.1:1'], "the handler role's keys are required: --role-access-key-id and --role-secret-access-key"],
    [['deploy', '--app', 'cdk.out', '--endpoint', 'http://x', '--role-access-key-id', 'a', '--role-secret-access-key', 'b', '--poll-interval-ms', '0.5'],
      '--poll-interval-ms must be a whole number of milliseconds above 0, got 0.5'],
    [['deploy', '--bogus'], "Unknown option '--bogus'"],
  ])('%j is refused with exit code 2', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr.join('\n')).toContain(message);
    expect(stderr.join('\n')).toContain(USAGE);
  });

  test('`npm run local` keeps the exit code 2 of bad arguments', () => {
    const run = spawnSync('npm', ['run', '--silent', 'local', '--', 'deploy', '--bogus'], { cwd: path.join(__dirname, '..', '..', '..'), encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--bogus'");
  });
});

test('deploy prints a cdk-style log and the outputs; destroy takes the group down; keys may come from the environment', async () => {
  const app = traders(['trader01', 'trader02']);

  const deployed = await cli([...common(app), 'deploy', '--role-access-key-id', KEYS.accessKeyId, '--role-secret-access-key', KEYS.secretAccessKey]);

  expect(deployed.code).toBe(0);
  const log = deployed.stdout.join('\n');
  expect(log).toMatch(/^CliStack \| +0\/\d+ \| \d\d:\d\d:\d\d \| CREATE_IN_PROGRESS +\| AWS::CloudFormation::Stack +\| CliStack User Initiated$/m);
  expect(log).toMatch(/^CliStack \| +\d+\/\d+ \| [\d:]+ \| CREATE_COMPLETE +\| Custom::FinSpacePermissionGroup +\| Traders \(Traders[0-9A-F]{8}\) \d+\.\ds$/m);
  expect(log).toMatch(/\| CREATE_IN_PROGRESS +\| Custom::FinSpaceGroupMembership +\| Traders\/Members \(TradersMembers[0-9A-F]{8}\) waiting for FinSpace: 2 being added \(poll 1\/61, /);
  expect(log).toContain(' ✅  CliStack');
  expect(log).toMatch(/^CliStack.FinSpaceDataHandlerRoleArn = arn:aws:iam::111122223333:role\/CliStack-FinSpaceDataProviderHandlerRole\w+-[A-Z0-9]{12}$/m);
  expect(log).toMatch(/✨ {2}Deployment time: \d+\.\ds/);
  const group = emulator.snapshot().environments[0].permissionGroups.find(g => g.name === 'traders');
  expect(group?.members).toEqual([{ userId: 'trader01', membershipStatus: 'ADDITION_SUCCESS' }, { userId: 'trader02', membershipStatus: 'ADDITION_SUCCESS' }]);

  const destroyed = await cli([...common(app), 'destroy'], { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey });

  expect(destroyed.code).toBe(0);
  expect(destroyed.stdout).toContain(' ✅  CliStack: destroyed');
  expect(emulator.snapshot().environments[0].permissionGroups).toEqual([]);
});

test('a failed deployment exits 1 with the reason, as cdk deploy does', async () => {
  const { code, stdout } = await cli([...common(traders(['trader01', 'ghost'])), 'deploy',
    '--role-access-key-id', KEYS.accessKeyId, '--role-secret-access-key', KEYS.secretAccessKey]);

  expect(code).toBe(1);
  expect(stdout.join('\n')).toMatch(new RegExp(
    "^ ❌  CliStack failed: The stack named CliStack failed to deploy: ROLLBACK_COMPLETE: Received response status \\[FAILED\\] from custom resource. Message returned: group membership TradersMembers[0-9A-F]{8}: FinSpace refused 1 of 2 declared users of permission group \\w+: 'ghost' does not exist.", 'm'));
  expect(emulator.snapshot().environments[0].permissionGroups).toEqual([]);
});

test('an app without FinSpace resources is said to have nothing to deploy', async () => {
  const app = new App({ outdir: path.join(directory, 'cdk.out.plain') });
  new sns.Topic(new Stack(app, 'Plain'), 'Topic');
  app.synth();

  const { code, stdout } = await cli([...common(app.outdir), 'deploy', '--role-access-key-id', 'a', '--role-secret-access-key', 'b']);

  expect(code).toBe(0);
  expect(stdout).toEqual([`No FinSpace permission groups or memberships (Custom::FinSpacePermissionGroup, Custom::FinSpaceGroupMembership) in ${app.outdir}: nothing to deploy.`]);
});

test('a directory that is not a cloud assembly exits 1 and says so', async () => {
  const { code, stderr } = await cli([...common(directory), 'deploy', '--role-access-key-id', 'a', '--role-secret-access-key', 'b']);
  expect(code).toBe(1);
  expect(stderr).toEqual([`❌  ${directory} is not a cloud assembly (no manifest.json): synthesize the app first, e.g. npx cdk synth`]);
});
