import { RangeSet } from '../../quic/range-set.js';
import type { Role } from '../connection.js';
import type { FillPacket, Stall, StallCause, Unfilled } from './stream-types.js';

/** at most this many stalls are kept per connection and sender; the rest are counted */
export const MAX_STALLS = 1000;

interface OpenStall {
  stall: Stall;
  others: Set<number>;
}

interface StreamDelivery {
  arrived: RangeSet;
  /** the first byte not yet delivered in order */
  prefix: number;
  open: OpenStall | null;
  waitMs: number;
}

/**
 * Head-of-line blocking at the receiver (RFC 9000 §2.2): a stream's bytes reach the
 * application in order, so a byte that arrives while an earlier one is missing waits until
 * the hole is filled. Fed the bytes that arrived, in capture order, per sender; a stall
 * opens when data arrives behind a hole and closes when the hole's first bytes arrive.
 */
export class HolDelivery {
  private readonly streams = new Map<number, StreamDelivery>();
  private readonly openStalls = new Set<StreamDelivery>();
  readonly stalls: Stall[] = [];
  omitted = 0;
  /** holes never filled within the capture: no wait is counted for them (see finish) */
  readonly unfilled: Unfilled[] = [];

  constructor(
    private readonly sender: Role,
    /** why the bytes [start, end) of a stream were missing */
    private readonly causeOf: (stream: number, start: number, end: number) => StallCause,
  ) {}

  /** what has arrived of a stream, in any order */
  arrivedOf(stream: number): RangeSet {
    return this.stream(stream).arrived;
  }

  arrive(stream: number, offset: number, length: number, time: number, packet: FillPacket): void {
    const s = this.stream(stream);
    if (s.arrived.add(offset, offset + length) === 0) return;
    const before = s.prefix;
    s.prefix = s.arrived.firstMissing;
    const advanced = s.prefix > before;
    const waiting = s.arrived.end > s.prefix;
    if (advanced) {
      for (const other of this.openStalls) if (other !== s) other.open!.others.add(stream);
    }
    // the hole now first in line, and why: needed when a wait starts or its hole moves on
    const next = () => s.arrived.ranges.find(([start]) => start > s.prefix)?.[0] ?? s.arrived.end;
    const cause = waiting && (!s.open || advanced) ? this.causeOf(stream, s.prefix, next()) : null;
    if (s.open && (advanced || !waiting)) {
      // the rest of the same lost packet's bytes still missing: the same wait goes on
      const was = s.open.stall.cause;
      const same = cause !== null && cause.where === was.where && cause.pn === was.pn && String(cause.missingPns) === String(was.missingPns);
      if (same) s.open.stall.cause.bytes = [s.open.stall.cause.bytes[0], cause.bytes[1]];
      else this.close(s, time, packet);
    }
    if (cause && !s.open) {
      const stall: Stall = { stream, sender: this.sender, from: time, until: time, waitMs: 0, heldBytes: 0, cause, filledBy: packet, othersDelivering: [] };
      s.open = { stall, others: new Set() };
      this.openStalls.add(s);
    }
    if (s.open) s.open.stall.heldBytes = Math.max(s.open.stall.heldBytes, s.arrived.size - s.prefix);
  }

  /**
   * The end of the input. A hole still open was never sent again within the capture: a
   * sender repeats the stream data it declares lost, so the bytes may well have arrived with
   * the capture missing their ACK. Whether the stream waited is unknown: the hole is listed,
   * no wait counted.
   */
  finish(): void {
    for (const s of this.openStalls) {
      const { stall } = s.open!;
      if (this.unfilled.length < MAX_STALLS) this.unfilled.push({ stream: stall.stream, sender: this.sender, from: stall.from, heldBytes: stall.heldBytes, cause: stall.cause });
      s.open = null;
    }
    this.openStalls.clear();
  }

  /** time a stream waited in order, over all its stalls */
  waitMs(stream: number): number {
    return this.streams.get(stream)?.waitMs ?? 0;
  }

  private close(s: StreamDelivery, time: number, packet: FillPacket): void {
    const { stall, others } = s.open!;
    stall.waitMs = (time - stall.from) * 1000;
    stall.until = time;
    stall.filledBy = packet;
    stall.othersDelivering = [...others].sort((a, b) => a - b);
    s.waitMs += stall.waitMs;
    s.open = null;
    this.openStalls.delete(s);
    // data behind a hole filled at the same instant (one datagram) did not wait
    if (stall.waitMs === 0) return;
    if (this.stalls.length < MAX_STALLS) this.stalls.push(stall);
    else this.omitted++;
  }

  private stream(id: number): StreamDelivery {
    let s = this.streams.get(id);
    if (!s) {
      s = { arrived: new RangeSet(), prefix: 0, open: null, waitMs: 0 };
      this.streams.set(id, s);
    }
    return s;
  }
}
