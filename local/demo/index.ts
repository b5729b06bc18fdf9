/**
 * `npm run demo`: example/app.ts deployed, deployed in its next version (-c demoVersion=2), drifted and healed, destroyed,
 * against an emulator in this process; each step printed as `cdk deploy` would, then whether FinSpace converged.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeclaredGroup, convergenceProblems, declaredGroups, declaredUsers } from './convergence';
import { FinSpaceDataClient } from '../../lambda/finspace';
import { type EmulatorSeed, FinSpaceEmulator, type SeedUser, type SnapshotEnvironment } from '../emulator';
import * as runner from '../runner';

const ROOT = path.join(__dirname, '..', '..');
const HANDLER_BUNDLE = path.join(ROOT, 'assets', 'lambda', 'index', 'index.js');
/** Short enough for a quick demo, long enough to watch members being added and removed. */
const SETTLE_DELAY_MS = 400;
const POLL_INTERVAL_MS = 200;
/** Only ends a wait for FinSpace to settle that would never end. */
const SETTLE_TIMEOUT_MS = 30_000;

// The environment the demo starts from: the README's one-time setup, done by seeding the emulator.
const ENVIRONMENT_ID = 'exampleenvironment01';
const AUTOMATION_USER = 'automation';
const ROLE_KEYS = { accessKeyId: 'AKIADEMOHANDLERROLE1', secretAccessKey: 'demo-handler-role-secret' } as const;
const APP_USERS = ['analyst01', 'analyst02', 'analyst03', 'analyst04', 'analyst05', 'engineer01', 'engineer02', 'engineer03'];

function demoSeed(handlerRoleArn: string): EmulatorSeed {
  const users: SeedUser[] = [
    {
      userId: AUTOMATION_USER,
      type: 'SUPER_USER',
      emailAddress: 'automation@example.com',
      apiAccess: 'ENABLED',
      apiAccessPrincipalArn: handlerRoleArn,
    },
    ...APP_USERS.map(userId => ({ userId, type: 'APP_USER' as const, emailAddress: `${userId}@example.com` })),
    // The example declares this one by e-mail address.
    { userId: 'research01', type: 'APP_USER', emailAddress: 'head.of.research@example.com', firstName: 'Head', lastName: 'Research' },
  ];
  return { iamPrincipals: [{ ...ROLE_KEYS, roleArn: handlerRoleArn }], environments: [{ environmentId: ENVIRONMENT_ID, users }] };
}

interface Step {
  readonly title: string;
  readonly action: 'deploy' | 'destroy';
  readonly app: string;
  /** Then, before the next step: a check of its own, answering its problems. */
  readonly afterwards?: (emulator: FinSpaceEmulator, stateFile: string, declared: readonly DeclaredGroup[]) => Promise<string[]>;
}

