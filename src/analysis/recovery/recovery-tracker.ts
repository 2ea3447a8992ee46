import type { AckFrame } from '../../quic/frames/index.js';
import type { Connection, Role } from '../connection.js';
import type { PacketRecord } from '../packet-record.js';
import { isAckEliciting } from './ack-eliciting.js';
import { CappedList } from './capped-list.js';
import { FlowControl } from './flow-control.js';
import { pnSpaceOf, type PnSpace } from './pn-space.js';
import type { FlightSample, LossEvent, RttSample } from './recovery-events.js';
import { RttEstimator } from './rtt-estimator.js';
import { SentData, overlaps, type DataRange } from './sent-data.js';
import { SenderSpace, type SentPacket } from './sender-space.js';
import { PACKET_THRESHOLD } from './packet-fates.js';

/** Everything one sender did, as the capture point saw it. */
export class SenderState {
  readonly spaces: Record<PnSpace, SenderSpace> = { initial: new SenderSpace(), handshake: new SenderSpace(), application: new SenderSpace() };
  readonly data = new SentData();
  /** bytes of STREAM and CRYPTO data sent a second time (or more) */
  readonly retransmittedBytes = { stream: 0, crypto: 0 };
  /** packets that carried data sent before */
  retransmittedPackets = 0;
  /** retransmissions whose original was acknowledged (before or after) */
  spuriousRetransmissions = 0;
  /** the leg capture → peer → capture, from the peer's ACKs of this sender's packets */
  readonly rtt = new RttEstimator();
  /** samples whose ack_delay could not be taken off: the peer's ack_delay_exponent was not seen */
  unadjustedSamples = 0;
  bytesInFlight = 0;
  maxBytesInFlight = 0;
}

/** One connection's recovery state and the events found so far. */
export class ConnectionRecovery {
  readonly senders: Record<Role, SenderState> = { client: new SenderState(), server: new SenderState() };
  readonly losses = new CappedList<LossEvent>();
  readonly rttSamples = new CappedList<RttSample>();
  readonly flight = new CappedList<FlightSample>();
  readonly flowControl = new FlowControl();

  constructor(readonly connection: Connection) {}
}

/** packet numbers past a lost packet after which a late ACK of it (a spurious loss) is no longer looked for */
const LOST_WATCH_SPAN = 1_000;

const other = (r: Role): Role => (r === 'client' ? 'server' : 'client');

/** whether a packet number is in an ACK frame's ranges (largest first, RFC 9000 §19.3.1) */
function acks(f: AckFrame, pn: number): boolean {
  const r = f.acked_ranges;
  let lo = 0;
  let hi = r.length;
  // ranges descend: find the first whose smallest is ≤ pn
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r[mid]![0] > pn) lo = mid + 1;
    else hi = mid;
  }
  return lo < r.length && r[lo]![1] >= pn;
}

/** a 0-RTT packet of a connection whose server rejected early data: discarded unacknowledged, not lost (RFC 9001 §4.6.2) */
function rejectedEarly(c: Connection, e: SentPacket): boolean {
  const ee = c.tls.encryptedExtensions;
  return e.zeroRtt && ee !== undefined && !ee.earlyDataAccepted && !ee.earlyDataUnknown;
}

/** the STREAM and CRYPTO bytes a packet carries */
function dataOf(p: PacketRecord, space: PnSpace): DataRange[] {
  const out: DataRange[] = [];
  for (const f of p.frames) {
    if (f.type === 'stream' && f.length > 0) out.push({ stream: f.stream_id, offset: f.offset, length: f.length });
    else if (f.type === 'crypto' && f.length > 0) out.push({ stream: space, offset: f.offset, length: f.length });
  }
  return out;
}

/**
 * Loss, retransmission, RTT, bytes in flight and flow control at the capture point (RFC
 * 9002 as an observer can apply it), fed packet by packet from captures. Endpoint logs are
 * left to their own recovery events: a log's packets were not seen on a wire.
 */
export class RecoveryTracker {
  private readonly byConnection = new Map<Connection, ConnectionRecovery>();

