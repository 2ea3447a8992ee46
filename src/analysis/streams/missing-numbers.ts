import type { ReadonlyRangeSet } from '../../quic/range-set.js';

/**
 * Numbers strictly between `lo` and `hi` that a set lacks, the ones nearest `hi` first, at
 * most `max`: the packet numbers a sender used that never crossed the capture point.
 */
export function missingBetween(seen: ReadonlyRangeSet, lo: number, hi: number, max = 4): number[] {
  const out: number[] = [];
  let next = hi - 1;
  const ranges = seen.ranges;
  for (let i = ranges.length - 1; i >= 0 && next > lo && out.length < max; i--) {
    const [start, end] = ranges[i]!;
    if (start > next) continue;
    // numbers in [end, next] are missing
    for (let n = next; n >= end && n > lo && out.length < max; n--) out.push(n);
    next = start - 1;
  }
  for (let n = next; n > lo && out.length < max; n--) out.push(n);
  return out.sort((a, b) => a - b);
}
