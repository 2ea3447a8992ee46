import { describe, expect, it } from 'vitest';
import { RangeSet } from '../../../src/quic/range-set.js';
import { missingBetween } from '../../../src/analysis/streams/missing-numbers.js';

describe('missingBetween', () => {
  const seen = new RangeSet();
  for (const [a, b] of [[0, 5], [7, 8], [12, 20]] as const) seen.add(a, b);
  it.each([
    [4, 12, 4, [8, 9, 10, 11]],
    [4, 12, 8, [5, 6, 8, 9, 10, 11]],
    [-1, 25, 3, [22, 23, 24]],
    [0, 5, 4, []],
    [5, 7, 4, [6]],
  ])('between %i and %i (at most %i): %j', (lo, hi, max, want) => {
    expect(missingBetween(seen, lo, hi, max)).toEqual(want);
  });
});
