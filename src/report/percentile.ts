/**
 * The nearest-rank percentile: the smallest value at or below which at least p % of the
 * values lie, i.e. the value of rank ⌈p/100 · n⌉ in ascending order. It is always one of
 * the values measured (never an interpolation), so a p99 of 23.1 ms is a real handshake.
 * `sorted` must be in ascending order; null for no values.
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  if (!(p > 0 && p <= 100)) throw new RangeError(`a percentile is in (0, 100], got ${p}`);
  // p · n first: (90 / 100) · 10 is 9.000000000000002 in floating point, and would round up to 10
  const rank = Math.ceil((p * sorted.length) / 100);
  return sorted[rank - 1]!;
}
