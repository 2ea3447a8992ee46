import { RangeSet } from '../../quic/range-set.js';
import type { Role } from '../connection.js';
import type { PacketFate, ReadonlySpaceNumbers } from '../recovery/packet-fates.js';
import type { CarryingPacket } from './fate-window.js';
import { HolDelivery } from './hol-delivery.js';
import { missingBetween } from './missing-numbers.js';
import type { StallCause } from './stream-types.js';
import { TcpOrder } from './tcp-order.js';

/** lost first copies remembered per stream, to name the packet behind a stall */
const MAX_LOST = 256;

interface LostCopy {
  start: number;
  end: number;
  pn: number;
  frame: number;
  time: number;
}

interface SentState {
  /** offsets the capture saw sent, in any packet, arrived or not */
  sent: RangeSet;
  lost: LostCopy[];
  /** holes in the offsets sent, and why, as found when the first packet beyond each showed it */
  gaps: { start: number; end: number; cause: StallCause }[];
  /** the packet that carried the stream's furthest bytes so far: a packet lost after it left a hole */
  frontierPn: number;
}

/**
 * One sender's streams of one connection, fed its packets in capture order once their fate
 * is known: which bytes arrived (not_acknowledged packets' bytes did not; their
 * retransmission's did), which bytes were sent for the first time, and both delivery
 * models over them.
 */
export class SenderDelivery {
  private readonly sent = new Map<number, SentState>();
  /** the packet being settled: the one that shows a hole */
  private current = -1;
  readonly hol: HolDelivery;
  readonly tcp: TcpOrder;
  /** bytes the receiver acknowledged in packets the capture does not hold (capture drops), taken as arrived */
  uncapturedBytes = 0;

  constructor(
    readonly sender: Role,
    /** this sender's application-space packet numbers: which crossed the capture point, which the receiver acknowledged */
    private readonly numbers: () => ReadonlySpaceNumbers,
    /** packet numbers the capture lost sync over: whether they were lost is unknown */
    private readonly captureGaps: RangeSet,
  ) {
    this.hol = new HolDelivery(sender, (stream, start, end) => this.causeOf(stream, start, end, this.current));
    this.tcp = new TcpOrder(sender);
  }

  settle(p: CarryingPacket, fate: PacketFate): void {
    const fill = { frame: p.frame, pn: p.pn, time: p.time };
    this.current = p.pn;
    for (const c of p.chunks) {
      const end = c.offset + c.length;
      const st = this.state(c.stream);
      const fresh = c.length - st.sent.overlap(c.offset, end);
      if (fresh > 0 && c.offset > st.sent.end && this.uncaptured(st.frontierPn, p.pn)) {
        // the capture missed these bytes, the receiver did not: taken as arrived with this packet
        this.uncapturedBytes += c.offset - st.sent.end;
        this.tcp.firstArrival(c.stream, c.offset - st.sent.end, p.time);
        this.hol.arrive(c.stream, st.sent.end, c.offset - st.sent.end, p.time, fill);
        st.sent.add(st.sent.end, c.offset);
      }
      if (fresh > 0 && c.offset > st.sent.end) {
        // bytes before these never crossed the capture point: a loss before it, placed in
        // the TCP order just before the first packet that shows the hole
        const cause = this.causeOf(c.stream, st.sent.end, c.offset, p.pn);
        if (st.gaps.length >= MAX_LOST) st.gaps.shift();
        st.gaps.push({ start: st.sent.end, end: c.offset, cause });
        this.tcp.loss(c.stream, st.sent.end, c.offset, cause, p.time);
      }
      if (end > st.sent.end) st.frontierPn = p.pn;
      st.sent.add(c.offset, end);
      if (fate === 'not_acknowledged') {
        if (st.lost.length >= MAX_LOST) st.lost.shift();
        st.lost.push({ start: c.offset, end, pn: p.pn, frame: p.frame, time: p.time });
        if (fresh > 0) this.tcp.loss(c.stream, c.offset, end, this.causeOf(c.stream, c.offset, end, p.pn), p.time);
      } else {
        if (fresh > 0) this.tcp.firstArrival(c.stream, fresh, p.time);
        this.hol.arrive(c.stream, c.offset, c.length, p.time, fill);
        this.tcp.arrived(c.stream, this.hol.arrivedOf(c.stream), p.time, fill);
      }
    }
  }

  finish(): void {
    this.hol.finish();
    this.tcp.finish();
  }

  /**
   * Packet numbers between two of the sender's packets are missing from the capture, and
   * either the receiver acknowledged all of them (they arrived: a capture drop, not a loss)
   * or the capture lost sync over them (a capture gap: whether they were lost is unknown).
   * Either way the missing bytes are not taken as a loss.
   */
  private uncaptured(lo: number, hi: number): boolean {
    const n = this.numbers();
    const between = hi - lo - 1;
    if (between <= 0 || n.seen.overlap(lo + 1, hi) === between) return false;
    return n.acked.overlap(lo + 1, hi) === between || this.captureGaps.overlap(lo + 1, hi) > 0;
  }

  /**
   * The packet whose bytes [start, end) of a stream were missing: a lost copy the capture
   * holds, or (none held) packet numbers missing from the capture between the packet that
   * carried the stream's furthest bytes and the packet that showed the hole.
   */
  private causeOf(stream: number, start: number, end: number, showing: number): StallCause {
    const st = this.state(stream);
    // the first loss of these bytes is what started the wait: a hole found when later bytes came, else the first lost copy
    const gap = st.gaps.find((g) => g.start <= start && start < g.end);
    if (gap) return { ...gap.cause, bytes: [start, end] };
    const lost = st.lost.find((l) => l.start <= start && start < l.end);
    if (lost) {
      return {
        where: 'after_capture',
        frame: lost.frame,
        pn: lost.pn,
        time: lost.time,
        bytes: [start, end],
        evidence: 'proven',
        reason: `packet ${lost.pn} (frame ${lost.frame}) carried these bytes; the receiver acknowledged at least 3 later packets and never it, so it was lost after the capture point`,
      };
    }
    const hi = showing;
    const missing = missingBetween(this.numbers().seen, st.frontierPn, hi, 4);
    return {
      where: 'before_capture',
      frame: null,
      pn: null,
      time: null,
      missingPns: missing,
      bytes: [start, end],
      evidence: 'inferred',
      reason:
        missing.length > 0
          ? `no packet the capture holds carried these bytes before later ones of the stream; the capture lacks packet number${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of this sender before packet ${hi}: lost before the capture point (or reordered)`
          : `no packet the capture holds carried these bytes before later ones of the stream, and no packet number is missing before packet ${hi}: the sender sent them late, or the network reordered them`,
    };
  }

  private state(stream: number): SentState {
    let s = this.sent.get(stream);
    if (!s) {
      s = { sent: new RangeSet(), lost: [], gaps: [], frontierPn: -1 };
      this.sent.set(stream, s);
    }
    return s;
  }
}
