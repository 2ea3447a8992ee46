/**
 * Reassembles one byte stream of a connection: the CRYPTO data of an encryption level
 * (RFC 9000 §19.6) or the data of a stream (§19.8, §2.2). Frames may arrive out of order,
 * overlap, repeat (retransmissions) or leave gaps (lost packets). The bytes are delivered
 * once, in order, as soon as they are contiguous from the last delivery.
 *
 * Bounded: data more than `maxBuffered` bytes ahead of what was delivered is dropped, so a
 * broken or hostile stream cannot grow memory without limit.
 */
export class StreamReassembler {
  /** pending fragments by start offset */
  private readonly pending = new Map<number, Buffer>();
  private delivered = 0;
  private buffered = 0;

  /**
   * `views`: bytes that come in order with nothing waiting are handed back as they came, not
   * copied first, for a caller that copies whatever it keeps past the call (most of a bulk
   * transfer's bytes are read once and dropped)
   */
  constructor(
    private readonly maxBuffered = 1 << 20,
    private readonly views = false,
  ) {}

  /** bytes delivered so far: the offset the next in-order byte will have */
  get offset(): number {
    return this.delivered;
  }

  /** adds a fragment; returns the newly contiguous bytes (empty when there are none) */
  push(offset: number, data: Buffer): Buffer {
    const end = offset + data.length;
    if (end <= this.delivered || data.length === 0) return EMPTY;
    if (offset - this.delivered > this.maxBuffered) return EMPTY;
    const start = Math.max(offset, this.delivered);
    const fragment = data.subarray(start - offset);
    if (this.views && start === this.delivered && this.pending.size === 0) {
      this.delivered = end;
      return fragment;
    }
    const existing = this.pending.get(start);
    if (!existing || existing.length < fragment.length) {
      // copied: kept beyond the packet it came in
      this.buffered += fragment.length - (existing?.length ?? 0);
      this.pending.set(start, Buffer.from(fragment));
    }
    return this.collect();
  }

  private collect(): Buffer {
    const out: Buffer[] = [];
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const [start, frag] of this.pending) {
        if (start > this.delivered) continue;
        this.pending.delete(start);
        this.buffered -= frag.length;
        const end = start + frag.length;
        if (end > this.delivered) {
          out.push(frag.subarray(this.delivered - start));
          this.delivered = end;
        }
        progressed = true;
      }
    }
    return out.length === 0 ? EMPTY : out.length === 1 ? out[0]! : Buffer.concat(out);
  }
}

const EMPTY = Buffer.alloc(0);
