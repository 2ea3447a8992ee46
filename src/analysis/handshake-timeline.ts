import { versionInfo } from '../quic/versions.js';
import { attemptOf, type Connection, type Role } from './connection.js';
import type { PacketRecord } from './packet-record.js';

/** design.md's handshake event names */
export type HandshakeEventName =
  | 'client_initial'
  | 'version_negotiation'
  | 'retry'
  | 'server_initial'
  | 'server_handshake'
  | 'client_finished'
  | 'handshake_complete'
  | 'handshake_confirmed'
  | 'zero_rtt_sent'
  | 'zero_rtt_accepted'
  | 'zero_rtt_rejected'
  | 'first_1rtt_client'
  | 'first_1rtt_server'
  | 'new_token'
  | 'key_update'
  | 'connection_close'
  | 'idle_end';

export interface HandshakeEvent {
  time: number;
  event: HandshakeEventName;
  frame: number;
  /** who sent the packet that shows it */
  by: Role;
  /** a few words: the packet and its key frames, the error of a close */
  detail: string;
  /** a client_initial that starts a new attempt after Version Negotiation (RFC 9000 §6.2) */
  restart?: true;
}

/** design.md's `handshake` object */
export interface HandshakeSummary {
  complete: boolean;
  /** when HANDSHAKE_DONE arrived (RFC 9001 §4.1.2), in seconds since the first record */
  confirmedAt: number | null;
  /** from the client's first Initial to its Finished */
  durationMs: number | null;
  /** round trips before the client could send 1-RTT data, and why more than one */
  roundTrips: number | null;
  roundTripReasons: string[];
  retry: boolean;
  versionNegotiation: boolean;
  events: HandshakeEvent[];
}

/** the largest datagram a path is sure to carry, for "within one datagram of the limit" */
const MAX_DATAGRAM = 1500;

interface State {
  events: HandshakeEvent[];
  seen: Set<string>;
  /**
   * The packets already counted that a second copy could count again: long headers, and
   * 1-RTT packets with NEW_TOKEN or CONNECTION_CLOSE. A capture point between two legs (a
   * proxy, a balancer) sees each packet twice with the same number (RFC 9000 §12.3).
   */
  counted: Set<string>;
  /**
   * CRYPTO sent in client Initials before the server's first answer: all the bytes, and the
   * highest offset reached. More bytes than that offset means some were sent again: an
   * Initial was lost or went unanswered (a ClientHello spread over several Initials, as
   * Chromium's, repeats nothing)
   */
  unanswered: { bytes: number; end: number };
  /** bytes each way before the client's address was validated (its first Handshake packet) */
  clientBytes: number;
  serverBytes: number;
  validated: boolean;
  /** before validation, a server datagram brought it within one datagram of the limit */
  atLimit: boolean;
  /** the connection's latest packet; only these facts: a record holds views of the capture */
  last: { time: number; frame: number; by: Role; versionNegotiation: boolean } | null;
  /** each sender's key phase, and the packet number where it took it: an older packet in the old phase is late, not an update */
  keyPhase: { client: { phase: number; pn: number } | null; server: { phase: number; pn: number } | null };
  /** the connection attempt seen so far: the client starts a new one after Version Negotiation */
  attempt: number;
}

/**
 * Picks a connection's handshake milestones out of its packets as they pass: the first of
 * each kind, and every key update, NEW_TOKEN and CONNECTION_CLOSE.
 */
export class HandshakeTimeline {
  private readonly byConnection = new Map<Connection, State>();

