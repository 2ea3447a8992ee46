import { quotedText } from '../wire/quoted-text.js';
import { versionInfo } from '../quic/versions.js';
import { attemptOf, type Connection, type Role } from './connection.js';
import { unreadReason, type Fact } from './finding.js';
import type { DecryptResult, PacketRecord } from './packet-record.js';

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
  | 'idle_end'
  | 'last_packet';

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

/**
 * how a connection ended: a CONNECTION_CLOSE, its packets stopped with none (idle timeout, or
 * the capture ended), or the server refused its version and the client did not go on
 */
export type ConnectionEnd = 'connection_close' | 'idle' | 'version_negotiation';

/** design.md's `handshake` object */
export interface HandshakeSummary {
  /** the client completed the handshake; null when the packets that would say are encrypted */
  complete: boolean | null;
  /** when HANDSHAKE_DONE arrived (RFC 9001 §4.1.2), in seconds since the first record */
  confirmedAt: number | null;
  /** from the client's first Initial to its Finished */
  durationMs: number | null;
  /** round trips before the client could send 1-RTT data, and why more than one */
  roundTrips: number | null;
  roundTripReasons: string[];
  /** null when the connection's first packets are not in the capture (no client Initial read) */
  retry: boolean | null;
  versionNegotiation: boolean | null;
  /** null when the last packets could not be read: one of them may hold a CONNECTION_CLOSE */
  ended: ConnectionEnd | null;
  events: HandshakeEvent[];
  /** where each judged value comes from: proven by a packet, or unknown and why */
  facts: {
    complete: Fact;
    confirmedAt: Fact;
    ended: Fact;
    /** present once the handshake completed */
    durationMs?: Fact;
    roundTrips?: Fact;
    /** present when unknown: the connection's beginning is not in the capture */
    retry?: Fact;
    versionNegotiation?: Fact;
  };
}

/** a packet type and the reason its frames could not be read, the first time it happened */
type Unread = Map<string, Exclude<DecryptResult, true>>;

