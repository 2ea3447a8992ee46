import type { PnCandidates } from '../crypto/connection-keys.js';
import { packetNumbersNear } from '../quic/packet-number.js';
import type { Role } from './connection.js';

/**
 * How a sender's 1-RTT packet numbers were found again after the capture lost track of
 * them: `next_window` (one window from the nearest, RFC 9000 A.3's default search),
 * `peer_ack` (near the largest packet number the peer acknowledged), `packet_rate` (near
 * where the sender's packet rate puts it after the time the capture missed).
 */
export type PnRecoveryMethod = 'next_window' | 'peer_ack' | 'packet_rate';

/** One stretch where a sender's packet numbers jumped past what A.3 recovers, and its end. */
export interface PnResync {
  direction: Role;
  /** the last packet opened before the jump, and its packet number */
  lastFrame: number;
  lastPn: number;
  /** the first packet of this sender that would not open; null when the first one after the jump opened */
  lostAtFrame: number | null;
  /** the packet that opened again: its frame, packet number and how it was found */
  frame: number;
  pn: number;
  method: PnRecoveryMethod;
  /** packet numbers between `lastPn` and `pn` that the capture never showed opened */
  skippedPns: number;
  /** packets of this sender that could not be opened while out of sync */
  undecrypted: number;
  /** packets of this sender opened from `frame` on, until the next loss of sync: without the re-anchoring none would have opened */
  recovered: number;
}

/** the per-connection totals the JSON reports beside the list */
export interface PnSyncReport {
  resyncs: PnResync[];
  recovered: number;
  undecrypted: number;
}

/** A full re-anchoring search is tried at most once every this many packets of a sender (or on new ACK evidence). */
export const RESYNC_EVERY = 16;
/** Candidates a full search tries around the rate estimate, and around the peer's ACK. */
const RATE_CANDIDATES = 16;
const ACK_CANDIDATES = 3;
/** opened packets the recent packet rate is measured over */
const RATE_SPAN = 64;
/** resyncs listed per connection; beyond it only the totals grow (bounded memory) */
const MAX_LISTED = 1000;

interface Opened {
  pn: number;
  time: number;
  frame: number;
}

interface SenderState {
  first: Opened | null;
  last: Opened | null;
  /** the last RATE_SPAN opened packets, oldest first */
  recent: Opened[];
  /** the largest packet number of this sender the peer acknowledged */
  peerAcked: number;
  /** packets of this sender seen (1-RTT), and when the last full search was tried */
  seen: number;
  lastSearchAt: number;
  peerAckedAtSearch: number;
  /** set while out of sync: where it began, and the packets that failed since */
  lost: { frame: number; failed: number } | null;
  /** the resync being counted (recovered packets) */
  current: PnResync | null;
}

/** where the search for one packet's number looks, and which estimate gave each candidate */
export interface PnPlan {
  candidates: PnCandidates;
  /** the method of a candidate that opened, when it was not the plain nearest */
  methodOf(pn: number): PnRecoveryMethod | undefined;
  /** whether the full search was reached */
  searched(): boolean;
}

/**
 * Keeps 1-RTT packet-number sync per sender across capture gaps. RFC 9000 A.3 recovers a
 * truncated packet number only within half a window of the largest seen (±128 for the
 * 1-byte numbers fast senders use); a capture that missed a longer run (a kernel-drop burst)
 * would fail every later packet. Two estimates re-anchor it: the peer's ACK frames,
 * decrypted from the other direction, give the largest packet number the peer received
 * (the sender has sent at least that many); and the sender's packet rate before the gap,
 * times the gap's duration, says how far its numbers moved. The AEAD tag proves which
 * candidate is right (RFC 9001 §5.3).
 *
 * The cost is bounded: a packet that will not open costs the nearest candidate and one
 * window either side, or while out of sync the nearest candidate to each estimate; the full
 * search runs at most every RESYNC_EVERY packets of that sender, or when new ACK evidence
 * arrives.
 */
export class PacketNumberSync {
  private readonly senders = { client: newSender(), server: newSender() };
  private readonly listed: PnResync[] = [];
  private recovered = 0;
  private undecrypted = 0;

