/**
 * The nearest-rank percentile the team server bench reports everywhere: the
 * smallest sample with at least `p` % of the samples at or below it, to one
 * decimal; NaN when there are none.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 10) / 10;
}
