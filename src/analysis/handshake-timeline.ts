import type { Connection, Role } from './connection.js';
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
  | 'connection_close';

export interface HandshakeEvent {
  time: number;
  event: HandshakeEventName;
  frame: number;
  /** who sent the packet that shows it */
  by: Role;
  /** a few words: the packet and its key frames, the error of a close */
  detail: string;
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

interface State {
  events: HandshakeEvent[];
  seen: Set<string>;
  /** client Initials sent before the server's first answer (Initial, Retry or VN) */
  unanswered: number;
  keyPhase: { client: number | null; server: number | null };
}

/**
 * Picks a connection's handshake milestones out of its packets as they pass: the first of
 * each kind, and every key update, NEW_TOKEN and CONNECTION_CLOSE.
 */
export class HandshakeTimeline {
  private readonly byConnection = new Map<Connection, State>();

  observe(p: PacketRecord): void {
    let s = this.byConnection.get(p.connection);
    if (!s) this.byConnection.set(p.connection, (s = { events: [], seen: new Set(), unanswered: 0, keyPhase: { client: null, server: null } }));
    if (p.direction === 'client' && (p.header.type === 'initial' || p.header.type === 'unknown')) s.unanswered++;
    else if (p.direction === 'server' && s.unanswered > 0 && !s.seen.has('server_initial')) {
      // an answer: what the client sent before it is settled; more than one means it had
      // to repeat its Initial (lost, or unanswered long enough for a probe timeout)
      if (s.unanswered > 1) s.seen.add('lost_initial');
      s.unanswered = 0;
    }
    const once = (event: HandshakeEventName, detail: string) => {
      if (s.seen.has(event)) return;
      s.seen.add(event);
      s.events.push({ time: p.time, event, frame: p.frame, by: p.direction, detail });
    };
    const every = (event: HandshakeEventName, detail: string) => s.events.push({ time: p.time, event, frame: p.frame, by: p.direction, detail });
    const t = p.header.type;
    const crypto = p.frames.some((f) => f.type === 'crypto');
    if (t === 'version_negotiation') once('version_negotiation', 'Version Negotiation');
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
      if (p.keyPhase !== null) {
        if (last !== null && p.keyPhase !== last) every('key_update', `key phase ${p.keyPhase}`);
        s.keyPhase[p.direction] = p.keyPhase;
      }
    }
    for (const f of p.frames) {
      if (f.type === 'handshake_done') once('handshake_confirmed', 'HANDSHAKE_DONE');
      if (f.type === 'new_token') every('new_token', `NEW_TOKEN (${f.length} bytes)`);
      if (f.type === 'connection_close') every('connection_close', `CONNECTION_CLOSE ${f.error_space === 'application' ? `application error ${f.error_code}` : f.error_code}${f.reason ? ` "${f.reason}"` : ''}`);
    }
  }

  summary(conn: Connection): HandshakeSummary {
    const s = this.byConnection.get(conn);
    const events = [...(s?.events ?? [])];
    const at = (e: HandshakeEventName) => events.find((x) => x.event === e);
    // 0-RTT's fate is known once EncryptedExtensions was read
    const zeroRtt = at('zero_rtt_sent');
    const ee = conn.tls.encryptedExtensions;
    const sh = at('server_handshake');
    if (zeroRtt && ee && sh) {
      events.push({ ...sh, event: ee.earlyDataAccepted ? 'zero_rtt_accepted' : 'zero_rtt_rejected', detail: ee.earlyDataAccepted ? 'early data accepted' : 'early data rejected' });
    }
    events.sort((a, b) => a.time - b.time || a.frame - b.frame);
    const start = at('client_initial');
    const finished = at('client_finished');
    const retry = at('retry') !== undefined;
    const versionNegotiation = at('version_negotiation') !== undefined;
    const reasons: string[] = [];
    if (versionNegotiation) reasons.push('version negotiation');
    if (retry) reasons.push('retry');
    if (conn.tls.helloRetryRequest) reasons.push('HelloRetryRequest');
    if (s?.seen.has('lost_initial')) reasons.push('lost Initial');
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