  /** the candidate search for the next 1-RTT packet of `from`, seen at `time` */
  plan(from: Role, time: number): PnPlan {
    const s = this.senders[from];
    s.seen++;
    const methods = new Map<number, PnRecoveryMethod>();
    let searched = false;
    // new evidence: the peer acknowledged packets of this sender that no packet opened showed
    const newEvidence = s.last !== null && s.peerAcked > s.last.pn && s.peerAcked > s.peerAckedAtSearch;
    const fullAllowed = s.last !== null && (s.lastSearchAt === 0 || s.seen - s.lastSearchAt >= RESYNC_EVERY || newEvidence);
    const candidates: PnCandidates = function* (nearest, truncated, bits) {
      const seen = new Set<number>();
      const offer = (pn: number, method: PnRecoveryMethod | undefined) => {
        if (pn < 0 || seen.has(pn)) return false;
        seen.add(pn);
        if (method && !methods.has(pn)) methods.set(pn, method);
        return true;
      };
      const win = 2 ** bits;
      const ack = s.last && s.peerAcked > s.last.pn ? s.peerAcked : null;
      const rate = s.last ? rateEstimate(s, time) : null;
      if (!s.lost) {
        for (const [pn, m] of [[nearest, undefined], [nearest + win, 'next_window'], [nearest - win, 'next_window']] as const) if (offer(pn, m)) yield pn;
      } else {
        // out of sync: the stale nearest is wrong; the nearest to each estimate is cheap
        if (ack !== null) for (const pn of packetNumbersNear(truncated, bits, ack + 1, ack + 1 - win / 2, 1)) if (offer(pn, 'peer_ack')) yield pn;
        if (rate) for (const pn of packetNumbersNear(truncated, bits, rate.expected, rate.floor, 1)) if (offer(pn, 'packet_rate')) yield pn;
      }
      if (!fullAllowed) return;
      searched = true;
      if (ack !== null) for (const pn of packetNumbersNear(truncated, bits, ack + 1, ack + 1 - win / 2, ACK_CANDIDATES)) if (offer(pn, 'peer_ack')) yield pn;
      if (rate) for (const pn of packetNumbersNear(truncated, bits, rate.expected, rate.floor, RATE_CANDIDATES)) if (offer(pn, 'packet_rate')) yield pn;
    };
    return { candidates, methodOf: (pn) => methods.get(pn), searched: () => searched };
  }

  /** a 1-RTT packet of `from` opened with packet number `pn` */
  opened(from: Role, plan: PnPlan, at: { frame: number; time: number }, pn: number, pnSearched: boolean): PnRecoveryMethod | undefined {
    const s = this.senders[from];
    if (plan.searched()) this.noteSearch(s);
    const method = pnSearched ? plan.methodOf(pn) : undefined;
    if (method && s.last) {
      const r: PnResync = {
        direction: from,
        lastFrame: s.last.frame,
        lastPn: s.last.pn,
        lostAtFrame: s.lost?.frame ?? null,
        frame: at.frame,
        pn,
        method,
        skippedPns: Math.max(0, pn - s.last.pn - 1),
        undecrypted: s.lost?.failed ?? 0,
        recovered: 0,
      };
      s.current = r;
      if (this.listed.length < MAX_LISTED) this.listed.push(r);
    }
    s.lost = null;
    if (s.current) {
      s.current.recovered++;
      this.recovered++;
    }
    if (!s.last || pn > s.last.pn) {
      const o = { pn, time: at.time, frame: at.frame };
      s.first ??= o;
      s.last = o;
      s.recent.push(o);
      if (s.recent.length > RATE_SPAN) s.recent.shift();
    }
    return method;
  }

  /** a 1-RTT packet of `from` that no candidate opened */
  failed(from: Role, plan: PnPlan, frame: number): void {
    const s = this.senders[from];
    if (plan.searched()) this.noteSearch(s);
    // only a sender whose keys worked before can lose sync; before that, it never had it
    if (!s.last) return;
    s.lost ??= { frame, failed: 0 };
    s.lost.failed++;
    this.undecrypted++;
  }

  /** an ACK frame from the peer of `sender`, acknowledging up to `largest` of its packets */
  peerAcked(sender: Role, largest: number): void {
    const s = this.senders[sender];
    if (largest > s.peerAcked) s.peerAcked = largest;
  }

  report(): PnSyncReport {
    return { resyncs: this.listed, recovered: this.recovered, undecrypted: this.undecrypted };
  }

  private noteSearch(s: SenderState): void {
    s.lastSearchAt = s.seen;
    s.peerAckedAtSearch = s.peerAcked;
  }
}

function newSender(): SenderState {
  return { first: null, last: null, recent: [], peerAcked: -1, seen: 0, lastSearchAt: 0, peerAckedAtSearch: -1, lost: null, current: null };
}

/**
 * Where the sender's packet numbers should be at `time`: the last one opened, moved on by
 * its packet rate over the time since. Senders are bursty, so two rates bracket it, the
 * rate over the last RATE_SPAN packets (a burst) and over the whole connection (with its
 * pauses); the estimate is their middle, and the candidates spread from it both ways.
 */
function rateEstimate(s: SenderState, time: number): { expected: number; floor: number } | null {
  const last = s.last!;
  const elapsed = Math.max(0, time - last.time);
  const rateOver = (from: Opened) => (last.time > from.time ? (last.pn - from.pn) / (last.time - from.time) : 0);
  const recent = rateOver(s.recent[0]!);
  const whole = rateOver(s.first!);
  const expected = last.pn + 1 + Math.round(((recent + whole) / 2) * elapsed);
  return { expected, floor: last.pn + 1 };
}