/** `client handshake`, `server 1RTT`, …: one string for each, shared by every connection's Unread */
const UNREAD_KEYS: Record<Role, Map<string, string>> = { client: new Map(), server: new Map() };
function unreadKey(direction: Role, type: string): string {
  const keys = UNREAD_KEYS[direction];
  let key = keys.get(type);
  if (key === undefined) {
    key = `${direction} ${type}`;
    keys.set(type, key);
  }
  return key;
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
  counted: Set<string> | undefined;
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
  /** each side's latest packet could be read (a CONNECTION_CLOSE would have shown) */
  lastRead: { client: Exclude<DecryptResult, true> | null; server: Exclude<DecryptResult, true> | null };
  /** `client handshake`, `server 1RTT`, …: packets whose frames could not be read */
  unread: Unread;
  /** after validation, a server Handshake packet could not be read: it may have continued the flight */
  stallUnknown: boolean;
  /** each sender's key phase, and the packet number where it took it: an older packet in the old phase is late, not an update */
  keyPhase: { client: { phase: number; pn: number } | null; server: { phase: number; pn: number } | null };
  /** the connection attempt seen so far: the client starts a new one after Version Negotiation */
  attempt: number;
  /** the version of the client's first long header */
  clientVersion: number | null;
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
      s = {
        events: [],
        seen: new Set(),
        counted: undefined,
        unanswered: { bytes: 0, end: 0 },
        clientBytes: 0,
        serverBytes: 0,
        validated: false,
        atLimit: false,
        last: null,
        lastRead: { client: null, server: null },
        unread: new Map(),
        stallUnknown: false,
        keyPhase: { client: null, server: null },
        attempt: 0,
        clientVersion: null,
      };
      this.byConnection.set(p.connection, s);
    }
    // a new attempt numbers its packets from 0 again: nothing of it is a copy of the old one.
    // It is a connection of its own joined to the old (new connection IDs), or the same one
    // when the client kept its connection IDs: then its first Initial in another version
    // after the Version Negotiation starts it
    const long = p.header.form === 'long' ? p.header : null;
    if (p.direction === 'client' && long) s.clientVersion ??= long.version;
    const sameIdsRestart =
      p.direction === 'client' && long !== null && long.type !== 'version_negotiation' && s.seen.has('version_negotiation') && !s.seen.has('version_restart') && s.clientVersion !== long.version;
    const restarted = attemptOf(p.connection) !== s.attempt || sameIdsRestart;
    if (sameIdsRestart) s.seen.add('version_restart');
    if (restarted) {
      s.attempt = attemptOf(p.connection);
      s.counted?.clear();
      s.unread.clear();
    }
    if (isCopy(s, p)) return;
    s.last = { time: p.time, frame: p.frame, by: p.direction, versionNegotiation: p.header.type === 'version_negotiation' };
    const unread = p.decrypted === true || p.decrypted === 'not encrypted' ? null : p.decrypted;
    s.lastRead[p.direction] = unread;
    if (unread !== null) {
      const key = unreadKey(p.direction, p.header.type);
      if (!s.unread.has(key)) s.unread.set(key, unread);
    }
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
    else if (p.direction === 'client' && (t === 'initial' || t === 'unknown')) {
      once('client_initial', 'Initial: ClientHello');
      // RFC 9000 §8.1.2: after a Retry the client sends its Initial again, with the Retry's token
      if (s.seen.has('retry') && p.header.form === 'long' && p.header.type === 'initial' && (p.header.token?.length ?? 0) > 0 && !s.seen.has('retried_initial')) {
        s.seen.add('retried_initial');
        every('client_initial', "Initial: ClientHello again, with the Retry's token");
      }
    } else if (p.direction === 'server' && t === 'initial') {
      // the row is the packet that carries the ServerHello (CRYPTO from offset 0), not an
      // ACK-only Initial sent before it (Chromium's server peers do that)
      if (p.frames.some((f) => f.type === 'crypto' && f.offset === 0)) once('server_initial', 'Initial: ServerHello');
      else if (unread !== null) once('server_initial', 'Initial');
    }
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
      if (f.type === 'connection_close') every('connection_close', `CONNECTION_CLOSE ${f.error_space === 'application' ? `application error ${f.error_code}` : f.error_code}${f.reason ? ` ${quotedText(f.reason)}` : ''}`);
    }
  }

  /**
   * The amplification limit as a cause of delay (RFC 9000 §8.1): before the client's first
   * Handshake (or 1-RTT) packet validates its address, the server came within one datagram
   * of three times what it had received; afterwards it went on with the same flight (more
   * Handshake CRYPTO), so it had stopped to wait for the client. Without the keys to read
   * the server's later Handshake packets, whether it went on is unknown.
   */
  private amplification(s: State, p: PacketRecord): void {
    const firstOfDatagram = p.header.offset === 0;
    if (p.direction === 'client') {
      if (!s.validated && firstOfDatagram) s.clientBytes += p.datagramBytes;
      if (p.header.type === 'handshake' || p.header.type === '1RTT') s.validated = true;
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
    if (s.atLimit && p.header.type === 'handshake' && p.decrypted !== true && !s.seen.has('client_finished')) s.stallUnknown = true;
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
    const retrySeen = at('retry') !== undefined || conn.tls.serverParameters?.retry_source_connection_id !== undefined;
    const versionNegotiationSeen = at('version_negotiation') !== undefined;
    // a connection whose first Initial is not in the capture (it began before the capture, or
    // its first packets went to another connection's path) may have had a Retry or a Version
    // Negotiation, and waited for them, before anything here: that part of its story is unknown
    const beginning: Fact | undefined = start
      ? undefined
      : { evidence: 'unknown', reason: "the connection's beginning is not in the capture: no client Initial of it was read" };
    const retry = retrySeen ? true : beginning ? null : false;
    const versionNegotiation = versionNegotiationSeen ? true : beginning ? null : false;
    const reasons: string[] = [];
    if (versionNegotiation) reasons.push('version negotiation');
    if (retry) reasons.push('retry');
    if (conn.tls.helloRetryRequest) reasons.push('HelloRetryRequest');
    if (s?.seen.has('lost_initial')) reasons.push('lost Initial');
    if (s?.seen.has('amplification_stall')) reasons.push('amplification limit reached');
    const unread = s?.unread ?? new Map<string, Exclude<DecryptResult, true>>();
    const firstClient1Rtt = at('first_1rtt_client');
    const close = events.find((e) => e.event === 'connection_close');
    const complete = completion(finished, firstClient1Rtt, unread);
    const confirmed = at('handshake_confirmed');
    const serverUnread = unread.get('server 1RTT') ?? unread.get('server handshake');
    const facts: HandshakeSummary['facts'] = {
      complete: complete.fact,
      confirmedAt: confirmed
        ? { evidence: 'proven', reason: `HANDSHAKE_DONE (frame ${confirmed.frame})` }
        : serverUnread
          ? { evidence: 'unknown', reason: `HANDSHAKE_DONE would be in server packets not read (${unreadReason(serverUnread)})` }
          : { evidence: 'proven', reason: 'no HANDSHAKE_DONE in the packets read' },
      ended: { evidence: 'proven', reason: '' },
    };
    if (retry === null) facts.retry = beginning;
    if (versionNegotiation === null) facts.versionNegotiation = beginning;
    let ended: ConnectionEnd | null = null;
    if (close) {
      ended = 'connection_close';
      facts.ended = { evidence: 'proven', reason: `CONNECTION_CLOSE (frame ${close.frame})` };
    } else if (s?.last?.versionNegotiation) {
      // an attempt answered with Version Negotiation and never followed up: the client
      // abandons it (RFC 9000 §6.2), it did not idle out
      ended = 'version_negotiation';
      facts.ended = { evidence: 'proven', reason: `the server's Version Negotiation (frame ${s.last.frame}) was the last packet` };
    } else if (s?.last) {
      // the side that closes sends nothing after its CONNECTION_CLOSE (RFC 9000 §10.2.1), so
      // only a last packet that could not be read may hide one
      const hidden = s.lastRead.client ?? s.lastRead.server;
      const logged = conn.log?.closed;
      if (hidden === null) {
        ended = 'idle';
        facts.ended = { evidence: 'proven', reason: "no CONNECTION_CLOSE: each side's last packet was read" };
        events.push({ time: s.last.time, event: 'idle_end', frame: s.last.frame, by: s.last.by, detail: logged ? `last packet, no CONNECTION_CLOSE; the log says: ${logged}` : 'last packet, no CONNECTION_CLOSE' });
      } else {
        facts.ended = { evidence: 'unknown', reason: `a CONNECTION_CLOSE may be in the last packets, not read (${unreadReason(hidden)})` };
        events.push({ time: s.last.time, event: 'last_packet', frame: s.last.frame, by: s.last.by, detail: 'last packet, not read: closed or idle?' });
      }
    }
    let roundTrips: number | null = null;
    if (complete.value === true) {
      if (beginning) facts.durationMs = beginning;
      else if (finished) facts.durationMs = { evidence: 'proven', reason: `client Initial (frame ${start!.frame}) to client Finished (frame ${finished.frame})` };
      else {
        const hidden = unread.get('client handshake');
        const where = hidden ? `is in a Handshake packet not read (${unreadReason(hidden)})` : 'is in no packet of the capture (lost before the capture point, or dropped by it)';
        facts.durationMs = { evidence: 'unknown', reason: `the client's Finished ${where}; it was sent by frame ${firstClient1Rtt!.frame}, the client's first 1-RTT packet` };
      }
      if (beginning) {
        facts.roundTrips = beginning;
      } else if (s?.stallUnknown && !s.seen.has('amplification_stall')) {
        const why = unreadReason(unread.get('server handshake') ?? 'no keys');
        facts.roundTrips = { evidence: 'unknown', reason: `the server came within a datagram of its amplification limit; whether it then waited for the client is in Handshake packets not read (${why})` };
      } else {
        roundTrips = 1 + reasons.length;
        facts.roundTrips = { evidence: 'proven', reason: reasons.length ? `one, and one more for each of: ${reasons.join(', ')}` : 'one: nothing made the client wait' };
      }
    }
    return {
      complete: complete.value,
      confirmedAt: confirmed?.time ?? null,
      durationMs: start && finished ? Math.round((finished.time - start.time) * 1e6) / 1e3 : null,
      // RFC 9000 §7: one round trip to send 1-RTT data, one more for each of these
      roundTrips,
      roundTripReasons: reasons,
      retry,
      versionNegotiation,
      ended,
      events,
      facts,
    };
  }
}

