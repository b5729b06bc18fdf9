/**
 * healOnDeploy through the runner, in-process against the emulator: the deploy-heal
 * resource's Update reaches the audit function in a local Lambda container, which
 * heals and PUTs its own response; every deploy of a fresh synth heals, even when the
 * declaration is unchanged, and drift it cannot heal fails the deploy.
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

const ENVIRONMENT = 'healenvironment001';
const KEYS = { accessKeyId: 'AKIAHEALTESTROLE0001', secretAccessKey: 'heal-test-secret' };
const SETTLE_MS = 60_000;

let directory: string;
let emulator: FinSpaceEmulator;
let client: FinSpaceDataClient;
let state: string;

/** A fresh synth of one unchanged declaration, as every `cdk deploy` makes. */
function app(): string {
  const cdkApp = new App({ outdir: fs.mkdtempSync(path.join(directory, 'cdk.out.')) });
  const stack = new Stack(cdkApp, 'HealStack', { env: { account: '111122223333', region: 'us-east-1' } });
  const access = new FinSpaceDataAccess(stack, 'FinSpace', {
    environmentId: ENVIRONMENT, pollInterval: Duration.seconds(1), timeout: Duration.minutes(1), audit: { healOnDeploy: true },
  });
  new PermissionGroup(stack, 'Traders', {
    access, permissionGroupName: 'traders', applicationPermissions: [ApplicationPermission.ACCESS_NOTEBOOKS], members: ['trader01', 'trader02'],
  });
  const admins = new PermissionGroup(stack, 'Admins', { access, permissionGroupName: 'admins' });
  new GroupMembership(stack, 'AdminMembers', { group: admins, userIds: ['admin01'], exclusive: true });
  cdkApp.synth();
  return cdkApp.outdir;
}

beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-deploy-heal-test-'));
  const roleArn = String(predictOutputs(readAssembly(app()).stacks[0]).FinSpaceDataHandlerRoleArn);
  ({ emulator, administrator: client } = await startAuditedEnvironment({ environmentId: ENVIRONMENT, keys: KEYS, roleArn, settleMs: SETTLE_MS }));
  state = path.join(directory, 'state.json');
});

afterAll(async () => {
  await emulator.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

async function deploy() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(['deploy', '--app', app(), '--endpoint', emulator.endpoint, '--state', state, '--poll-interval-ms', '50',
    '--role-access-key-id', KEYS.accessKeyId, '--role-secret-access-key', KEYS.secretAccessKey], {
    stdout: line => {
      stdout.push(line);
      if (/ waiting for /.test(line)) emulator.advanceClock(SETTLE_MS);
    },
    stderr: line => stderr.push(line),
    env: {},
  });
  return { code, stdout, stderr };
}

const groupOf = (groupId: string) => emulator.snapshot().environments[0].permissionGroups.find(g => g.permissionGroupId === groupId);
const membersOf = (groupId: string) => groupOf(groupId)!.members
  .filter(m => m.membershipStatus !== 'REMOVAL_IN_PROGRESS').map(m => m.userId).sort();
const deployedGroupId = (construct: string) => Object.entries(loadState(state).stacks.HealStack.resources)
  .find(([logicalId, r]) => r.type === 'Custom::FinSpacePermissionGroup' && new RegExp(`^${construct}[0-9A-F]{8}$`).test(logicalId))![1].physicalId!;

async function drift(traders: string, admins: string) {
  await client.disassociateUserFromPermissionGroup({ permissionGroupId: traders, userId: 'trader02' });
  await client.associateUserToPermissionGroup({ permissionGroupId: admins, userId: 'intruder' });
  await client.updatePermissionGroup({ permissionGroupId: traders, name: 'traders-renamed', applicationPermissions: ['AccessNotebooks', 'ManageUsersAndGroups'] });
  emulator.advanceClock(SETTLE_MS);
  expect(membersOf(traders)).toEqual(['trader01']);
  expect(membersOf(admins)).toEqual(['admin01', 'intruder']);
}

function expectHealed(traders: string, admins: string) {
  expect(membersOf(traders)).toEqual(['trader01', 'trader02']);
  expect(membersOf(admins)).toEqual(['admin01']);
  expect(groupOf(traders)).toMatchObject({ name: 'traders', applicationPermissions: ['AccessNotebooks'] });
}

test('every deploy heals out-of-band drift, the first after it and a second of the same declaration; drift it cannot heal fails the deploy', async () => {
  expect((await deploy()).code).toBe(0);
  const heal = Object.values(loadState(state).stacks.HealStack.resources).filter(r => r.type === 'Custom::FinSpaceDeployHeal');
  expect(heal).toEqual([expect.objectContaining({ physicalId: expect.stringMatching(/-deploy-heal$/) })]);
  const traders = deployedGroupId('Traders');
  const admins = deployedGroupId('Admins');

  await drift(traders, admins);
  const first = await deploy();
  expect(first.code).toBe(0);
  // Only the deploy-heal resource changed: it is the one that healed.
  expect(first.stdout.filter(line => /UPDATE_COMPLETE\s/.test(line) && !/HealStack\s*$/.test(line))).toEqual([
    expect.stringMatching(/Custom::FinSpaceDeployHeal/),
  ]);
  emulator.advanceClock(SETTLE_MS);
  expectHealed(traders, admins);

  await drift(traders, admins);
  expect((await deploy()).code).toBe(0);
  emulator.advanceClock(SETTLE_MS);
  expectHealed(traders, admins);

  // A deleted group's id belongs to CloudFormation: the heal says so and the deploy fails.
  await client.disassociateUserFromPermissionGroup({ permissionGroupId: admins, userId: 'admin01' });
  emulator.advanceClock(SETTLE_MS);
  await client.deletePermissionGroup({ permissionGroupId: admins });
  const failed = await deploy();
  expect(failed.code).toBe(1);
  expect(failed.stdout.join('\n')).toMatch(new RegExp(
    'Received response status \\[FAILED\\] from custom resource\\. Message returned: FinSpace differs from the declaration and the ' +
    `deploy-time heal could not put it back: Admins[0-9A-F]{8} \\(group ${admins}\\): GroupDeleted: a deleted group is not created again by the audit ` +
    '\\(its id belongs to CloudFormation\\); the next deploy that changes the group recreates it\\. The audit function\'s log lists every finding \\(RequestId: '));
  // The rollback's Update of the deploy-heal resource touches nothing and succeeds.
  expect(failed.stdout.filter(line => /Custom::FinSpaceDeployHeal/.test(line)).map(line => line.split('|')[3].trim()))
    .toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_FAILED', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']);
  expect(loadState(state).stacks.HealStack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
});
