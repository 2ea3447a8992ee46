import type { DecryptResult } from '../packet-record.js';
import type { LossEvent } from './recovery-events.js';
import type { DataRange } from './sent-data.js';
import { CappedList } from './capped-list.js';
import { EMPTY_RANGES, RangeSet, type ReadonlyRangeSet } from '../../quic/range-set.js';
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

/** gaps in a sender's packet numbers kept, at most */
const MAX_GAPS = 1_000;
const NO_PACKETS: ReadonlyMap<number, SentPacket> = new Map();
const NO_GAPS: Pick<CappedList<PnGap>, 'items' | 'count' | 'max'> = Object.freeze({ items: Object.freeze([]) as unknown as PnGap[], count: 0, max: MAX_GAPS });

/**
 * One sender's packets in one packet-number space, as the capture point sees them. Memory
 * is held by the packets in flight and the ones found lost, each bounded. A space whose
 * packet numbers were never read (no keys) holds counters only: its maps and sets are made
 * when the first number is seen, so thousands of such connections cost a few counters each.
 */
export class SenderSpace {
  packets = 0;
  ackEliciting = 0;
  bytes = 0;
  /** packets whose frames were not read */
  unread = 0;
  /** why the first of them was not read */
  firstUnread: Exclude<DecryptResult, true> | undefined;
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
  private reportedSet: RangeSet | undefined;
  /** the last ACK frame read in this space: its largest, and how many gaps the receiver's own numbers had then */
  private lastAck: { largest: number; receiverGaps: number } | null = null;
  private inFlightMap: Map<number, SentPacket> | undefined;
  private lostMap: Map<number, SentPacket> | undefined;
  private gapList: CappedList<PnGap> | undefined;
  /** the first gap whose loss the receiver's ACKs have not yet shown */
  private undetected = 0;

  /** numbers seen, to tell a packet seen twice (a capture on a proxy sees both legs) from a new one */
  private seenSet: RangeSet | undefined;
  /** packets seen again under a number already seen: not counted again */
  duplicates = 0;

  /**
   * the spans the receiver's ACK frames reported on, each from the smallest number of its
   * last range to its largest: a number inside one and not acknowledged is one the receiver
   * said it lacked; outside, its ACKs said nothing of it (RFC 9000 §13.2.3 lets a receiver
   * stop repeating old ranges)
   */
  get reported(): ReadonlyRangeSet {
    return this.reportedSet ?? EMPTY_RANGES;
  }

  /** packets not yet acknowledged nor found lost */
  get inFlight(): ReadonlyMap<number, SentPacket> {
    return this.inFlightMap ?? NO_PACKETS;
  }

  /** packets found lost, watched for a late ACK */
  get lost(): ReadonlyMap<number, SentPacket> {
    return this.lostMap ?? NO_PACKETS;
  }

  /** the gaps in the numbers seen, the first 1,000 kept */
  get gaps(): Pick<CappedList<PnGap>, 'items' | 'count' | 'max'> {
    return this.gapList ?? NO_GAPS;
  }

  /** a packet whose frames were not read: counted, and the first one's why kept */
  countUnread(why: Exclude<DecryptResult, true>): void {
    this.unread++;
    this.firstUnread ??= why;
  }

  /** a packet in flight acknowledged, found lost or given up */
  leaveFlight(pn: number): void {
    this.inFlightMap?.delete(pn);
  }

  /** every packet in flight forgotten (a Retry restarts the client's Initials) */
  clearFlight(): void {
    this.inFlightMap?.clear();
  }

  /** a lost packet no longer watched for a late ACK */
  unwatch(pn: number): void {
    this.lostMap?.delete(pn);
  }

  /** a packet number seen: notes the gap before it, if any; false when it was seen before */
  see(pn: number, frame: number, time: number): boolean {
    this.seenSet ??= new RangeSet();
    if (this.seenSet.has(pn)) {
      this.duplicates++;
      return false;
    }
    this.seenSet.add(pn, pn + 1);
    // before the first number seen, the capture had not started on this sender: no gap
    if (pn > this.maxSeen + 1 && this.maxSeen >= 0) {
      this.gapList ??= new CappedList<PnGap>(MAX_GAPS);
      if (this.gapList.items.length === this.gapList.max) this.unjudged += pn - this.maxSeen - 1;
      this.gapList.push({ start: this.maxSeen + 1, end: pn, frame, time, detectedAt: null });
    }
    this.maxSeen = Math.max(this.maxSeen, pn);
    return true;
  }

  track(p: SentPacket): SentPacket | undefined {
    this.inFlightMap ??= new Map();
    this.inFlightMap.set(p.pn, p);
    if (this.inFlightMap.size <= MAX_IN_FLIGHT) return undefined;
    const [oldest, dropped] = this.inFlightMap.entries().next().value as [number, SentPacket];
    this.inFlightMap.delete(oldest);
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
    this.reportedSet ??= new RangeSet();
    this.reportedSet.add(lowest, largest + 1);
    const last = this.lastAck;
    if (last && last.receiverGaps === receiverGaps && last.largest + 1 < lowest) this.reportedSet.add(last.largest + 1, lowest);
    if (!last || largest >= last.largest) this.lastAck = { largest, receiverGaps };
  }

  watchLost(p: SentPacket): void {
    this.lostMap ??= new Map();
    this.lostMap.set(p.pn, p);
    if (this.lostMap.size > MAX_WATCHED_LOST) this.lostMap.delete(this.lostMap.keys().next().value as number);
  }

  /** the receiver's largest acknowledged rose: gaps PACKET_THRESHOLD below it are now known missing at the receiver too */
  acknowledgedUpTo(largest: number, time: number): void {
    if (largest > this.largestAcked) this.largestAcked = largest;
    const gaps = this.gaps.items;
    while (this.undetected < gaps.length && gaps[this.undetected]!.start + PACKET_THRESHOLD <= this.largestAcked) gaps[this.undetected++]!.detectedAt = time;
  }
}
