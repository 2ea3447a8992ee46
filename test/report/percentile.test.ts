import { describe, expect, it } from 'vitest';
import { nearestRank } from '../../src/report/percentile.js';

// nearest rank: the value of rank ⌈p·n/100⌉ in ascending order, always one of the values
describe('nearestRank', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each([
    [[42], 50, 42],
    [[42], 99, 42],
    [[10, 20, 30], 50, 20], // ⌈1.5⌉ = 2
    [[10, 20, 30], 90, 30], // ⌈2.7⌉ = 3
    [ten, 50, 5], // ⌈5⌉ = 5, not an average of 5 and 6
    [ten, 90, 9], // ⌈9⌉ = 9: (90/100)·10 would be 9.000000000000002 and round up to 10
    [ten, 99, 10],
    [ten, 100, 10],
    [[1, 2, 3, 4], 25, 1],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
  ] as const)('%j p%d = %d', (values, p, want) => {
    expect(nearestRank(values, p)).toBe(want);
  });

  it('has no value for no values', () => expect(nearestRank([], 50)).toBeNull());
  it('refuses a percentile outside (0, 100]', () => {
    expect(() => nearestRank([1], 0)).toThrow(RangeError);
    expect(() => nearestRank([1], 101)).toThrow(RangeError);
  });
});