  observe(p: PacketRecord): void {
    let s = this.byConnection.get(p.connection);
    if (!s) {
      s = { events: [], seen: new Set(), counted: new Set(), unanswered: { bytes: 0, end: 0 }, clientBytes: 0, serverBytes: 0, validated: false, atLimit: false, last: null, keyPhase: { client: null, server: null }, attempt: 0 };
      this.byConnection.set(p.connection, s);
    }
    // a new attempt numbers its packets from 0 again: nothing of it is a copy of the old one
    const restarted = attemptOf(p.connection) !== s.attempt;
    if (restarted) {
      s.attempt = attemptOf(p.connection);
      s.counted.clear();
    }
    if (isCopy(s, p)) return;
    s.last = { time: p.time, frame: p.frame, by: p.direction, versionNegotiation: p.header.type === 'version_negotiation' };
    this.amplification(s, p);
    if (p.direction === 'client' && (p.header.type === 'initial' || p.header.type === 'unknown')) {
      for (const f of p.frames) {
        if (f.type !== 'crypto') continue;
        s.unanswered.bytes += f.length;
        s.unanswered.end = Math.max(s.unanswered.end, f.offset + f.length);
      }
    } else if (p.direction === 'server' && s.unanswered.end > 0 && !s.seen.has('server_initial')) {
      // the server answered: did the client have to send some of its CRYPTO twice?
      if (s.unanswered.bytes > s.unanswered.end) s.seen.add('lost_initial');
      s.unanswered = { bytes: 0, end: 0 };
    }
    const once = (event: HandshakeEventName, detail: string) => {
      if (s.seen.has(event)) return;
      s.seen.add(event);
      s.events.push({ time: p.time, event, frame: p.frame, by: p.direction, detail });
    };
    const every = (event: HandshakeEventName, detail: string) => s.events.push({ time: p.time, event, frame: p.frame, by: p.direction, detail });
    const t = p.header.type;
    const crypto = p.frames.some((f) => f.type === 'crypto');
    if (restarted) {
      // RFC 9000 §6.2: the client abandoned the attempt Version Negotiation answered and
      // starts again in a version the server offered, from scratch: one more round trip
      const version = p.header.form === 'long' ? versionInfo(p.header.version).name : 'another version';
      s.events.push({ time: p.time, event: 'client_initial', frame: p.frame, by: p.direction, detail: `Initial: ClientHello again, in ${version}`, restart: true });
      s.seen.add('client_initial');
    } else if (t === 'version_negotiation') once('version_negotiation', `Version Negotiation: ${(p.header.form === 'long' ? (p.header.supportedVersions ?? []) : []).map((v) => versionInfo(v).name).join(', ')}`);
    else if (t === 'retry') once('retry', 'Retry');
    else if (p.direction === 'client' && (t === 'initial' || t === 'unknown')) once('client_initial', 'Initial: ClientHello');
    else if (p.direction === 'server' && t === 'initial') once('server_initial', 'Initial: ServerHello');
    else if (p.direction === 'server' && t === 'handshake') once('server_handshake', 'Handshake: EncryptedExtensions … Finished');
    else if (p.direction === 'client' && t === 'handshake' && crypto) {
      once('client_finished', 'Handshake: Finished');
      once('handshake_complete', 'handshake complete');
    } else if (t === '0RTT') once('zero_rtt_sent', '0-RTT: early data');
    else if (t === '1RTT') {
      once(p.direction === 'client' ? 'first_1rtt_client' : 'first_1rtt_server', '1-RTT');
      const last = s.keyPhase[p.direction];
      if (p.keyPhase !== null && p.pn !== null) {
        // a flip counts once, at a packet numbered past the one that set the phase (RFC 9001 §6):
        // reordered packets, or a second copy on a proxy leg, carry the old phase with a lower number
        if (last === null) s.keyPhase[p.direction] = { phase: p.keyPhase, pn: p.pn };
        else if (p.keyPhase !== last.phase && p.pn > last.pn) {
          every('key_update', `key phase ${p.keyPhase}`);
          s.keyPhase[p.direction] = { phase: p.keyPhase, pn: p.pn };
        }
      }
    }
    for (const f of p.frames) {
      if (f.type === 'handshake_done') once('handshake_confirmed', 'HANDSHAKE_DONE');
      if (f.type === 'new_token') every('new_token', `NEW_TOKEN (${f.length} bytes)`);
      if (f.type === 'connection_close') every('connection_close', `CONNECTION_CLOSE ${f.error_space === 'application' ? `application error ${f.error_code}` : f.error_code}${f.reason ? ` "${f.reason}"` : ''}`);
    }
  }

