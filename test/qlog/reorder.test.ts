import { describe, expect, it } from 'vitest';
import { ReorderWindow } from '../../src/qlog/reorder.js';

function run(times: number[], capacity: number) {
  const w = new ReorderWindow<string>(capacity);
  const out: string[] = [];
  times.forEach((t, i) => {
    const released = w.push(t, `${t}#${i}`, i + 1);
    if (released !== undefined) out.push(released);
  });
  out.push(...w.drain());
  return { out, late: w.late, firstLate: w.firstLate };
}

describe('ReorderWindow', () => {
  it('sorts items that are out of order by less than its capacity, ties in arrival order', () => {
    const { out, late } = run([3, 1, 2, 2, 5, 4], 3);
    expect(out).toEqual(['1#1', '2#2', '2#3', '3#0', '4#5', '5#4']);
    expect(late).toBe(0);
  });

  it('holds no more than its capacity', () => {
    const w = new ReorderWindow<number>(4);
    let maxHeld = 0;
    for (let i = 0; i < 100; i++) {
      w.push(100 - i, i);
      maxHeld = Math.max(maxHeld, w.size);
    }
    expect(maxHeld).toBe(4);
  });

  it('lets an item further out of order than its capacity through late, and counts it', () => {
    const { out, late, firstLate } = run([1, 5, 4, 9, 10, 6, 7], 1);
    expect(out.map((s) => Number(s.split('#')[0]))).toEqual([1, 4, 5, 9, 6, 7, 10]);
    expect(late).toBe(2);
    expect(firstLate).toBe(6);
  });

  it('refuses a capacity below one', () => {
    expect(() => new ReorderWindow(0)).toThrow(RangeError);
  });
});
