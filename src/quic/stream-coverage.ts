/**
 * Which bytes of one stream a capture held (RFC 9000 §2.2: STREAM frames carry an offset,
 * so data after a hole is still placed): the union of the ranges seen, and the stream's
 * final size once a FIN or RESET_STREAM gave it (§4.5). Retransmissions and overlaps count
 * once.
 *
 * Bounded: at most `maxRanges` separate ranges are kept; a fragment that would open one
 * more is left out of the count, and `exact` turns false, so `seen` is then a lower bound.
 */
export class StreamCoverage {
  /** disjoint, non-adjacent [start, end) ranges in offset order */
  private readonly ranges: [number, number][] = [];
  private total = 0;
  exact = true;
  /** the final size (§4.5), once a FIN or RESET_STREAM said it */
  finalSize: number | null = null;

  constructor(private readonly maxRanges = 1024) {}

  /** bytes of the stream the capture held */
  get seen(): number {
    return this.total;
  }

  /** the first offset the capture did not hold (the stream's start counts as 0) */
  get firstMissing(): number {
    const first = this.ranges[0];
    return first && first[0] === 0 ? first[1] : 0;
  }

  add(offset: number, length: number, fin: boolean): void {
    if (fin) this.finalSize = offset + length;
    if (length > 0) this.insert(offset, offset + length);
  }

  private insert(start: number, end: number): void {
    const rs = this.ranges;
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
      return;
    }
    rs.splice(lo, merged, [newStart, newEnd]);
    this.total += newEnd - newStart - covered;
  }
}
