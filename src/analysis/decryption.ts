import { cipherSuiteById } from '../crypto/cipher-suites.js';
import { ConnectionKeys, type OpenedPacket } from '../crypto/connection-keys.js';
import type { KeyLog } from '../crypto/keylog.js';
import { verifyRetryIntegrity } from '../crypto/retry-integrity.js';
import { parseFrames, type Frame } from '../quic/frames/index.js';
import { parseLongHeader } from '../quic/long-header.js';
import type { PacketHeader } from '../quic/packet-header.js';
import { QUIC_DRAFT_29, QUIC_V1, versionInfo, type GquicLayout } from '../quic/versions.js';
import { gquicPacketNumberLength } from '../quic/gquic/public-header.js';
import { parseGquicFrames } from '../quic/gquic/frames.js';
import { GquicMessageFramer } from '../tls/gquic-handshake.js';
import { ByteReader } from '../wire/byte-reader.js';
import { StreamReassembler } from '../quic/stream-reassembler.js';
import { HandshakeFramer, HandshakeType } from '../tls/handshake-message.js';
import { attemptOf, type Connection, type Role } from './connection.js';
import { recordGquicMessage, recordHandshakeMessage } from './tls-facts.js';
import { WireError } from '../wire/wire-error.js';
import type { DecryptResult } from './packet-record.js';
import { PacketNumberSync, type PnRecoveryMethod, type PnSyncReport } from './packet-number-sync.js';

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
  /** a 1-RTT packet number found beyond the nearest candidate: how */
  pnRecovery?: PnRecoveryMethod;
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
  /** the same for gQUIC's own handshake messages (CHLO, REJ) */
  gquic: Map<string, GquicStream>;
  /** the version of the client Initials whose CRYPTO data the client's TLS state holds */
  clientHelloVersion?: number;
  /** 1-RTT packet-number sync across capture gaps */
  sync: PacketNumberSync;
}

/** where in the capture a packet was seen: its record and time (seconds) */
export interface PacketPlace {
  frame: number;
  time: number;
}

/** a gQUIC handshake stream; `base` is the stream offset its reassembly starts from */
interface GquicStream {
  stream: StreamReassembler;
  framer: GquicMessageFramer;
  base: number;
}

const GQUIC_MESSAGE_TAGS = new Set(['CHLO', 'REJ\0', 'SHLO']);

/** gQUIC's null encryption puts a 12-byte message hash (FNV-1a 128, truncated) before the frames */
const GQUIC_HASH_LENGTH = 12;

/**
 * Decrypts each packet with what the capture and the key logs allow, and reads the TLS
 * messages it needs on the way: the ClientHello's random finds the connection's secrets in
 * the key log (RFC 9001 §4: QUIC carries TLS in CRYPTO frames), the ServerHello's suite
 * picks the AEAD.
 */
export class Decryption {
  private readonly byConnection = new Map<Connection, ConnectionCrypto>();

  constructor(private readonly keylog: KeyLog) {}

  packet(conn: Connection, h: PacketHeader, payload: Buffer, from: Role, at?: PacketPlace): DecryptedPacket {
    if (h.type === 'version_negotiation') return { pn: null, keyPhase: null, decrypted: 'not encrypted', frames: [] };
    const state = this.stateOf(conn);
    if (h.type === 'retry') {
      state.keys.noteRetry();
      return { pn: null, keyPhase: null, decrypted: 'not encrypted', frames: [], retryIntegrity: retryVerdict(conn, h, payload) };
    }
    if (h.form === 'long' && h.type === 'initial' && from === 'client') state.keys.noteClientInitial(h.dcid);
    if (h.form === 'long' && h.type === 'unknown' && from === 'client') return this.asV1Initial(conn, state, h, payload, from);
    const gquic = h.form === 'long' ? versionInfo(h.version).gquic : undefined;
    if (gquic && h.form === 'long' && gquic.header !== 'ietf') return this.gquicPlaintext(conn, state, h, payload, from, gquic);
    const bytes = payload.subarray(h.offset, h.offset + h.length);
    const version = h.form === 'long' ? h.version : (h.version ?? conn.version);
    if (h.type === '1RTT' && at && state.keys.hasSecrets) return this.oneRtt(conn, state, h, bytes, from, version, at);
    const opened = state.keys.open(h, bytes, from, version);
    if (typeof opened === 'string') return { pn: null, keyPhase: null, decrypted: opened, frames: [] };
    return this.read(conn, state, h, opened, from);
  }

  /** a 1-RTT packet that did not open, for good (not as a whole datagram before its GSO split): its sender may have lost sync */
  undecrypted(conn: Connection, h: PacketHeader, from: Role, frame: number): void {
    if (h.type === '1RTT') this.byConnection.get(conn)?.sync.failed(from, frame);
  }

  /** how each sender's 1-RTT packet numbers were kept across the capture's gaps */
  pnSync(conn: Connection): PnSyncReport {
    return this.byConnection.get(conn)?.sync.report() ?? { resyncs: [], recovered: 0, undecrypted: 0 };
  }

