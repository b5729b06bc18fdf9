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
import { convergenceProblems, declaredGroups, declaredUsers, type DeclaredGroup } from './convergence';
import { driftStep } from './drift-step';
import { demoSeed, ENVIRONMENT_ID, ROLE_KEYS, APP_USER_COUNT, AUTOMATION_USER } from './environment';
import { groupsTable } from './groups-table';
import { synthesizeExample } from './synthesize';
import { FinSpaceEmulator } from '../emulator';
import {
  deploy, describeFinSpaceWait, destroy, formatEvent, formatStackResult, predictOutputs, readAssembly,
  type RunnerOptions, type RunResult,
} from '../runner';

/** Short enough for a quick demo, long enough to watch members being added and removed. */
const SETTLE_DELAY_MS = 400;
const POLL_INTERVAL_MS = 200;

interface Step {
  readonly title: string;
  readonly run: (options: RunnerOptions) => Promise<RunResult>;
  readonly app: string;
  /** What FinSpace must hold afterwards. */
  readonly declared: readonly DeclaredGroup[];
  /** The e-mail addresses of the FinSpace users that must be ENABLED afterwards. */
  readonly users: readonly string[];
}

async function main(): Promise<number> {
  const started = Date.now();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-demo-'));
  let emulator: FinSpaceEmulator | undefined;
  try {
    say('Synthesizing example/app.ts, as it is and with -c demoVersion=2 ...');
    const [first, second] = await Promise.all([
      synthesizeExample(path.join(workdir, 'cdk.out.v1')),
      synthesizeExample(path.join(workdir, 'cdk.out.v2'), { demoVersion: '2' }),
    ]);
    const [stack] = readAssembly(first).stacks;
    const handlerRoleArn = String(predictOutputs(stack).FinSpaceDataHandlerRoleArn);

    emulator = await FinSpaceEmulator.start({
      seed: demoSeed(handlerRoleArn),
      behaviour: { additionDelayMs: SETTLE_DELAY_MS, removalDelayMs: SETTLE_DELAY_MS },
    });
    say(`FinSpace emulator at ${emulator.endpoint}: environment ${ENVIRONMENT_ID} with ${APP_USER_COUNT} users, ` +
      `membership changes settle after ${SETTLE_DELAY_MS} ms`);
    say(`The handler role ${handlerRoleArn} is registered on superuser '${AUTOMATION_USER}' (the README's one-time setup)`);

    const steps: Step[] = [
      { title: 'deploy the example app', run: deploy, app: first, declared: declaredGroups(stack), users: declaredUsers(stack) },
      {
        title: 'deploy its next version: analysts renamed market-analysts and re-permissioned, ' +
          'analyst02 and engineer02 removed, analyst05 and engineer03 added, the data steward renamed',
        run: deploy,
        app: second,
        declared: declaredGroups(readAssembly(second).stacks[0]),
        users: declaredUsers(readAssembly(second).stacks[0]),
      },
      { title: 'destroy it (the data steward is disabled: FinSpace cannot delete users)', run: destroy, app: second, declared: [], users: [] },
    ];
    let failures = 0;
    for (const [index, step] of steps.entries()) {
      say(`\n━━ Step ${index + 1}/${steps.length}: ${step.title}\n`);
      const result = await step.run({
        app: step.app,
        stateFile: path.join(workdir, 'state.json'),
        finspaceEndpoint: emulator.endpoint,
        roleCredentials: ROLE_KEYS,
        pollIntervalMs: POLL_INTERVAL_MS,
        onEvent: event => {
          const line = formatEvent(event, { describeWait: describeFinSpaceWait });
          if (line !== undefined) say(line);
        },
        onStackResult: stackResult => formatStackResult(stackResult, step.run === deploy ? 'deploy' : 'destroy').forEach(say),
      });
      const environment = emulator.snapshot().environments.find(e => e.environmentId === ENVIRONMENT_ID);
      say(`\nPermission groups in ${ENVIRONMENT_ID}:`);
      groupsTable(environment).forEach(say);
      const stewardship = declaredUsers(readAssembly(step.app).stacks[0]);
      say(`FinSpace users of the stack: ${stewardship.map(email => {
        const user = environment?.users.find(found => found.emailAddress === email);
        return user ? `${user.userId} (${[user.firstName, user.lastName].filter(Boolean).join(' ')}) ${user.status}` : 'none yet';
      }).join(', ')}`);
      const problems = [
        ...(result.success ? [] : ['the step failed']),
        ...convergenceProblems(step.declared, emulator.snapshot(), ENVIRONMENT_ID, step.users),
      ];
      if (problems.length === 0) {
        say(`✔ FinSpace matches the declaration (${step.declared.length} groups, ${step.declared.reduce((n, g) => n + g.members.length, 0)} members)`);
      } else {
        failures++;
        say('✘ FinSpace does not match the declaration:');
        problems.forEach(problem => say(`  - ${problem}`));
      }
      if (index === 1) failures += await showDrift(step, path.join(workdir, 'state.json'), emulator);
    }
    say(`\nDemo ${failures === 0 ? 'finished' : `FAILED (${failures} step(s) did not converge)`} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return failures === 0 ? 0 : 1;
  } finally {
    await emulator?.stop();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

/** After the second deploy: a change by hand, found by the drift command, then healed. */
async function showDrift(step: Step, stateFile: string, emulator: FinSpaceEmulator): Promise<number> {
  say('\n━━ Between steps: FinSpace changed by hand, then the drift audit (npm run local -- drift)\n');
  const problems = await driftStep({ emulator, stateFile, declared: step.declared, say });
  if (problems.length === 0) {
    say('✔ Drift found and healed: FinSpace matches the declaration again');
    return 0;
  }
  say('✘ The drift audit did not find or heal the changes:');
  problems.forEach(problem => say(`  - ${problem}`));
  return 1;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().then(code => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
