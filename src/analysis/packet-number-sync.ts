import type { DecryptFailure, OpenedPacket, PnCandidates } from '../crypto/connection-keys.js';
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
const RATE_CANDIDATES = 24;
const ACK_CANDIDATES = 3;
/** the rate estimates (rateEstimates): out of sync, a packet costs the nearest candidate to each, and to the ACK */
const RATE_ESTIMATES = 3;
/** opened packets the burst rate is measured over */
const RATE_SPAN = 64;
/** the history of a sender's packet numbers: a point per millisecond of capture time, the last this many */
const HISTORY_STEP = 0.001;
const HISTORY_POINTS = 1024;
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
  /** opened packets at least HISTORY_STEP apart, oldest first: the rate over any span of the last second or so */
  history: Opened[];
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

/** candidates to try, and which estimate gave each */
export interface PnSearch {
  candidates: PnCandidates;
  /** the estimate a candidate came from */
  methodOf(pn: number): PnRecoveryMethod | undefined;
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
 * search (up to ACK_CANDIDATES + RATE_CANDIDATES more) runs at most every RESYNC_EVERY
 * packets of that sender, or when new ACK evidence arrives.
 */
export class PacketNumberSync {
  private readonly senders = { client: newSender(), server: newSender() };
  private readonly listed: PnResync[] = [];
  private recovered = 0;
  private undecrypted = 0;

  /**
   * Opens the next 1-RTT packet of `from`: `attempt` opens it with the candidates given
   * (undefined: ConnectionKeys' default). A first try, then the full search when it is due.
   * A packet that opens is noted here; one that does not only once the caller knows it is
   * lost for good (`failed`): a GSO super-datagram fails whole, then opens as segments.
   */
  open(from: Role, at: { frame: number; time: number }, attempt: (candidates: PnCandidates | undefined) => OpenedPacket | DecryptFailure): { opened: OpenedPacket | DecryptFailure; method?: PnRecoveryMethod } {
    let search = this.firstTry(from, at.time);
    let opened = attempt(search?.candidates);
    if (opened === 'aead failed') {
      // a packet that fails costs little between searches
      const full = this.fullSearch(from, at.time);
      if (full) {
        search = full;
        opened = attempt(full.candidates);
      }
    }
    if (typeof opened === 'string') return { opened };
    const method = this.opened(from, search, at, opened.pn, opened.pnSearched);
    return method ? { opened, method } : { opened };
  }

  /**
   * The first try for the next 1-RTT packet of `from`, seen at `time`: undefined while in
   * sync (A.3's nearest and a window either side, ConnectionKeys' default); out of sync,
   * the nearest candidate to each estimate.
   */
  private firstTry(from: Role, time: number): PnSearch | undefined {
    const s = this.senders[from];
    s.seen++;
    if (!s.lost) return undefined;
    return this.searchFrom(s, time, 1, RATE_ESTIMATES);
  }

  /**
   * After the first try failed: the full search, or null when it is not due (it ran less
   * than RESYNC_EVERY packets ago and no ACK since showed packets of this sender not seen).
   */
  private fullSearch(from: Role, time: number): PnSearch | null {
    const s = this.senders[from];
    if (!s.last) return null;
    // new evidence: the peer acknowledged packets of this sender that no packet opened showed
    const newEvidence = s.peerAcked > s.last.pn && s.peerAcked > s.peerAckedAtSearch;
    if (s.lastSearchAt !== 0 && s.seen - s.lastSearchAt < RESYNC_EVERY && !newEvidence) return null;
    s.lastSearchAt = s.seen;
    s.peerAckedAtSearch = s.peerAcked;
    return this.searchFrom(s, time, ACK_CANDIDATES, RATE_CANDIDATES);
  }

  /** candidates near the peer's ACK (when it is ahead of what was opened), then near the rate estimate */
  private searchFrom(s: SenderState, time: number, nearAck: number, nearRate: number): PnSearch {
    const methods = new Map<number, PnRecoveryMethod>();
    const last = s.last;
    const ack = last && s.peerAcked > last.pn ? s.peerAcked : null;
    const estimates = last ? rateEstimates(s, time) : [];
    const candidates: PnCandidates = (_nearest, truncated, bits) => {
      const out: number[] = [];
      // called once per key generation tried: each call lists every candidate once
      const offer = (pns: number[], method: PnRecoveryMethod) => {
        for (const pn of pns) {
          if (out.includes(pn)) continue;
          out.push(pn);
          if (!methods.has(pn)) methods.set(pn, method);
        }
      };
      // the peer received up to `ack`: the sender's next numbers follow it, give or take reordering
      if (ack !== null) offer(packetNumbersNear(truncated, bits, ack + 1, ack + 1 - 2 ** (bits - 1), nearAck), 'peer_ack');
      // each estimate's candidates in turn, nearest first: the search covers all of them evenly
      const near = estimates.map((e) => packetNumbersNear(truncated, bits, e, last!.pn + 1, nearRate));
      const cap = out.length + nearRate;
      for (let i = 0; i < nearRate && out.length < cap; i++) {
        for (const list of near) if (i < list.length && out.length < cap) offer([list[i]!], 'packet_rate');
      }
      return out;
    };
    return { candidates, methodOf: (pn) => methods.get(pn) };
  }

  /** a 1-RTT packet of `from` opened with packet number `pn`; `search` is what opened it (undefined: the default try) */
  private opened(from: Role, search: PnSearch | undefined, at: { frame: number; time: number }, pn: number, pnSearched: boolean): PnRecoveryMethod | undefined {
    const s = this.senders[from];
    const method = !pnSearched ? undefined : search ? search.methodOf(pn) : 'next_window';
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
      if (s.history.length === 0 || o.time - s.history.at(-1)!.time >= HISTORY_STEP) {
        s.history.push(o);
        if (s.history.length > HISTORY_POINTS) s.history.shift();
      }
    }
    return method;
  }

  /** a 1-RTT packet of `from` that no candidate opened, for good */
  failed(from: Role, frame: number): void {
    const s = this.senders[from];
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
}

function newSender(): SenderState {
  return { first: null, last: null, recent: [], history: [], peerAcked: -1, seen: 0, lastSearchAt: 0, peerAckedAtSearch: -1, lost: null, current: null };
}

/**
 * Where the sender's packet numbers should be at `time`: the last one opened, moved on by
 * its packet rate times the time since. Senders are bursty and speed up and slow down, so
 * three rates give three estimates, tried in turn: the rate over a span as long as the gap
 * just before it (the best guess of the rate during the gap), over the whole connection,
 * and over its last RATE_SPAN packets (a burst).
 */
function rateEstimates(s: SenderState, time: number): number[] {
  const last = s.last!;
  const elapsed = Math.max(0, time - last.time);
  const rateSince = (from: Opened) => (last.time > from.time ? (last.pn - from.pn) / (last.time - from.time) : 0);
  const whole = rateSince(s.first!);
  const before = atOrBefore(s.history, last.time - elapsed);
  const overGap = before && before.time > s.first!.time ? rateSince(before) : whole;
  const burst = rateSince(s.recent[0]!);
  const out: number[] = [];
  for (const rate of [overGap, whole, burst]) {
    const expected = last.pn + 1 + Math.round(rate * elapsed);
    if (!out.includes(expected)) out.push(expected);
  }
  return out;
}

/** the last point of a time-ordered history at or before `time`, if the history reaches back so far */
function atOrBefore(history: Opened[], time: number): Opened | undefined {
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (history[mid]!.time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : history[lo - 1];
}
