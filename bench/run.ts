/**
 * The benchmarks: `npm run bench -- [--runs N] [--only SUITE,...] [--markdown] [--json FILE]`.
 *
 * Every figure is measured beside its baseline in the same runs and reported as
 * the median per-run ratio. Handlers run for real, over HTTP, against the
 * emulator in its own process (see BENCHMARKS.md for what each suite measures).
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { apiEconomy } from './scenarios/api-economy';
import { bigGroup } from './scenarios/big-group';
import { driftAudit } from './scenarios/drift-audit';
import { handlerCost } from './scenarios/handler-cost';
import { reconcileSpeed } from './scenarios/reconcile-speed';
import { stackScale } from './scenarios/stack-scale';
import { synthTime } from './scenarios/synth-time';
import { throttling } from './scenarios/throttling';
import { describeMachine, machineLine } from './support/machine';
import { renderMarkdown, renderNotes, renderTable, summarize, type SuiteResult } from './support/report';

interface Suite {
  readonly title: string;
  /** Runs unless --runs says otherwise: enough for a median, few enough for a few minutes. */
  readonly defaultRuns: number;
  readonly run: (options: { runs: number }) => Promise<SuiteResult>;
}

const SUITES: Record<string, Suite> = {
  speed: { title: 'Reconcile speed', defaultRuns: 3, run: reconcileSpeed },
  economy: { title: 'API economy', defaultRuns: 3, run: apiEconomy },
  throttling: { title: 'Throttling', defaultRuns: 3, run: throttling },
  scale: { title: 'Stack scale', defaultRuns: 3, run: stackScale },
  big: { title: 'Big group', defaultRuns: 3, run: bigGroup },
  synth: { title: 'Synth', defaultRuns: 3, run: synthTime },
  cost: { title: 'Handler cost', defaultRuns: 7, run: handlerCost },
  drift: { title: 'Drift audit', defaultRuns: 3, run: driftAudit },
};

const USAGE = `usage: npm run bench -- [--runs N] [--only ${Object.keys(SUITES).join(',')}] [--markdown] [--json FILE]
  --runs N      runs per suite (defaults: ${Object.entries(SUITES).map(([name, s]) => `${name} ${s.defaultRuns}`).join(', ')})
  --only LIST   run only these suites, comma-separated
  --markdown    print the table as Markdown (for BENCHMARKS.md)
  --json FILE   also write every per-run value to FILE`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      only: { type: 'string' },
      markdown: { type: 'boolean' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && (!Number.isInteger(runs) || runs < 1)) throw new Error(`--runs must be a whole number of at least 1\n${USAGE}`);
  const names = values.only?.split(',').map(name => name.trim()) ?? Object.keys(SUITES);
  const unknown = names.filter(name => !SUITES[name]);
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')}\n${USAGE}`);

  const machine = describeMachine();
  const startedAt = new Date();
  const results: SuiteResult[] = [];
  for (const name of names) {
    const suite = SUITES[name];
    const suiteRuns = runs ?? suite.defaultRuns;
    const suiteStart = Date.now();
    process.stderr.write(`${suite.title}: ${suiteRuns} run${suiteRuns === 1 ? '' : 's'}...`);
    results.push(await suite.run({ runs: suiteRuns }));
    process.stderr.write(` ${((Date.now() - suiteStart) / 1000).toFixed(0)} s\n`);
  }
  const elapsed = (Date.now() - startedAt.getTime()) / 1000;

  const figures = results.flatMap(result => result.figures.map(summarize)).filter(summary => summary.met !== undefined);
  console.log(`Benchmarks, ${startedAt.toISOString()}: ${machineLine(machine)}; ${elapsed.toFixed(0)} s in all`);
  console.log(`Command: npm run bench --${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`);
  console.log('Each ratio is the median of the per-run ratios of measured to baseline (speed-ups: baseline to measured).\n');
  console.log(values.markdown ? renderMarkdown(results) : renderTable(results));
  console.log(`\nTargets met: ${figures.filter(f => f.met).length} of ${figures.length}\n`);
  console.log(renderNotes(results));
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify({ startedAt: startedAt.toISOString(), machine, argv, results }, null, 2));
  }
  const missed = figures.length - figures.filter(f => f.met).length;
  if (missed > 0) {
    // A missed target fails the command, so that a pipeline can gate on it.
    console.error(`${missed} target${missed === 1 ? '' : 's'} missed (Met: NO above)`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