/**
 * Whether the client completed the handshake (RFC 9001 §4.1.1): its Finished, read; or,
 * from the header alone, any 1-RTT packet from it, since it has 1-RTT keys only once it has
 * the server's Finished and sends its own with them.
 */
function completion(finished: HandshakeEvent | undefined, first1Rtt: HandshakeEvent | undefined, unread: Unread): { value: boolean | null; fact: Fact } {
  if (finished) return { value: true, fact: { evidence: 'proven', reason: `the client's Finished (frame ${finished.frame})` } };
  if (first1Rtt) return { value: true, fact: { evidence: 'proven', reason: `by frame ${first1Rtt.frame}: the client sends 1-RTT only once it has the server's Finished` } };
  const hidden = unread.get('client handshake');
  if (hidden) return { value: null, fact: { evidence: 'unknown', reason: `the client's Finished would be in Handshake packets not read (${unreadReason(hidden)})` } };
  return { value: false, fact: { evidence: 'proven', reason: 'no Finished and no 1-RTT packet from the client' } };
}

/** the packet was counted before: a second copy of it, seen on another leg */
function isCopy(s: State, p: PacketRecord): boolean {
  if (p.pn === null) return false;
  const matters = p.header.form === 'long' || p.frames.some((f) => f.type === 'new_token' || f.type === 'connection_close');
  if (!matters) return false;
  // 0-RTT and 1-RTT share the application packet number space (RFC 9000 §12.3)
  const space = p.header.type === '0RTT' || p.header.type === '1RTT' ? 'application' : p.header.type;
  const id = `${p.direction} ${space} ${p.pn}`;
  if (s.counted?.has(id)) return true;
  (s.counted ??= new Set()).add(id);
  return false;
}
