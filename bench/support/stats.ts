/** Summaries of repeated measurements. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function spread(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** Alternates which variant goes first, so a machine that drifts during a run favours neither. */
export function inTurn<T>(run: number, variants: readonly T[]): T[] {
  return run % 2 === 0 ? [...variants] : [...variants].reverse();
}
