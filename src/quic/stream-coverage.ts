import { RangeSet } from './range-set.js';

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
  private readonly bytes: RangeSet;
  /** the final size (§4.5), once a FIN or RESET_STREAM said it */
  finalSize: number | null = null;

  constructor(maxRanges = 1024) {
    this.bytes = new RangeSet(maxRanges);
  }

  /** bytes of the stream the capture held */
  get seen(): number {
    return this.bytes.size;
  }

  /** the first offset the capture did not hold (the stream's start counts as 0) */
  get firstMissing(): number {
    return this.bytes.firstMissing;
  }

  get exact(): boolean {
    return this.bytes.exact;
  }

  add(offset: number, length: number, fin: boolean): void {
    if (fin) this.finalSize = offset + length;
    this.bytes.add(offset, offset + length);
  }
}
