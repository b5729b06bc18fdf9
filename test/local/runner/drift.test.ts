/**
 * The runner's drift command, in-process against the emulator: the deployed audit
 * function runs in a local Lambda container with its schedule's input; the table,
 * the exit codes, healing, and a run in the middle of a deploy.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { startAuditedEnvironment } from './support/audited-environment';
import { FinSpaceDataClient } from '../../../lambda/finspace';
import { ApplicationPermission, FinSpaceDataAccess, GroupMembership, PermissionGroup } from '../../../lib';
import { FinSpaceEmulator } from '../../../local/emulator';
import { loadState, predictOutputs, readAssembly } from '../../../local/runner';
import { runCli } from '../../../local/runner/cli';

jest.setTimeout(60_000);

const ENVIRONMENT = 'driftenvironment01';
const KEYS = { accessKeyId: 'AKIADRIFTTESTROLE001', secretAccessKey: 'drift-test-secret' };
const SETTLE_MS = 60_000;

let directory: string;
let emulator: FinSpaceEmulator;
let client: FinSpaceDataClient;
let state: string;

function app(members: string[], exclusiveAdmins: string[]): string {
  const cdkApp = new App({ outdir: fs.mkdtempSync(path.join(directory, 'cdk.out.')) });
  const stack = new Stack(cdkApp, 'DriftStack', { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', {
    environmentId: ENVIRONMENT, pollInterval: Duration.seconds(1), timeout: Duration.minutes(1), audit: { schedule: Duration.minutes(15) },
  });
  new PermissionGroup(stack, 'Traders', { access, permissionGroupName: 'traders', applicationPermissions: [ApplicationPermission.ACCESS_NOTEBOOKS], members });
  const admins = new PermissionGroup(stack, 'Admins', { access, permissionGroupName: 'admins' });
  new GroupMembership(stack, 'AdminMembers', { group: admins, userIds: exclusiveAdmins, exclusive: true });
  cdkApp.synth();
  return cdkApp.outdir;
}

beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-drift-test-'));
  const roleArn = String(predictOutputs(readAssembly(app([], [])).stacks[0]).FinSpaceDataHandlerRoleArn);
  ({ emulator, administrator: client } = await startAuditedEnvironment({ environmentId: ENVIRONMENT, keys: KEYS, roleArn, settleMs: SETTLE_MS }));
  state = path.join(directory, 'state.json');
});

afterAll(async () => {
  await emulator.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

async function cli(args: string[], onLine: (line: string) => void = () => undefined) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, {
    stdout: line => {
      stdout.push(line);
      if (/ waiting for /.test(line)) emulator.advanceClock(SETTLE_MS);
      onLine(line);
    },
    stderr: line => stderr.push(line),
    env: {},
  });
  return { code, stdout, stderr };
}

const common = (cdkOut: string) => ['--app', cdkOut, '--endpoint', emulator.endpoint, '--state', state,
  '--role-access-key-id', KEYS.accessKeyId, '--role-secret-access-key', KEYS.secretAccessKey];
const groupIdOf = (name: string) => emulator.snapshot().environments[0].permissionGroups.find(g => g.name === name || g.name === `${name}-renamed`)!.permissionGroupId;
const membersOf = (groupId: string) => emulator.snapshot().environments[0].permissionGroups.find(g => g.permissionGroupId === groupId)!.members
  .filter(m => m.membershipStatus !== 'REMOVAL_IN_PROGRESS').map(m => m.userId).sort();

test('drift: deploy, change FinSpace by hand, find it (exit 1), heal it (exit 0), then nothing to find (exit 0)', async () => {
  const cdkOut = app(['trader01', 'trader02'], ['admin01']);
  expect((await cli(['deploy', ...common(cdkOut), '--poll-interval-ms', '50'])).code).toBe(0);
  const rule = Object.values(loadState(state).stacks.DriftStack.resources).find(r => r.type === 'AWS::Events::Rule');
  expect(rule?.properties).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });

  const clean = await cli(['drift', ...common(cdkOut)]);
  expect(clean).toEqual({ code: 0, stdout: ['Stack DriftStack', '', '✨  No drift: FinSpace matches the declaration', ''], stderr: [] });

  const traders = groupIdOf('traders');
  const admins = groupIdOf('admins');
  await client.disassociateUserFromPermissionGroup({ permissionGroupId: traders, userId: 'trader02' });
  await client.associateUserToPermissionGroup({ permissionGroupId: admins, userId: 'intruder' });
  await client.updatePermissionGroup({ permissionGroupId: traders, name: 'traders-renamed', applicationPermissions: ['AccessNotebooks', 'ManageUsersAndGroups'] });
  emulator.advanceClock(SETTLE_MS);

  const found = await cli(['drift', ...common(cdkOut)]);
  expect(found.code).toBe(1);
  const membershipLine = (group: string) => found.stdout.find(line => line.startsWith(`[~] Custom::FinSpaceGroupMembership ${group}`));
  expect(found.stdout).toEqual([
    'Stack DriftStack',
    membershipLine('AdminMembers'),
    ' └─ [+] intruder: a member the exclusive membership does not declare',
    expect.stringMatching(new RegExp(`^\\[~\\] Custom::FinSpacePermissionGroup Traders[0-9A-F]{8} \\(permission group ${traders}\\)$`)),
    ' ├─ [~] the name differs from the declaration',
    ' └─ [~] permissions +ManageUsersAndGroups',
    membershipLine('TradersMembers'),
    ' └─ [-] trader02: declared, not a member',
    '',
    '✨  Number of resources with drift: 3 (1 groups, 2 members)',
    '',
  ]);
  // Ids only: no group name.
  expect(found.stdout.join('\n')).not.toContain('traders-renamed');
  // Found, not healed: nothing was written.
  expect(membersOf(admins)).toEqual(['admin01', 'intruder']);

  const healed = await cli(['drift', ...common(cdkOut), '--heal']);
  expect(healed.code).toBe(0);
  expect(healed.stdout.filter(line => line.includes('(healed)'))).toHaveLength(4);
  expect(healed.stdout).toContain('✨  Number of resources with drift: 3 (1 groups, 2 members; healed 4 of 4 findings)');
  emulator.advanceClock(SETTLE_MS);
  expect(membersOf(traders)).toEqual(['trader01', 'trader02']);
  expect(membersOf(admins)).toEqual(['admin01']);
  expect(emulator.snapshot().environments[0].permissionGroups.find(g => g.permissionGroupId === traders)).toMatchObject({
    name: 'traders', applicationPermissions: ['AccessNotebooks'],
  });

  expect((await cli(['drift', ...common(cdkOut)])).code).toBe(0);
});

test('drift in the middle of a deploy does nothing and says so (exit 1); the deploy then completes', async () => {
  const cdkOut = app(['trader01'], ['admin01', 'trader02']);
  let during: Promise<Awaited<ReturnType<typeof cli>>> | undefined;
  const deployed = cli(['deploy', ...common(cdkOut), '--poll-interval-ms', '50'], line => {
    // At the first wait of the deploy, run the drift command against the state it is writing.
    if (!during && / waiting for /.test(line)) during = cli(['drift', ...common(cdkOut)]);
  });
  const deploy = await deployed;
  expect(deploy.code).toBe(0);
  const drift = await during!;
  expect(drift).toEqual({
    code: 1,
    stdout: ['Stack DriftStack', '⏸  not audited: the stack is UPDATE_IN_PROGRESS; the audit never races a deployment', ''],
    stderr: [],
  });
  emulator.advanceClock(SETTLE_MS);
  expect((await cli(['drift', ...common(cdkOut)])).code).toBe(0);
});

describe('bad arguments exit 2', () => {
  test.each([
    [['drift', '--bogus'], /Unknown option '--bogus'/],
    [['deploy', '--heal', '--app', 'x', '--endpoint', 'http://x', '--role-access-key-id', 'a', '--role-secret-access-key', 'b'], /--heal is an option of drift/],
  ])('%j', async (args, message) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).toMatch(message);
  });

  test('a stack that is not deployed', async () => {
    const result = await cli(['drift', ...common(app([], [])), '--stack', 'Nowhere']);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toMatch(/^Nowhere: not deployed \(.*state.json has DriftStack\)/);
  });
});
