/**
 * A set of integers kept as disjoint [start, end) ranges: stream offsets a capture held
 * (RFC 9000 §2.2), packet numbers seen or acknowledged (§19.3). Adding counts only what is
 * new, so retransmissions and overlaps count once.
 *
 * Bounded: at most `maxRanges` separate ranges are kept; a range that would open one more
 * is left out, and `exact` turns false, so `size` is then a lower bound.
 */
export class RangeSet {
  /** disjoint, non-adjacent [start, end) ranges in ascending order */
  private readonly rs: [number, number][] = [];
  private total = 0;
  exact = true;

  constructor(private readonly maxRanges = 1024) {}

  /** how many integers the set holds */
  get size(): number {
    return this.total;
  }

  /** the ranges, ascending, as [start, end) pairs */
  get ranges(): readonly (readonly [number, number])[] {
    return this.rs;
  }

  /** one past the largest member; 0 when empty */
  get end(): number {
    return this.rs.at(-1)?.[1] ?? 0;
  }

  /** the first integer ≥ 0 not in the set */
  get firstMissing(): number {
    const first = this.rs[0];
    return first && first[0] === 0 ? first[1] : 0;
  }

  has(x: number): boolean {
    const i = this.firstEndingAfter(x);
    const r = this.rs[i];
    return r !== undefined && r[0] <= x;
  }

  /** how many integers of [start, end) the set holds */
  overlap(start: number, end: number): number {
    let n = 0;
    for (let i = this.firstEndingAfter(start); i < this.rs.length && this.rs[i]![0] < end; i++) {
      n += Math.min(end, this.rs[i]![1]) - Math.max(start, this.rs[i]![0]);
    }
    return n;
  }

  /** adds [start, end); returns how many of its integers were new */
  add(start: number, end: number): number {
    if (end <= start) return 0;
    const rs = this.rs;
    // the first range that ends at or after `start`: everything before it stays apart
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rs[mid]![1] < start) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    let newStart = start;
    let newEnd = end;
    let covered = 0;
    while (i < rs.length && rs[i]![0] <= end) {
      newStart = Math.min(newStart, rs[i]![0]);
      newEnd = Math.max(newEnd, rs[i]![1]);
      covered += rs[i]![1] - rs[i]![0];
      i++;
    }
    const merged = i - lo;
    if (merged === 0 && rs.length >= this.maxRanges) {
      this.exact = false;
      return 0;
    }
    rs.splice(lo, merged, [newStart, newEnd]);
    const added = newEnd - newStart - covered;
    this.total += added;
    return added;
  }

  /** the index of the first range whose end is past x */
  private firstEndingAfter(x: number): number {
    let lo = 0;
    let hi = this.rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.rs[mid]![1] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** a RangeSet that is only read: what a reader is handed when nothing was added (EMPTY_RANGES) */
export type ReadonlyRangeSet = Omit<RangeSet, 'add'>;

/** the empty set, shared: a structure that never held a number hands this out instead of a set of its own */
export const EMPTY_RANGES: ReadonlyRangeSet = new RangeSet(0);
