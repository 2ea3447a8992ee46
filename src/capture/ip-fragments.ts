/**
 * Reassembly of fragmented IP datagrams (RFC 791 §3.2 for IPv4, RFC 8200 §4.5 for IPv6).
 * Fragments are kept per (source, destination, protocol, identification) until every byte
 * from 0 to the end of the last fragment has arrived. The table is bounded: at most
 * `maxPending` datagrams wait, and one that has waited `timeoutSeconds` of capture time
 * is dropped, so lost fragments cannot grow memory.
 */
interface Pending {
  pieces: { offset: number; data: Buffer }[];
  /** known once the fragment without "more fragments" arrived */
  totalLength: number | null;
  firstTime: number;
  bytes: number;
}

/** the largest IP payload there can be (an IPv6 jumbogram aside) */
const MAX_DATAGRAM = 65535;

export class FragmentReassembler {
  private readonly pending = new Map<string, Pending>();
  /** datagrams given up on: too old, table full, or impossible fragments */
  dropped = 0;

  constructor(
    private readonly maxPending = 1024,
    private readonly timeoutSeconds = 30,
  ) {}

  /**
   * Adds one fragment; returns the whole payload when this fragment completes it.
   * `offset` is in bytes; `more` is the More Fragments flag.
   */
  add(key: string, offset: number, more: boolean, data: Buffer, time: number): Buffer | null {
    this.expire(time);
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.maxPending) this.dropOldest();
      p = { pieces: [], totalLength: null, firstTime: time, bytes: 0 };
      this.pending.set(key, p);
    }
    const end = offset + data.length;
    if (end > MAX_DATAGRAM || (p.totalLength !== null && end > p.totalLength)) {
      this.pending.delete(key);
      this.dropped++;
      return null;
    }
    if (!more) p.totalLength = end;
    // copied: the record's buffer is not ours to keep
    p.pieces.push({ offset, data: Buffer.from(data) });
    p.bytes += data.length;
    if (p.totalLength === null || p.bytes < p.totalLength) return null;
    return this.assemble(key, p);
  }

  private assemble(key: string, p: Pending): Buffer | null {
    const total = p.totalLength!;
    p.pieces.sort((a, b) => a.offset - b.offset);
    const out = Buffer.alloc(total);
    let covered = 0;
    for (const piece of p.pieces) {
      if (piece.offset > covered) return null; // a hole: wait for the fragment that fills it
      // overlapping bytes: the first copy to arrive at an offset is kept (RFC 5722 would
      // drop the datagram; a capture should show what the receiver most likely saw)
      const skip = covered - piece.offset;
      if (skip < piece.data.length) {
        piece.data.copy(out, covered, skip);
        covered = piece.offset + piece.data.length;
      }
    }
    if (covered < total) return null;
    this.pending.delete(key);
    return out;
  }

  private expire(now: number): void {
    for (const [key, p] of this.pending) {
      if (now - p.firstTime <= this.timeoutSeconds) break; // insertion order: oldest first
      this.pending.delete(key);
      this.dropped++;
    }
  }

  private dropOldest(): void {
    const first = this.pending.keys().next();
    if (!first.done) {
      this.pending.delete(first.value);
      this.dropped++;
    }
  }
}
