/**
 * Synth time: synthesizing 50,000 members in one group against synthesizing the
 * example app, in CPU time (process.cpuUsage), so that a busy machine does not count.
 * Each app runs in a fresh process as `cdk synth` runs it; the same two apps are also
 * synthesized again and again in this process, where only the constructs' and
 * aws-cdk-lib's synthesis work is left, and 25,000 members beside 50,000 show how the
 * cost grows with the members.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Figure, SuiteResult } from '../support/report';
import { inTurn } from '../support/stats';
import { MEMBER_ID_LENGTH, synthesizeExample, synthesizeMembers } from '../support/synth-app';

const MEMBERS = 50_000;
const SYNTH_APP = path.join(__dirname, '..', 'support', 'synth-app.ts');
const REPOSITORY = path.join(__dirname, '..', '..');

export interface SynthTimeOptions {
  readonly runs: number;
}

type Variant = 'example' | 'members' | 'half';

/** CPU time of a fresh process that synthesizes the variant, as it reports it. */
function processCpuMs(variant: Exclude<Variant, 'half'>): number {
  return withOutdir(outdir => {
    const output = execFileSync(process.execPath,
      ['-r', 'ts-node/register/transpile-only', SYNTH_APP, outdir, variant, String(MEMBERS)],
      { cwd: REPOSITORY, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' }, encoding: 'utf8' });
    return (JSON.parse(output) as { cpuMs: number }).cpuMs;
  });
}

/** CPU time of synthesizing the variant in this process, aws-cdk-lib already loaded. */
function inProcessCpuMs(variant: Variant): number {
  return withOutdir(outdir => {
    const start = process.cpuUsage();
    if (variant === 'example') synthesizeExample(outdir);
    else synthesizeMembers(outdir, variant === 'members' ? MEMBERS : MEMBERS / 2);
    const { user, system } = process.cpuUsage(start);
    return (user + system) / 1000;
  });
}

function withOutdir<T>(use: (outdir: string) => T): T {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    return use(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export async function synthTime(options: SynthTimeOptions): Promise<SuiteResult> {
  const ownProcess = { example: [] as number[], members: [] as number[] };
  const inProcess = { example: [] as number[], members: [] as number[], half: [] as number[] };
  // Loads what the in-process runs use, so that the first of them does not pay for it.
  inProcessCpuMs('example');
  for (let run = 0; run < options.runs; run++) {
    for (const variant of inTurn(run, ['example', 'members'] as const)) ownProcess[variant].push(processCpuMs(variant));
    for (const variant of inTurn(run, ['example', 'members', 'half'] as const)) inProcess[variant].push(inProcessCpuMs(variant));
  }
  const members = MEMBERS.toLocaleString('en-US');
  const figures: Figure[] = [
    {
      name: `${members} members in one group, cdk synth (own process): CPU time`,
      unit: 'ms',
      measured: ownProcess.members,
      baselineName: 'the example app, cdk synth',
      baseline: ownProcess.example,
      target: { op: '<=', value: 2 },
    },
    {
      name: 'same, synthesis alone (in process, aws-cdk-lib loaded): CPU time',
      unit: 'ms',
      measured: inProcess.members,
      baselineName: 'the example app, in process',
      baseline: inProcess.example,
    },
    {
      name: `${members} against ${(MEMBERS / 2).toLocaleString('en-US')} members, in process: CPU time`,
      unit: 'ms',
      measured: inProcess.members,
      baselineName: `${(MEMBERS / 2).toLocaleString('en-US')} members`,
      baseline: inProcess.half,
    },
  ];
  return {
    suite: 'Synth',
    runs: options.runs,
    figures,
    notes: [
      `${members} distinct user ids of ${MEMBER_ID_LENGTH} characters in one PermissionGroup (members), the example's FinSpaceDataAccess; 50,000 ids of 11 characters or more do not fit one stack's template (see BENCHMARKS.md, Synth).`,
      'Own process: `node -r ts-node/register/transpile-only bench/support/synth-app.ts` (as cdk.json runs the example app), which reports process.cpuUsage() of the whole process after app.synth().',
      'In process: process.cpuUsage() around building the app and app.synth() into a temporary directory, after one warm-up synthesis; a doubling of the members that costs about twice as much is linear.',
    ],
  };
}
