import { RangeSet } from '../../quic/range-set.js';
import type { PnSpace } from './pn-space.js';

/** A run of bytes in one stream (a STREAM frame, RFC 9000 §19.8) or one level's CRYPTO stream (§19.6). */
export interface DataRange {
  /** a stream ID, or the crypto level's packet-number space */
  stream: number | PnSpace;
  offset: number;
  length: number;
}

/**
 * One sender's bytes, per stream and per crypto level: those sent at the capture point and
 * those the receiver acknowledged. A range sent again is a retransmission; sent again when
 * its first copy was already acknowledged, a spurious one.
 */
export class SentData {
  // made with the first range: a sender whose frames were never read holds none
  private sent: Map<number | PnSpace, RangeSet> | undefined;
  private acked: Map<number | PnSpace, RangeSet> | undefined;

  /** records a range as sent; returns how many of its bytes were sent before, and how many of those were already acknowledged */
  send(r: DataRange): { resent: number; alreadyAcked: number } {
    const set = this.set((this.sent ??= new Map()), r.stream);
    const end = r.offset + r.length;
    const alreadyAcked = this.acked?.get(r.stream)?.overlap(r.offset, end) ?? 0;
    const fresh = set.add(r.offset, end);
    return { resent: r.length - fresh, alreadyAcked };
  }

  /** records a range as acknowledged by the receiver */
  ack(r: DataRange): void {
    this.set((this.acked ??= new Map()), r.stream).add(r.offset, r.offset + r.length);
  }

  /** starts a stream afresh: after a Retry the client sends its Initial CRYPTO data from offset 0 again (RFC 9000 §17.2.5.2) */
  forget(stream: number | PnSpace): void {
    this.sent?.delete(stream);
    this.acked?.delete(stream);
  }

  private set(m: Map<number | PnSpace, RangeSet>, k: number | PnSpace): RangeSet {
    let s = m.get(k);
    if (!s) {
      s = new RangeSet();
      m.set(k, s);
    }
    return s;
  }
}

/** whether two ranges share a byte of the same stream */
export function overlaps(a: DataRange, b: DataRange): boolean {
  return a.stream === b.stream && a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}