  /** 1-RTT packets: packet numbers searched for where the capture lost sync (PacketNumberSync) */
  private oneRtt(conn: Connection, state: ConnectionCrypto, h: PacketHeader, bytes: Buffer, from: Role, version: number | null, at: PacketPlace): DecryptedPacket {
    const { opened, method } = state.sync.open(from, at, (candidates) => state.keys.open(h, bytes, from, version, candidates));
    if (typeof opened === 'string') return { pn: null, keyPhase: null, decrypted: opened, frames: [] };
    const out = this.read(conn, state, h, opened, from);
    if (method) out.pnRecovery = method;
    // the peer's ACKs say how far this sender's numbers have gone (RFC 9000 §19.3)
    const peer: Role = from === 'client' ? 'server' : 'client';
    for (const f of out.frames) if (f.type === 'ack') for (const [, largest] of f.acked_ranges) state.sync.peerAcked(peer, largest);
    return out;
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

  /**
   * gQUIC before Q050: the client's hello travels in the clear (null encryption) in its
   * first packets; what follows the handshake is under keys gQUIC's own crypto derives,
   * which no key log holds.
   */
  private gquicPlaintext(conn: Connection, state: ConnectionCrypto, h: PacketHeader & { form: 'long' }, payload: Buffer, from: Role, layout: GquicLayout): DecryptedPacket {
    if (h.type !== 'initial' || h.pnOffset === undefined) return { pn: null, keyPhase: null, decrypted: 'no keys', frames: [] };
    const pnLength = gquicPacketNumberLength(h);
    const pn = payload.readUIntBE(h.offset + h.pnOffset, pnLength);
    const framesAt = h.offset + h.pnOffset + pnLength + GQUIC_HASH_LENGTH;
    const end = h.offset + h.length;
    if (framesAt > end) return { pn, keyPhase: null, decrypted: 'not encrypted', frames: [], frameError: { offset: end, message: 'expected a 12-byte message hash' } };
    const parsed = parseGquicFrames(payload.subarray(framesAt, end), layout, framesAt);
    for (const f of parsed.frames) if (f.type === 'crypto') this.gquicData(conn, state, from, f.offset, f.raw);
    const out: DecryptedPacket = { pn, keyPhase: null, decrypted: 'not encrypted', frames: parsed.frames };
    if (parsed.error) out.frameError = parsed.error;
    return out;
  }

  private read(conn: Connection, state: ConnectionCrypto, h: PacketHeader, opened: OpenedPacket, from: Role): DecryptedPacket {
    // Q050 and T05x: IETF packet protection around gQUIC frames
    const gquic = h.form === 'long' ? versionInfo(h.version).gquic : conn.version !== null ? versionInfo(conn.version).gquic : undefined;
    const parsed = gquic ? parseGquicFrames(opened.payload, gquic) : parseFrames(opened.payload);
    const level: Level | null = h.type === 'initial' ? 'initial' : h.type === 'handshake' ? 'handshake' : h.type === '1RTT' ? '1rtt' : null;
    if (level === 'initial' && from === 'client' && h.form === 'long') {
      this.restartAfterNegotiation(conn, state, h.version, parsed.frames.some((f) => f.type === 'crypto' && f.offset === 0));
    }
    if (level) {
      for (const f of parsed.frames) {
        if (f.type !== 'crypto') continue;
        if (gquic?.handshake === 'chlo') this.gquicData(conn, state, from, f.offset, f.raw);
        else this.tlsData(conn, state, from, level, f.offset, f.raw);
      }
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

  /**
   * A client Initial of another version than the Initials before it: the client started
   * again after Version Negotiation (RFC 9000 §6.2), or after a version the server would
   * not take, with a new ClientHello. The hello of the attempt the server refused says
   * nothing about the connection that was used: JA4 and the TLS facts come from the new one.
   * A new hello starts its CRYPTO stream at offset 0; Initials that only go on with the
   * stream under the new version (a compatible version change, RFC 9368 §2.1) keep it.
   */
  private restartAfterNegotiation(conn: Connection, state: ConnectionCrypto, version: number, newHello: boolean): void {
    if (state.clientHelloVersion === undefined || state.clientHelloVersion === version || !newHello) {
      state.clientHelloVersion ??= version;
      return;
    }
    state.clientHelloVersion = version;
    state.tls.delete('client/initial');
    delete conn.tls.clientHello;
    delete conn.tls.ja4;
    delete conn.tls.clientParameters;
  }

  /** gQUIC's handshake stream: one per sender, read as tagged messages */
  private gquicData(conn: Connection, state: ConnectionCrypto, from: Role, offset: number, data: Buffer): void {
    let g = state.gquic.get(from);
    // a capture that starts after the client's first CHLO (the inchoate one, before the
    // server's REJ) sees the next CHLO at a later offset: a message starts there, so
    // reading starts there
    const startsMessage = data.length >= 4 && GQUIC_MESSAGE_TAGS.has(data.subarray(0, 4).toString('latin1'));
    if (!g || (startsMessage && offset > g.base + g.stream.offset)) {
      if (!g && !startsMessage && offset > 0) return;
      state.gquic.set(from, (g = { stream: new StreamReassembler(), framer: new GquicMessageFramer(), base: offset }));
    }
    if (offset < g.base) return;
    try {
      for (const m of g.framer.push(g.stream.push(offset - g.base, data))) recordGquicMessage(conn.tls, from, m);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      conn.tls.problems.push(`${from} gQUIC handshake message: ${err.message}`);
    }
  }

  private stateOf(conn: Connection): ConnectionCrypto {
    let s = this.byConnection.get(conn);
    if (!s || s.attempt !== attemptOf(conn)) {
      this.byConnection.set(conn, (s = { keys: new ConnectionKeys(), tls: new Map(), gquic: new Map(), sync: new PacketNumberSync(), attempt: attemptOf(conn) }));
    }
    return s;
  }
}

function retryVerdict(conn: Connection, h: PacketHeader, payload: Buffer): 'valid' | 'invalid' | 'unknown' {
  if (h.form !== 'long' || !conn.originalDcid) return 'unknown';
  const ok = verifyRetryIntegrity(h.version, Buffer.from(conn.originalDcid, 'hex'), payload.subarray(h.offset, h.offset + h.length));
  return ok === undefined ? 'unknown' : ok ? 'valid' : 'invalid';
}
