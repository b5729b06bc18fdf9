/**
 * `npm run demo`: the example app (example/app.ts) deployed, deployed again in its
 * next version (-c demoVersion=2), and destroyed, against a FinSpace emulator
 * started in this process. Each step prints what `cdk deploy` would, then the
 * environment's groups and whether FinSpace converged to the declaration.
 * Exits 1 when a step failed or did not converge.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { convergenceProblems, declaredGroups, declaredUsers } from './convergence';
import { driftStep } from './drift-step';
import { demoSeed, ENVIRONMENT_ID, ROLE_KEYS, APP_USER_COUNT, AUTOMATION_USER } from './environment';
import { FinSpaceEmulator, type SnapshotEnvironment } from '../emulator';
import { deploy, describeFinSpaceWait, destroy, formatEvent, formatStackResult, predictOutputs, readAssembly, synthesizeApp } from '../runner';

const ROOT = path.join(__dirname, '..', '..');
const HANDLER_BUNDLE = path.join(ROOT, 'assets', 'lambda', 'index', 'index.js');
/** Short enough for a quick demo, long enough to watch members being added and removed. */
const SETTLE_DELAY_MS = 400;
const POLL_INTERVAL_MS = 200;

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
    const handlerRoleArn = String(predictOutputs(readAssembly(first).stacks[0]).FinSpaceDataHandlerRoleArn);

    emulator = await FinSpaceEmulator.start({
      seed: demoSeed(handlerRoleArn),
      behaviour: { additionDelayMs: SETTLE_DELAY_MS, removalDelayMs: SETTLE_DELAY_MS },
    });
    say(`FinSpace emulator at ${emulator.endpoint}: environment ${ENVIRONMENT_ID} with ${APP_USER_COUNT} users, ` +
      `membership changes settle after ${SETTLE_DELAY_MS} ms`);
    say(`The handler role ${handlerRoleArn} is registered on superuser '${AUTOMATION_USER}' (the README's one-time setup)`);

    const steps = [
      { title: 'deploy the example app', run: deploy, app: first },
      {
        title: 'deploy its next version: analysts renamed market-analysts and re-permissioned, ' +
          'analyst02 and engineer02 removed, analyst05 and engineer03 added, the data steward renamed',
        run: deploy,
        app: second,
      },
      { title: 'destroy it (the data steward is disabled: FinSpace cannot delete users)', run: destroy, app: second },
    ];
    let failures = 0;
    for (const [index, step] of steps.entries()) {
      say(`\n━━ Step ${index + 1}/${steps.length}: ${step.title}\n`);
      const result = await step.run({
        app: step.app,
        stateFile,
        finspaceEndpoint: emulator.endpoint,
        roleCredentials: ROLE_KEYS,
        pollIntervalMs: POLL_INTERVAL_MS,
        onEvent: event => {
          const line = formatEvent(event, { describeWait: describeFinSpaceWait });
          if (line !== undefined) say(line);
        },
        onStackResult: stackResult => formatStackResult(stackResult, step.run === deploy ? 'deploy' : 'destroy').forEach(say),
      });
      // After the destroy, FinSpace must hold nothing the stack declared; its users stay (disabled).
      const [stack] = readAssembly(step.app).stacks;
      const [declared, users] = step.run === deploy ? [declaredGroups(stack), declaredUsers(stack)] : [[], []];
      const environment = emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_ID);
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
      if (index === 1) {
        // After the second deploy: a change by hand, found by the drift command, then healed.
        say('\n━━ Between steps: FinSpace changed by hand, then the drift audit (npm run local -- drift)\n');
        failures += verdict(await driftStep({ emulator, stateFile, declared, say }),
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

/** Synthesizes example/app.ts as `npx cdk synth` would: with cdk.json's context, offline and without credentials (the app looks nothing up). */
async function synthesizeExample(outdir: string, context: Record<string, string> = {}): Promise<string> {
  if (!fs.existsSync(HANDLER_BUNDLE)) {
    throw new Error(`the handler bundle ${path.relative(ROOT, HANDLER_BUNDLE)} is missing: run npx projen bundle first (npm run demo does)`);
  }
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const tsconfig = path.join(ROOT, 'tsconfig.dev.json');
  return synthesizeApp({ app: path.join(ROOT, 'example', 'app.ts'), outdir, context: { ...cdkJson.context, ...context }, tsconfig });
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
