import { cipherSuiteById } from '../crypto/cipher-suites.js';
import { ConnectionKeys, type OpenedPacket } from '../crypto/connection-keys.js';
import type { KeyLog } from '../crypto/keylog.js';
import { verifyRetryIntegrity } from '../crypto/retry-integrity.js';
import { parseFrames, type Frame } from '../quic/frames/index.js';
import { parseLongHeader } from '../quic/long-header.js';
import type { PacketHeader } from '../quic/packet-header.js';
import { QUIC_DRAFT_29, QUIC_V1 } from '../quic/versions.js';
import { ByteReader } from '../wire/byte-reader.js';
import { StreamReassembler } from '../quic/stream-reassembler.js';
import { HandshakeFramer, HandshakeType } from '../tls/handshake-message.js';
import { attemptOf, type Connection, type Role } from './connection.js';
import { recordHandshakeMessage } from './tls-facts.js';
import type { DecryptResult } from './packet-record.js';

export interface DecryptedPacket {
  pn: number | null;
  keyPhase: 0 | 1 | null;
  decrypted: DecryptResult;
  frames: Frame[];
  /** a frame that could not be read, with its offset in the payload */
  frameError?: { offset: number; message: string };
  /** Retry packets: whether the integrity tag verifies for the original DCID */
  retryIntegrity?: 'valid' | 'invalid' | 'unknown';
  /** the packet number is not the nearest candidate: packets before it were lost */
  pnSearched?: boolean;
  /**
   * A long header of an unknown version that opened with v1's layout and Initial keys (the
   * AEAD tag proves the reading): the header as read that way.
   */
  reread?: { header: PacketHeader; layoutOf: number };
}

type Level = 'initial' | 'handshake' | '1rtt';

/** What decryption keeps per connection: keys, and the TLS bytes read so far. */
interface ConnectionCrypto {
  keys: ConnectionKeys;
  /** per sender and level: CRYPTO reassembly and TLS message framing */
  tls: Map<string, { stream: StreamReassembler; framer: HandshakeFramer }>;
  /** the connection attempt these belong to: a new one after Version Negotiation has its own keys and TLS */
  attempt: number;
}

/**
 * Decrypts each packet with what the capture and the key logs allow, and reads the TLS
 * messages it needs on the way: the ClientHello's random finds the connection's secrets in
 * the key log (RFC 9001 §4: QUIC carries TLS in CRYPTO frames), the ServerHello's suite
 * picks the AEAD.
 */
export class Decryption {
  private readonly byConnection = new Map<Connection, ConnectionCrypto>();

  constructor(private readonly keylog: KeyLog) {}

  packet(conn: Connection, h: PacketHeader, payload: Buffer, from: Role): DecryptedPacket {
    if (h.type === 'version_negotiation') return { pn: null, keyPhase: null, decrypted: 'not encrypted', frames: [] };
    const state = this.stateOf(conn);
    if (h.type === 'retry') {
      state.keys.noteRetry();
      return { pn: null, keyPhase: null, decrypted: 'not encrypted', frames: [], retryIntegrity: retryVerdict(conn, h, payload) };
    }
    if (h.form === 'long' && h.type === 'initial' && from === 'client') state.keys.noteClientInitial(h.dcid);
    if (h.form === 'long' && h.type === 'unknown' && from === 'client') return this.asV1Initial(conn, state, h, payload, from);
    const bytes = payload.subarray(h.offset, h.offset + h.length);
    const version = h.form === 'long' ? h.version : (h.version ?? conn.version);
    const opened = state.keys.open(h, bytes, from, version);
    if (typeof opened === 'string') return { pn: null, keyPhase: null, decrypted: opened, frames: [] };
    return this.read(conn, state, h, opened, from);
  }

  /**
   * A client's packet of a version nobody knows (one that draws Version Negotiation) is
   * often an Initial in all but the version number: sent with v1's layout and the salt of
   * v1 or of draft-29 (ngtcp2 0.12 uses draft-29's). Read it so, and keep the reading only
   * if the AEAD tag verifies.
   */
  private asV1Initial(conn: Connection, state: ConnectionCrypto, h: PacketHeader & { form: 'long' }, payload: Buffer, from: Role): DecryptedPacket {
    const failed: DecryptedPacket = { pn: null, keyPhase: null, decrypted: 'unknown version', frames: [] };
    let v1: PacketHeader;
    try {
      v1 = parseLongHeader(new ByteReader(payload, 0, h.offset, h.offset + h.length), QUIC_V1);
    } catch {
      return failed;
    }
    if (v1.type !== 'initial') return failed;
    for (const saltOf of [QUIC_V1, QUIC_DRAFT_29]) {
      const opened = state.keys.open({ ...v1, version: saltOf }, payload.subarray(v1.offset, v1.offset + v1.length), from, saltOf);
      if (typeof opened !== 'string') return { ...this.read(conn, state, v1, opened, from), reread: { header: v1, layoutOf: saltOf } };
    }
    return failed;
  }

  private read(conn: Connection, state: ConnectionCrypto, h: PacketHeader, opened: OpenedPacket, from: Role): DecryptedPacket {
    const parsed = parseFrames(opened.payload);
    const level: Level | null = h.type === 'initial' ? 'initial' : h.type === 'handshake' ? 'handshake' : h.type === '1RTT' ? '1rtt' : null;
    if (level) {
      for (const f of parsed.frames) if (f.type === 'crypto') this.tlsData(conn, state, from, level, f.offset, f.raw);
    }
    const out: DecryptedPacket = {
      pn: opened.pn,
      keyPhase: opened.keyPhase,
      decrypted: true,
      frames: parsed.frames,
    };
    if (parsed.error) out.frameError = parsed.error;
    if (opened.pnSearched) out.pnSearched = true;
    return out;
  }

  private tlsData(conn: Connection, state: ConnectionCrypto, from: Role, level: Level, offset: number, data: Buffer): void {
    const key = `${from}/${level}`;
    let tls = state.tls.get(key);
    if (!tls) state.tls.set(key, (tls = { stream: new StreamReassembler(), framer: new HandshakeFramer() }));
    for (const m of tls.framer.push(tls.stream.push(offset, data))) {
      recordHandshakeMessage(conn.tls, from, m);
      // the hellos decide the keys: the client's random finds the secrets in the key log,
      // the server's suite picks the AEAD
      if (m.type === HandshakeType.client_hello && conn.tls.clientHello) {
        const secrets = this.keylog.lookup(conn.tls.clientHello.random);
        if (secrets) state.keys.setSecrets(secrets);
      }
      if (m.type === HandshakeType.server_hello && conn.tls.serverHello) {
        const suite = cipherSuiteById(conn.tls.serverHello.cipherSuite);
        if (suite) state.keys.setSuite(suite);
      }
    }
  }

  private stateOf(conn: Connection): ConnectionCrypto {
    let s = this.byConnection.get(conn);
    if (!s || s.attempt !== attemptOf(conn)) this.byConnection.set(conn, (s = { keys: new ConnectionKeys(), tls: new Map(), attempt: attemptOf(conn) }));
    return s;
  }
}

function retryVerdict(conn: Connection, h: PacketHeader, payload: Buffer): 'valid' | 'invalid' | 'unknown' {
  if (h.form !== 'long' || !conn.originalDcid) return 'unknown';
  const ok = verifyRetryIntegrity(h.version, Buffer.from(conn.originalDcid, 'hex'), payload.subarray(h.offset, h.offset + h.length));
  return ok === undefined ? 'unknown' : ok ? 'valid' : 'invalid';
}
