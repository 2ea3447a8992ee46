import type { DecryptResult } from '../packet-record.js';
import type { LossEvent } from './recovery-events.js';
import type { DataRange } from './sent-data.js';
import { CappedList } from './capped-list.js';
import { RangeSet } from '../../quic/range-set.js';
import { PACKET_THRESHOLD } from './packet-fates.js';

/** A packet seen at the capture point and not yet acknowledged or found lost. */
export interface SentPacket {
  pn: number;
  frame: number;
  time: number;
  /** its bytes on the wire */
  bytes: number;
  /** null: its frames were not read */
  ackEliciting: boolean | null;
  /** a 0-RTT packet: a server that rejects early data discards it unacknowledged (RFC 9001 §4.6.2) */
  zeroRtt: boolean;
  data: DataRange[];
  /** the first later packet that carried some of its data again */
  resentBy: { frame: number; pn: number; time: number } | null;
  /** once found lost after the capture point */
  loss: LossEvent | null;
}

/** Packet numbers missing at the capture point: [start, end), first noticed at `frame`. */
export interface PnGap {
  start: number;
  end: number;
  frame: number;
  time: number;
  /** when the receiver's ACKs first reached 3 past the gap's start (RFC 9002 §6.1.1) */
  detectedAt: number | null;
}

/** kept in flight at most; older entries are dropped and counted (a capture whose ACKs cannot be read) */
export const MAX_IN_FLIGHT = 20_000;
/** packets found lost and watched for a late ACK (a spurious loss) at most */
export const MAX_WATCHED_LOST = 10_000;

/**
 * One sender's packets in one packet-number space, as the capture point sees them. Memory
 * is held by the packets in flight and the ones found lost, each bounded.
 */
export class SenderSpace {
  packets = 0;
  ackEliciting = 0;
  bytes = 0;
  /** packets whose frames were not read, by why */
  readonly unread = new Map<Exclude<DecryptResult, true>, number>();
  /** ACK frames of this sender's packets (sent by the receiver in this space) that the capture read */
  ackFramesRead = 0;
  /** packets the receiver's ACKs skipped while acknowledging 3 later ones, and not acknowledged after */
  lostAfterCapture = 0;
  /** those the receiver acknowledged after all */
  spuriousLosses = 0;
  /** 0-RTT packets the server discarded because it rejected early data: not losses */
  rejectedZeroRtt = 0;
  /** missing numbers in gaps past the ones kept: not judged */
  unjudged = 0;
  /** entries dropped to keep memory bounded, their fate untold */
  untracked = 0;
  largestAcked = -1;
  maxSeen = -1;
  /**
   * the spans the receiver's ACK frames reported on, each from the smallest number of its
   * last range to its largest: a number inside one and not acknowledged is one the receiver
   * said it lacked; outside, its ACKs said nothing of it (RFC 9000 §13.2.3 lets a receiver
   * stop repeating old ranges)
   */
  readonly reported = new RangeSet();
  /** the last ACK frame read in this space: its largest, and how many gaps the receiver's own numbers had then */
  private lastAck: { largest: number; receiverGaps: number } | null = null;
  readonly inFlight = new Map<number, SentPacket>();
  readonly lost = new Map<number, SentPacket>();
  readonly gaps = new CappedList<PnGap>(1_000);
  /** the first gap whose loss the receiver's ACKs have not yet shown */
  private undetected = 0;

  /** numbers seen, to tell a packet seen twice (a capture on a proxy sees both legs) from a new one */
  private readonly seen = new RangeSet();
  /** packets seen again under a number already seen: not counted again */
  duplicates = 0;

  /** a packet number seen: notes the gap before it, if any; false when it was seen before */
  see(pn: number, frame: number, time: number): boolean {
    if (this.seen.has(pn)) {
      this.duplicates++;
      return false;
    }
    this.seen.add(pn, pn + 1);
    // before the first number seen, the capture had not started on this sender: no gap
    if (pn > this.maxSeen + 1 && this.maxSeen >= 0) {
      if (this.gaps.items.length === this.gaps.max) this.unjudged += pn - this.maxSeen - 1;
      this.gaps.push({ start: this.maxSeen + 1, end: pn, frame, time, detectedAt: null });
    }
    this.maxSeen = Math.max(this.maxSeen, pn);
    return true;
  }

  track(p: SentPacket): SentPacket | undefined {
    this.inFlight.set(p.pn, p);
    if (this.inFlight.size <= MAX_IN_FLIGHT) return undefined;
    const [oldest, dropped] = this.inFlight.entries().next().value as [number, SentPacket];
    this.inFlight.delete(oldest);
    this.untracked++;
    return dropped;
  }

  /**
   * An ACK frame reported on [lowest, largest]. A receiver drops a range from its ACKs only
   * once its ACK of it was acknowledged (RFC 9000 §13.2.4), and it never drops a gap it did
   * not report: so when every packet the receiver sent since its previous ACK crossed the
   * capture point (no new gap in its numbers), that ACK and this one reported on everything
   * between them too.
   */
  report(lowest: number, largest: number, receiverGaps: number): void {
    this.reported.add(lowest, largest + 1);
    const last = this.lastAck;
    if (last && last.receiverGaps === receiverGaps && last.largest + 1 < lowest) this.reported.add(last.largest + 1, lowest);
    if (!last || largest >= last.largest) this.lastAck = { largest, receiverGaps };
  }

  watchLost(p: SentPacket): void {
    this.lost.set(p.pn, p);
    if (this.lost.size > MAX_WATCHED_LOST) this.lost.delete(this.lost.keys().next().value as number);
  }

  /** the receiver's largest acknowledged rose: gaps PACKET_THRESHOLD below it are now known missing at the receiver too */
  acknowledgedUpTo(largest: number, time: number): void {
    if (largest > this.largestAcked) this.largestAcked = largest;
    const gaps = this.gaps.items;
    while (this.undetected < gaps.length && gaps[this.undetected]!.start + PACKET_THRESHOLD <= this.largestAcked) gaps[this.undetected++]!.detectedAt = time;
  }
}