  observe(p: PacketRecord): void {
    if (p.connection.log) return;
    if (p.header.type === 'retry') {
      this.retry(p);
      return;
    }
    const space = pnSpaceOf(p.header.type);
    if (space === null) return;
    const st = this.state(p.connection);
    const me = st.senders[p.direction];
    const sp = me.spaces[space];
    // the same packet seen again (on a proxy's second leg, or duplicated) is the same send
    if (p.pn !== null && !sp.see(p.pn, p.frame, p.time)) return;
    sp.packets++;
    sp.bytes += p.header.length;
    if (p.decrypted !== true) sp.countUnread(p.decrypted);
    // without header protection removed, the number is unknown: counted, nothing more
    if (p.pn === null) return;
    const entry: SentPacket = { pn: p.pn, frame: p.frame, time: p.time, bytes: p.header.length, ackEliciting: null, zeroRtt: p.header.type === '0RTT', data: [], resentBy: null, loss: null };
    if (p.decrypted === true) {
      entry.ackEliciting = isAckEliciting(p.frames);
      entry.data = dataOf(p, space);
      if (entry.ackEliciting) sp.ackEliciting++;
      this.resends(st, p, space, entry.data);
      for (const f of p.frames) if (f.type === 'ack') this.ack(st, p, space, f);
      st.flowControl.observe(p.frames, p.direction, p.frame, p.time);
    }
    const dropped = sp.track(entry);
    let flightChanged = false;
    if (dropped?.ackEliciting) {
      me.bytesInFlight -= dropped.bytes;
      flightChanged = true;
    }
    if (entry.ackEliciting) {
      me.bytesInFlight += entry.bytes;
      me.maxBytesInFlight = Math.max(me.maxBytesInFlight, me.bytesInFlight);
      flightChanged = true;
    }
    if (flightChanged) st.flight.push({ connection: p.connection.id, sender: p.direction, time: p.time, frame: p.frame, bytes: me.bytesInFlight });
  }

  /**
   * A Retry answers the client's Initials without acknowledging them: the client starts again
   * with the token, sending its ClientHello from CRYPTO offset 0 (RFC 9000 §17.2.5.2) and
   * resetting its recovery state (RFC 9002 §6.3). Neither the resend nor the old Initials'
   * silence is a loss.
   */
  private retry(p: PacketRecord): void {
    const client = this.state(p.connection).senders.client;
    const initial = client.spaces.initial;
    for (const e of initial.inFlight.values()) if (e.ackEliciting) client.bytesInFlight -= e.bytes;
    initial.clearFlight();
    client.data.forget('initial');
  }

  /** the connection's recovery state; null when the capture held none of its packets (or it was read from a log) */
  get(conn: Connection): ConnectionRecovery | null {
    return this.byConnection.get(conn) ?? null;
  }

  /** data this packet sends again: counted, and tied to the packet that sent it first */
  private resends(st: ConnectionRecovery, p: PacketRecord, space: PnSpace, data: DataRange[]): void {
    const me = st.senders[p.direction];
    let resent = false;
    let spurious = false;
    for (const r of data) {
      const { resent: n, alreadyAcked } = me.data.send(r);
      if (n === 0) continue;
      resent = true;
      if (alreadyAcked > 0) spurious = true;
      if (typeof r.stream === 'number') me.retransmittedBytes.stream += n;
      else me.retransmittedBytes.crypto += n;
      // STREAM data travels in 0-RTT and 1-RTT packets, CRYPTO data at its own level
      const sp = me.spaces[typeof r.stream === 'number' ? 'application' : space];
      const original = this.originalOf(sp.lost, r, p.pn!) ?? this.originalOf(sp.inFlight, r, p.pn!);
      if (!original) continue;
      original.resentBy = { frame: p.frame, pn: p.pn!, time: p.time };
      if (original.loss) {
        original.loss.retransmission = original.resentBy;
        this.judge(original.loss, original);
      } else if (original.pn < sp.largestAcked) {
        // the sender gave it up while a later packet was acknowledged: lost, found by its resending
        this.declareLost(st, p.direction, typeof r.stream === 'number' ? 'application' : space, original, p.time);
      }
    }
    if (resent) me.retransmittedPackets++;
    if (spurious) me.spuriousRetransmissions++;
  }

  private originalOf(m: ReadonlyMap<number, SentPacket>, r: DataRange, before: number): SentPacket | undefined {
    for (const e of m.values()) if (e.pn < before && e.resentBy === null && e.data.some((d) => overlaps(d, r))) return e;
    return undefined;
  }

