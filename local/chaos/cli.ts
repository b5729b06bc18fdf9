/** The long chaos run (README.md in this folder): many planned sequences, several at once, then the figures. */
import { parseArgs } from 'util';
import { addFigures, emptyFigures, formatFigures } from './figures';
import { planSequence } from './plan';
import { runSequence, type SequenceReport } from './sequence';

const USAGE = 'usage: chaos [--sequences N] [--seed S | --seeds S1,S2,...] [--concurrency C] [--steps K] [--repeat R] [--verbose]';

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const started = Date.now();
  const seeds = args.seeds.flatMap(seed => Array.from({ length: args.repeat }, () => seed));
  say(`chaos: ${seeds.length} sequences, seeds ${describeSeeds(args.seeds)}, ${args.concurrency} at once`);
  const reports: SequenceReport[] = [];
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      const seed = seeds[next++];
      const plan = planSequence(seed, { deploySteps: args.steps });
      const report = await runSequence(plan, { log: args.verbose ? line => say(`  [${seed}] ${line}`) : undefined });
      reports.push(report);
      say(`${report.failure ? 'FAIL' : 'ok  '} seed ${seed}: ${plan.steps.length} steps, ${report.figures.steps} runner operations, ` +
        `${(report.elapsedMs / 1000).toFixed(1)}s (${reports.length}/${seeds.length})`);
      const failure = report.failure;
      if (!failure) continue;
      say(`  seed ${seed} failed at step ${failure.step} (attempt ${failure.attempt}): ${failure.changes.join('; ')}`);
      [...failure.problems.map(problem => `- ${problem}`), 'deployed before:', ...failure.before.map(line => `  ${line}`),
        'attempted:', ...failure.attempted.map(line => `  ${line}`), `state file, assemblies and handler logs kept in ${failure.directory}`,
        `replay: npm run chaos -- --seed ${seed} --sequences 1 --verbose`].forEach(line => say(`    ${line}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency, seeds.length) }, worker));

  const total = emptyFigures();
  reports.forEach(report => addFigures(total, report.figures));
  const failed = [...new Set(reports.filter(report => report.failure).map(report => report.seed))].sort((a, b) => a - b);
  say('');
  formatFigures(total).forEach(say);
  say(`wall time:        ${((Date.now() - started) / 1000).toFixed(0)}s for seeds ${describeSeeds(args.seeds)}`);
  if (failed.length === 0) return 0;
  say(`\nFailed seeds: ${failed.join(', ')}. Replay one with: npm run chaos -- --seed ${failed[0]} --sequences 1 --verbose`);
  return 1;
}

function describeSeeds(seeds: readonly number[]): string {
  const consecutive = seeds.every((seed, i) => i === 0 || seed === seeds[i - 1] + 1);
  return consecutive && seeds.length > 2 ? `${seeds[0]} to ${seeds.at(-1)}` : seeds.join(', ');
}

function parse(argv: string[]) {
  const [text, flag] = [{ type: 'string' }, { type: 'boolean' }] as const;
  const { values } = parseArgs({
    args: argv,
    options: { sequences: text, seed: text, seeds: text, concurrency: text, steps: text, repeat: text, verbose: flag },
  });
  const whole = <T extends number | undefined>(name: 'seed' | 'sequences' | 'concurrency' | 'steps' | 'repeat', fallback: T, min: number) => {
    if (values[name] === undefined) return fallback;
    const value = Number(values[name]);
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}`);
    return value;
  };
  if (values.seeds !== undefined && (values.seed !== undefined || values.sequences !== undefined)) {
    throw new Error('--seeds names the sequences: it takes neither --seed nor --sequences');
  }
  const listed = values.seeds?.split(',').map(Number);
  if (listed && !listed.every(seed => Number.isSafeInteger(seed) && seed >= 0)) throw new Error('--seeds must be whole numbers, separated by commas');
  // A fresh seed unless one is given; it is printed, so any run can be replayed.
  const first = whole('seed', Date.now() % 1_000_000, 0);
  return {
    /** The sequences' seeds, in order. */
    seeds: listed ?? Array.from({ length: whole('sequences', 20, 1) }, (_, i) => first + i),
    concurrency: whole('concurrency', 6, 1),
    steps: whole('steps', undefined, 1),
    repeat: whole('repeat', 1, 1),
    verbose: values.verbose === true,
  };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main(process.argv.slice(2)).then(code => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`chaos run failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
