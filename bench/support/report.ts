/**
 * Figures and how they are printed: every figure is a measurement set beside
 * its baseline, taken in the same runs, summarized as the median per-run ratio.
 */
import { median, spread } from './stats';

export type Unit = 's' | 'ms' | 'calls' | 'bytes' | 'resources';

export interface Target {
  /** How the ratio must compare with `value`. */
  readonly op: '<=' | '>=' | '<';
  readonly value: number;
}

export interface Figure {
  readonly name: string;
  readonly unit: Unit;
  /** One value per run. */
  readonly measured: readonly number[];
  readonly baselineName: string;
  /** One value per run, taken in the same run as `measured`. */
  readonly baseline: readonly number[];
  /** `speedup`: baseline / measured ("N x faster"); otherwise measured / baseline. */
  readonly ratio?: 'speedup';
  readonly target?: Target;
}

export interface SuiteResult {
  readonly suite: string;
  readonly runs: number;
  readonly figures: Figure[];
  /** What the figures rest on: derivations, per-run details, findings. */
  readonly notes: string[];
}

export interface FigureSummary {
  readonly measured: number;
  readonly baseline: number;
  readonly ratio: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
  /** Undefined when the figure has no target. */
  readonly met?: boolean;
}

export function summarize(figure: Figure): FigureSummary {
  const ratios = figure.measured.map((m, i) => (figure.ratio === 'speedup' ? figure.baseline[i] / m : m / figure.baseline[i]));
  const ratio = median(ratios);
  const { min, max } = spread(ratios);
  const target = figure.target;
  let met: boolean | undefined;
  if (target) met = target.op === '<=' ? ratio <= target.value : target.op === '>=' ? ratio >= target.value : ratio < target.value;
  return { measured: median(figure.measured), baseline: median(figure.baseline), ratio, ratioMin: min, ratioMax: max, met };
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 's': return `${(value / 1000).toFixed(2)} s`;
    case 'ms': return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
    case 'bytes': return `${Math.round(value).toLocaleString('en-US')} B`;
    default: return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
  }
}

function formatRatio(summary: FigureSummary, figure: Figure): string {
  const x = (r: number) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2));
  const range = summary.ratioMin === summary.ratioMax ? '' : ` (${x(summary.ratioMin)}-${x(summary.ratioMax)})`;
  return `${x(summary.ratio)}x${figure.ratio === 'speedup' ? ' faster' : ''}${range}`;
}

function formatTarget(figure: Figure): string {
  if (!figure.target) return '';
  const op = figure.target.op === '<=' ? '<=' : figure.target.op === '>=' ? '>=' : '<';
  return `${op} ${figure.target.value}x${figure.ratio === 'speedup' ? ' faster' : ''}`;
}

const HEADERS = ['Figure', 'n', 'Measured (median)', 'Baseline', 'Baseline (median)', 'Ratio (min-max)', 'Target', 'Met'];

function rows(results: readonly SuiteResult[]): string[][] {
  return results.flatMap(result => result.figures.map(figure => {
    const summary = summarize(figure);
    return [
      `${result.suite}: ${figure.name}`,
      String(figure.measured.length),
      formatValue(summary.measured, figure.unit),
      figure.baselineName,
      formatValue(summary.baseline, figure.unit),
      formatRatio(summary, figure),
      formatTarget(figure),
      summary.met === undefined ? '' : summary.met ? 'yes' : 'NO',
    ];
  }));
}

/** A plain-text table for the terminal. */
export function renderTable(results: readonly SuiteResult[]): string {
  const table = [HEADERS, ...rows(results)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map(row => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(table[0]), widths.map(w => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

/** The same table as Markdown, for BENCHMARKS.md. */
export function renderMarkdown(results: readonly SuiteResult[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const line = (row: string[]) => `| ${row.map(escape).join(' | ')} |`;
  return [line(HEADERS), line(HEADERS.map(() => '---')), ...rows(results).map(line)].join('\n');
}

export function renderNotes(results: readonly SuiteResult[]): string {
  return results
    .filter(result => result.notes.length > 0)
    .map(result => [`${result.suite}:`, ...result.notes.map(note => `  - ${note}`)].join('\n'))
    .join('\n\n');
}