  /** an ACK frame from p's sender: it acknowledges the other side's packets of its space (RFC 9000 §13.2) */
  private ack(st: ConnectionRecovery, p: PacketRecord, space: PnSpace, f: AckFrame): void {
    const sender = other(p.direction);
    const them = st.senders[sender];
    const sp = them.spaces[space];
    sp.ackFramesRead++;
    const largest = f.acked_ranges[0]?.[1];
    const lowest = f.acked_ranges.at(-1)?.[0];
    if (largest === undefined || lowest === undefined) return;
    sp.report(lowest, largest, st.senders[p.direction].spaces[space].gaps.count);
    let largestEntry: SentPacket | undefined;
    let elicited = false;
    let flightChanged = false;
    const newly = (e: SentPacket) => {
      if (e.pn === largest) largestEntry = e;
      if (e.ackEliciting) elicited = true;
      for (const d of e.data) them.data.ack(d);
      if (e.resentBy) them.spuriousRetransmissions++;
    };
    for (const e of sp.inFlight.values()) {
      if (!acks(f, e.pn)) continue;
      sp.leaveFlight(e.pn);
      newly(e);
      if (e.ackEliciting) {
        them.bytesInFlight -= e.bytes;
        flightChanged = true;
      }
    }
    for (const e of sp.lost.values()) {
      // a late ACK comes within a few round trips: one this far behind is no longer watched, so each ACK's work stays small
      if (e.pn + LOST_WATCH_SPAN < largest) sp.unwatch(e.pn);
      if (!acks(f, e.pn)) continue;
      // found lost, then acknowledged: it had arrived (RFC 9002 §6.2's spurious loss)
      sp.unwatch(e.pn);
      newly(e);
      e.loss!.spurious = true;
      sp.lostAfterCapture--;
      sp.spuriousLosses++;
    }
    // RFC 9002 §5.1: a sample when the largest acknowledged is newly acknowledged and something newly acknowledged elicited the ACK
    if (largestEntry && elicited) this.sample(st, p, space, f, largestEntry);
    sp.acknowledgedUpTo(largest, p.time);
    for (const e of sp.inFlight.values()) {
      if (e.pn + PACKET_THRESHOLD > sp.largestAcked) continue;
      flightChanged ||= e.ackEliciting === true;
      if (sp.reported.has(e.pn)) {
        this.declareLost(st, sender, space, e, p.time);
        continue;
      }
      // the ACKs that would tell were not in the capture: its fate is unknown
      sp.leaveFlight(e.pn);
      if (rejectedEarly(st.connection, e)) sp.rejectedZeroRtt++;
      else sp.untracked++;
      if (e.ackEliciting) them.bytesInFlight -= e.bytes;
    }
    if (flightChanged) st.flight.push({ connection: p.connection.id, sender, time: p.time, frame: p.frame, bytes: them.bytesInFlight });
  }

  private sample(st: ConnectionRecovery, p: PacketRecord, space: PnSpace, f: AckFrame, acked: SentPacket): void {
    const sender = other(p.direction);
    const them = st.senders[sender];
    const params = p.direction === 'client' ? p.connection.tls.clientParameters : p.connection.tls.serverParameters;
    if (f.ack_delay === undefined && space !== 'initial') them.unadjustedSamples++;
    const latestMs = (p.time - acked.time) * 1000;
    const { ackDelayMs, adjustedMs } = them.rtt.add({
      latestMs,
      ackDelayMs: f.ack_delay,
      // RFC 9000 §18.2: 25 ms when the parameter is absent
      maxAckDelayMs: params ? (params.max_ack_delay ?? 25) : undefined,
      ignoreAckDelay: space === 'initial',
    });
    const est = them.rtt.estimate!;
    const s: RttSample = {
      connection: p.connection.id,
      sender,
      peer: p.direction,
      space,
      frame: p.frame,
      time: p.time,
      latestMs,
      ackDelayMs: f.ack_delay ?? 0,
      adjustedMs,
      minMs: est.minMs,
      smoothedMs: est.smoothedMs,
      rttVarMs: est.rttVarMs,
    };
    if (f.ack_delay === undefined && space !== 'initial') s.ackDelayUnknown = true;
    else if (ackDelayMs === 0 && (f.ack_delay ?? 0) > 0) s.ackDelayNotTaken = true;
    st.rttSamples.push(s);
  }

  private declareLost(st: ConnectionRecovery, sender: Role, space: PnSpace, e: SentPacket, detectedAt: number): void {
    const me = st.senders[sender];
    const sp = me.spaces[space];
    sp.leaveFlight(e.pn);
    if (e.ackEliciting) me.bytesInFlight -= e.bytes;
    if (rejectedEarly(st.connection, e)) {
      sp.rejectedZeroRtt++;
      return;
    }
    sp.lostAfterCapture++;
    const loss: LossEvent = {
      connection: st.connection.id,
      sender,
      space,
      pn: e.pn,
      where: 'after_capture',
      frame: e.frame,
      time: e.time,
      detectedAt,
      retransmission: e.resentBy,
      streams: e.data.flatMap((d) => (typeof d.stream === 'number' ? [{ id: d.stream, offset: d.offset, length: d.length }] : [])),
      cryptoBytes: e.data.reduce((n, d) => n + (typeof d.stream === 'number' ? 0 : d.length), 0),
      spurious: false,
      evidence: 'inferred',
    };
    e.loss = loss;
    this.judge(loss, e);
    sp.watchLost(e);
    st.losses.push(loss);
  }

  /** proven once the sender is seen sending its data again; until then inferred, with why */
  private judge(loss: LossEvent, e: SentPacket): void {
    if (loss.retransmission) {
      loss.evidence = 'proven';
      delete loss.reason;
    } else if (e.ackEliciting === null) loss.reason = 'never acknowledged while later packets were; its frames were not read, so whether its data was sent again is unknown';
    else if (e.data.length === 0) loss.reason = 'never acknowledged while later packets were; it held no STREAM or CRYPTO data to send again';
    else loss.reason = 'never acknowledged while later packets were; the capture does not show its data sent again';
  }

  private state(conn: Connection): ConnectionRecovery {
    let s = this.byConnection.get(conn);
    if (!s) {
      s = new ConnectionRecovery(conn);
      this.byConnection.set(conn, s);
    }
    return s;
  }
}