  /**
   * The amplification limit as a cause of delay (RFC 9000 §8.1): before the client's first
   * Handshake packet validates its address, the server came within one datagram of three
   * times what it had received; afterwards it went on with the same flight (more Handshake
   * CRYPTO), so it had stopped to wait for the client.
   */
  private amplification(s: State, p: PacketRecord): void {
    const firstOfDatagram = p.header.offset === 0;
    if (p.direction === 'client') {
      if (!s.validated && firstOfDatagram) s.clientBytes += p.datagramBytes;
      if (p.header.type === 'handshake') s.validated = true;
      return;
    }
    if (!s.validated) {
      if (!firstOfDatagram) return;
      s.serverBytes += p.datagramBytes;
      if (s.serverBytes > 3 * s.clientBytes - MAX_DATAGRAM) s.atLimit = true;
      return;
    }
    const continued = p.header.type === 'handshake' && p.frames.some((f) => f.type === 'crypto' && f.offset > 0);
    if (continued && s.atLimit && !s.seen.has('client_finished')) s.seen.add('amplification_stall');
  }

  summary(conn: Connection): HandshakeSummary {
    const s = this.byConnection.get(conn);
    const events = [...(s?.events ?? [])];
    const at = (e: HandshakeEventName) => events.find((x) => x.event === e);
    // 0-RTT's fate is known once EncryptedExtensions was read
    const zeroRtt = at('zero_rtt_sent');
    const ee = conn.tls.encryptedExtensions;
    const sh = at('server_handshake');
    if (zeroRtt && ee && sh && !ee.earlyDataUnknown) {
      events.push({ ...sh, event: ee.earlyDataAccepted ? 'zero_rtt_accepted' : 'zero_rtt_rejected', detail: ee.earlyDataAccepted ? 'early data accepted' : 'early data rejected' });
    }
    events.sort((a, b) => a.time - b.time || a.frame - b.frame);
    const start = at('client_initial');
    const finished = at('client_finished');
    // the server's retry_source_connection_id proves a Retry (RFC 9000 §7.3) where the Retry
    // itself was not seen (a server's log: Retry is sent before any connection exists)
    const retry = at('retry') !== undefined || conn.tls.serverParameters?.retry_source_connection_id !== undefined;
    const versionNegotiation = at('version_negotiation') !== undefined;
    const reasons: string[] = [];
    if (versionNegotiation) reasons.push('version negotiation');
    if (retry) reasons.push('retry');
    if (conn.tls.helloRetryRequest) reasons.push('HelloRetryRequest');
    if (s?.seen.has('lost_initial')) reasons.push('lost Initial');
    if (s?.seen.has('amplification_stall')) reasons.push('amplification limit reached');
    // a connection whose packets stop without a CONNECTION_CLOSE ended idle (or the capture did)
    // except an attempt answered with Version Negotiation: the client abandons it (RFC 9000 §6.2)
    if (s?.last && !s.last.versionNegotiation && !events.some((e) => e.event === 'connection_close')) {
      const logged = conn.log?.closed;
      events.push({ time: s.last.time, event: 'idle_end', frame: s.last.frame, by: s.last.by, detail: logged ? `last packet, no CONNECTION_CLOSE; the log says: ${logged}` : 'last packet, no CONNECTION_CLOSE' });
    }
    return {
      complete: finished !== undefined,
      confirmedAt: at('handshake_confirmed')?.time ?? null,
      durationMs: start && finished ? Math.round((finished.time - start.time) * 1e6) / 1e3 : null,
      // RFC 9000 §7: one round trip to send 1-RTT data, one more for each of these
      roundTrips: finished ? 1 + reasons.length : null,
      roundTripReasons: reasons,
      retry,
      versionNegotiation,
      events,
    };
  }
}

/** the packet was counted before: a second copy of it, seen on another leg */
function isCopy(s: State, p: PacketRecord): boolean {
  if (p.pn === null) return false;
  const matters = p.header.form === 'long' || p.frames.some((f) => f.type === 'new_token' || f.type === 'connection_close');
  if (!matters) return false;
  // 0-RTT and 1-RTT share the application packet number space (RFC 9000 §12.3)
  const space = p.header.type === '0RTT' || p.header.type === '1RTT' ? 'application' : p.header.type;
  const id = `${p.direction} ${space} ${p.pn}`;
  if (s.counted.has(id)) return true;
  s.counted.add(id);
  return false;
}
