import { RangeSet } from '../../quic/range-set.js';
import type { Role } from '../connection.js';
import type { PacketFate } from '../recovery/packet-fates.js';
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
  /** the last packet that carried this stream's bytes */
  lastPn: number;
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

  constructor(
    readonly sender: Role,
    /** the packet numbers this sender used that crossed the capture point */
    private readonly seenPns: () => RangeSet,
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
      if (fresh > 0 && c.offset > st.sent.end) {
        // bytes before these never crossed the capture point: a loss before it, placed in
        // the TCP order just before the first packet that shows the hole
        this.tcp.loss(c.stream, st.sent.end, c.offset, this.causeOf(c.stream, st.sent.end, c.offset, p.pn), p.time);
      }
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
      st.lastPn = p.pn;
    }
  }

  finish(end: number): void {
    this.hol.finish(end);
    this.tcp.finish(end);
  }

  /**
   * The packet whose bytes [start, end) of a stream were missing: a lost copy the capture
   * holds, or (none held) packet numbers missing from the capture between the stream's
   * previous packet and the packet that showed the hole.
   */
  private causeOf(stream: number, start: number, end: number, showing: number): StallCause {
    const st = this.state(stream);
    const lost = [...st.lost].reverse().find((l) => l.start <= start && start < l.end);
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
    const missing = missingBetween(this.seenPns(), st.lastPn, hi, 4);
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
      s = { sent: new RangeSet(), lost: [], lastPn: -1 };
      this.sent.set(stream, s);
    }
    return s;
  }
}