async function main(): Promise<number> {
  const started = Date.now();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-demo-'));
  const stateFile = path.join(workdir, 'state.json');
  let emulator: FinSpaceEmulator | undefined;
  try {
    say('Synthesizing example/app.ts, as it is and with -c demoVersion=2 ...');
    const [first, second] = await Promise.all([
      synthesizeExample(path.join(workdir, 'cdk.out.v1')),
      synthesizeExample(path.join(workdir, 'cdk.out.v2'), { demoVersion: '2' }),
    ]);
    const handlerRoleArn = String(runner.predictOutputs(runner.readAssembly(first).stacks[0]).FinSpaceDataHandlerRoleArn);
    emulator = await FinSpaceEmulator.start({
      seed: demoSeed(handlerRoleArn),
      behaviour: { additionDelayMs: SETTLE_DELAY_MS, removalDelayMs: SETTLE_DELAY_MS },
    });
    say(`FinSpace emulator at ${emulator.endpoint}: environment ${ENVIRONMENT_ID} with ${APP_USERS.length + 1} users, ` +
      `membership changes settle after ${SETTLE_DELAY_MS} ms`);
    say(`The handler role ${handlerRoleArn} is registered on superuser '${AUTOMATION_USER}' (the README's one-time setup)`);

    const steps: Step[] = [
      { title: 'deploy the example app', action: 'deploy', app: first },
      {
        title: 'deploy its next version: analysts renamed market-analysts and re-permissioned, ' +
          'analyst02 and engineer02 removed, analyst05 and engineer03 added, the data steward renamed',
        action: 'deploy',
        app: second,
        afterwards: driftStep,
      },
      { title: 'destroy it (the data steward is disabled: FinSpace cannot delete users)', action: 'destroy', app: second },
    ];
    let failures = 0;
    for (const [index, step] of steps.entries()) {
      say(`\n━━ Step ${index + 1}/${steps.length}: ${step.title}\n`);
      const result = await runner[step.action]({
        app: step.app,
        stateFile,
        finspaceEndpoint: emulator.endpoint,
        roleCredentials: ROLE_KEYS,
        pollIntervalMs: POLL_INTERVAL_MS,
        onEvent: event => {
          const line = runner.formatEvent(event, { describeWait: runner.describeFinSpaceWait });
          if (line !== undefined) say(line);
        },
        onStackResult: stackResult => runner.formatStackResult(stackResult, step.action).forEach(say),
      });
      // After the destroy, FinSpace must hold nothing the stack declared; its users stay (disabled).
      const [stack] = runner.readAssembly(step.app).stacks;
      const [declared, users] = step.action === 'deploy' ? [declaredGroups(stack), declaredUsers(stack)] : [[], []];
      const environment = environmentOf(emulator);
      say(`\nPermission groups in ${ENVIRONMENT_ID}:`);
      groupsTable(environment).forEach(say);
      say(`FinSpace users of the stack: ${declaredUsers(stack).map(email => {
        const user = environment?.users.find(found => found.emailAddress === email);
        return user ? `${user.userId} (${[user.firstName, user.lastName].filter(Boolean).join(' ')}) ${user.status}` : 'none yet';
      }).join(', ')}`);
      const problems = [
        ...(result.success ? [] : ['the step failed']),
        ...convergenceProblems(declared, emulator.snapshot(), ENVIRONMENT_ID, users),
      ];
      failures += verdict(problems, `FinSpace matches the declaration (${declared.length} groups, ${declared.reduce((n, g) => n + g.members.length, 0)} members)`,
        'FinSpace does not match the declaration:');
      if (step.afterwards) {
        say('\n━━ Between steps: FinSpace changed by hand, then the drift audit (npm run local -- drift)\n');
        failures += verdict(await step.afterwards(emulator, stateFile, declared),
          'Drift found and healed: FinSpace matches the declaration again', 'The drift audit did not find or heal the changes:');
      }
    }
    say(`\nDemo ${failures === 0 ? 'finished' : `FAILED (${failures} step(s) did not converge)`} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return failures === 0 ? 0 : 1;
  } finally {
    await emulator?.stop();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

/** FinSpace changed by hand, then the runner's drift command as the schedule would run it, then with --heal; answers the problems. */
async function driftStep(emulator: FinSpaceEmulator, stateFile: string, declared: readonly DeclaredGroup[]): Promise<string[]> {
  const groupId = (name: string) => environmentOf(emulator)!.permissionGroups.find(g => g.name === name)!.permissionGroupId;
  const admin = new FinSpaceDataClient({
    environmentId: ENVIRONMENT_ID, region: emulator.region, endpoint: emulator.endpoint, credentials: async () => ROLE_KEYS,
  });
  const [analysts, engineers] = [groupId('market-analysts'), groupId('data-engineers')];
  say('By hand, outside CloudFormation: analyst03 leaves market-analysts, engineer02 joins data-engineers (exclusive),');
  say('and market-analysts is granted ManageUsersAndGroups.');
  await admin.disassociateUserFromPermissionGroup({ permissionGroupId: analysts, userId: 'analyst03' });
  await admin.associateUserToPermissionGroup({ permissionGroupId: engineers, userId: 'engineer02' });
  await admin.updatePermissionGroup({ permissionGroupId: analysts, applicationPermissions: ['AccessNotebooks', 'ViewAuditData', 'ManageUsersAndGroups'] });
  await settled(emulator);

  const problems: string[] = [];
  for (const heal of [false, true]) {
    say(`\n$ npm run local -- drift --app cdk.out --endpoint ...${heal ? ' --heal' : ''}\n`);
    const found = await runner.drift({ stateFile, finspaceEndpoint: emulator.endpoint, roleCredentials: ROLE_KEYS, heal });
    found.forEach(stack => runner.formatDrift(stack).forEach(say));
    const findings = found.flatMap(stack => stack.result?.findings ?? []);
    if (!heal && (runner.inSync(found) || findings.length !== 3)) problems.push(`drift should find the 3 changes, found ${findings.length}`);
    if (heal && !runner.inSync(found)) problems.push('drift --heal did not heal everything');
  }
  await settled(emulator);
  return [...problems, ...convergenceProblems(declared, emulator.snapshot(), ENVIRONMENT_ID)];
}

/** Waits for a condition (no membership in progress), not a duration: for the changes by hand to take, then the healing. */
async function settled(emulator: FinSpaceEmulator): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  const inProgress = () => environmentOf(emulator)!.permissionGroups
    .some(group => group.members.some(member => member.membershipStatus !== 'ADDITION_SUCCESS'));
  while (inProgress() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
}

function environmentOf(emulator: FinSpaceEmulator): SnapshotEnvironment | undefined {
  return emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_ID);
}

/** Synthesizes example/app.ts as `npx cdk synth` would: with cdk.json's context, offline and without credentials (the app looks nothing up). */
async function synthesizeExample(outdir: string, context: Record<string, string> = {}): Promise<string> {
  if (!fs.existsSync(HANDLER_BUNDLE)) {
    throw new Error(`the handler bundle ${path.relative(ROOT, HANDLER_BUNDLE)} is missing: run npx projen bundle first (npm run demo does)`);
  }
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const tsconfig = path.join(ROOT, 'tsconfig.dev.json');
  return runner.synthesizeApp({ app: path.join(ROOT, 'example', 'app.ts'), outdir, context: { ...cdkJson.context, ...context }, tsconfig });
}

/** The permission groups as a plain text table: name, permissions, members (with their status unless ADDITION_SUCCESS). */
function groupsTable(environment: SnapshotEnvironment | undefined): string[] {
  const groups = environment?.permissionGroups ?? [];
  if (groups.length === 0) return ['  (no permission groups)'];
  const rows = [
    ['GROUP', 'PERMISSIONS', 'MEMBERS'],
    ...groups.map(group => [
      group.name,
      group.applicationPermissions.join(', ') || '-',
      group.members.map(m => (m.membershipStatus === 'ADDITION_SUCCESS' ? m.userId : `${m.userId} (${m.membershipStatus})`)).join(', ') || '-',
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
  return rows.map(row => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('   ')}`);
}

/** Says whether a check passed, with its problems if not; answers the number of failures (0 or 1). */
function verdict(problems: readonly string[], success: string, failure: string): number {
  say(problems.length === 0 ? `✔ ${success}` : `✘ ${failure}`);
  problems.forEach(problem => say(`  - ${problem}`));
  return problems.length === 0 ? 0 : 1;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().then(code => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
