import { describe, expect, it } from 'vitest';
import { RangeSet } from '../../src/quic/range-set.js';

describe('RangeSet: integers kept as disjoint ranges', () => {
  it('counts only what is new, and merges touching ranges', () => {
    const s = new RangeSet();
    expect(s.add(10, 20)).toBe(10);
    expect(s.add(15, 25)).toBe(5);
    expect(s.add(0, 10)).toBe(10);
    expect(s.ranges).toEqual([[0, 25]]);
    expect([s.size, s.end, s.firstMissing]).toEqual([25, 25, 25]);
  });

  it('answers membership and overlap across holes', () => {
    const s = new RangeSet();
    s.add(0, 5);
    s.add(10, 15);
    expect([s.has(4), s.has(5), s.has(9), s.has(10), s.has(15)]).toEqual([true, false, false, true, false]);
    expect(s.overlap(3, 12)).toBe(4);
    expect(s.overlap(5, 10)).toBe(0);
  });
});
