import { parseEndpoint, type Endpoint } from '../capture/types.js';
import type { LongHeader, PacketHeader, ShortHeader } from '../quic/packet-header.js';
import type { QlogEndpoint, QlogEvent, QlogPacketEvent, QlogTrace } from '../qlog/qlog-events.js';
import { frameFromQlog } from '../qlog/qlog-frames.js';
import { transportParametersFromQlog } from '../qlog/qlog-parameters.js';
import type { ConnectionTracker } from './connection-tracker.js';
import type { Connection, Role } from './connection.js';
import type { Frame } from '../quic/frames/index.js';
import type { PacketRecord } from './packet-record.js';

interface TraceState {
  trace: QlogTrace;
  connection: Connection | null;
  /** the side that wrote the log, once known */
  vantage: Role | null;
  /** the writer's own address and its peer's on the path in use, when the log gives them */
  local: Endpoint | null;
  remote: Endpoint | null;
  /** the addresses of each path (tuple) the log named by id (quic-events path_assigned) */
  paths: Map<string, { local: Endpoint | null; remote: Endpoint | null }>;
  /** the 0-RTT packet numbers the client sent, while the server's answer is not known, and the largest */
  zeroRttSent: Set<number>;
  zeroRttLargest: number;
  /** each side's 1-RTT key phase as the log's key_updated events tell it, for headers that do not */
  keyPhase: { client: 0 | 1 | null; server: 0 | 1 | null };
}

function endpoint(e: QlogEndpoint | undefined): Endpoint | null {
  return e?.ip !== undefined && e.port !== undefined ? { ip: e.ip, port: e.port } : null;
}

const other = (r: Role): Role => (r === 'client' ? 'server' : 'client');

/** the chosen ALPN, which captures read from EncryptedExtensions; whether early data was taken stays as it was, or unknown */
function setAlpn(conn: Connection, alpn: string): void {
  conn.tls.encryptedExtensions = { earlyDataAccepted: false, earlyDataUnknown: true, ...conn.tls.encryptedExtensions, alpn };
}

const hexBuffer = (hex: string | undefined) => Buffer.from(hex ?? '', 'hex');

/**
 * Turns the events of endpoint logs (qlog) into the packets and connection facts that
 * captures give, so that every analysis reads both alike. Each trace is one connection
 * seen from one side: its vantage point says who sent a packet (packet_sent by the client
 * is the client's), connection_started and path events give the addresses where the log
 * has them, and parameters_set the transport parameters.
 */
export class LoggedPackets {
  private readonly traces = new Map<string, TraceState>();
  /** ms: the first event's time in the current input, the zero of its packets' times */
  private zeroMs: number | undefined;

  constructor(private readonly tracker: ConnectionTracker) {}

  /** a new input file begins: its times count from its own first event */
  startInput(): void {
    this.zeroMs = undefined;
  }

  /**
   * Connections by the SCID of a Retry they received. A tool that splits a trace at the
   * Retry (pcap2qlog groups by DCID) writes the client's second Initial, sent to that SCID,
   * in a new trace: it is the same connection (RFC 9000 §17.2.5).
   */
  private readonly retried = new Map<string, Connection>();

  /** ms of the input's first event, once one was read */
  get firstTimeMs(): number | undefined {
    return this.zeroMs;
  }

  /** Reads one event; returns the packet when it was one. */
  event(ev: QlogEvent): PacketRecord | null {
    this.zeroMs ??= ev.timeMs;
    const s = this.stateOf(ev.trace);
    switch (ev.kind) {
      case 'packet_sent':
      case 'packet_received':
        return this.packet(s, ev);
      case 'connection_started':
        s.local = endpoint(ev.src) ?? s.local;
        s.remote = endpoint(ev.dst) ?? s.remote;
        if (s.connection) this.placeConnection(s, s.connection);
        return null;
      case 'path_updated': {
        const local = endpoint(ev.local);
        const remote = endpoint(ev.remote);
        // a path with an id is one of several (quic-events path_assigned): packets name theirs
        if (ev.pathId !== undefined && ev.pathId !== '') {
          s.paths.set(ev.pathId, { local: local ?? s.paths.get(ev.pathId)?.local ?? null, remote: remote ?? s.paths.get(ev.pathId)?.remote ?? null });
          return null;
        }
        s.local = local ?? s.local;
        s.remote = remote ?? s.remote;
        // quiclens's own export writes the new path as text: "client server"
        const [client, server] = (ev.newText ?? '').split(' ').map(parseEndpoint);
        if (client && server && s.vantage) {
          s.local = s.vantage === 'client' ? client : server;
          s.remote = s.vantage === 'client' ? server : client;
        }
        return null;
      }
      case 'migration': {
        // the connection moves to a path only when its migration completes (migration_state_updated)
        if (ev.new !== 'complete' && ev.new !== 'migration_complete') return null;
        const path = ev.pathId !== undefined ? s.paths.get(ev.pathId) : undefined;
        s.local = endpoint(ev.local) ?? path?.local ?? s.local;
        s.remote = endpoint(ev.remote) ?? path?.remote ?? s.remote;
        return null;
      }
      case 'parameters_set': {
        const conn = this.connectionOf(s, ev);
        // qlog 0.3 writes the chosen ALPN here too
        if (typeof ev.params.alpn === 'string') setAlpn(conn, ev.params.alpn);
        if (typeof ev.params.tls_cipher === 'string') conn.tls.loggedCipherSuite = ev.params.tls_cipher;
        if (!s.vantage || !ev.owner) return null;
        const side = ev.owner === 'local' ? s.vantage : other(s.vantage);
        const params = transportParametersFromQlog(ev.params);
        if (Object.keys(params).length === 0) return null;
        if (side === 'client') conn.tls.clientParameters = { ...conn.tls.clientParameters, ...params };
        else conn.tls.serverParameters = { ...conn.tls.serverParameters, ...params };
        // the server names the client's first DCID (RFC 9000 §7.3); after a Retry a log's group_id may be the later one
        if (side === 'server' && params.original_destination_connection_id) {
          conn.originalDcid = params.original_destination_connection_id;
          this.pair(conn);
        }
        return null;
      }
      case 'alpn_information':
        if (ev.chosenAlpn) setAlpn(this.connectionOf(s, ev), ev.chosenAlpn);
        return null;
      case 'key_updated': {
        // quic-events §key_updated: client_1rtt_secret is the key the client sends with; its
        // phase (RFC 9001 §6) is the generation's parity, or flips at each update after the first
        const type = ev.keyType ?? '';
        if (!/1rtt/i.test(type)) return null;
        const side: Role = type.startsWith('server') ? 'server' : 'client';
        const flipped = ((s.keyPhase[side] ?? 0) ^ 1) as 0 | 1;
        s.keyPhase[side] = ev.keyPhase !== undefined ? ((ev.keyPhase % 2) as 0 | 1) : ev.trigger === 'tls' ? 0 : flipped;
        return null;
      }
      case 'connection_id_updated': {
        // local: the writer's own CID changed (its peer sends to it); remote: the peer's
        if (!s.vantage || !ev.new || !ev.owner) return null;
        const issuer = ev.owner === 'local' ? s.vantage : other(s.vantage);
        this.tracker.addIssuedCid(this.connectionOf(s, ev), issuer, ev.new);
        return null;
      }
      case 'connection_closed': {
        const conn = this.connectionOf(s, ev);
        const why = [ev.trigger, ev.connectionError ?? ev.applicationError, ev.reason].filter((x) => x !== undefined && x !== '').join(', ');
        if (conn.log) conn.log.closed = `${ev.owner === 'remote' ? 'closed by the peer' : 'closed'}${why ? ` (${why})` : ''}`;
        return null;
      }
      case 'version_information':
        if (ev.chosenVersion) this.connectionOf(s, ev).version = parseInt(ev.chosenVersion, 16);
        return null;
      default:
        return null;
    }
  }

  /**
   * Where an event that is not a packet belongs: its trace's connection (opened now if the
   * trace had none yet), the side that wrote it (null until known), and its time in seconds
   * on the input's clock, as packets' times.
   */
  place(ev: QlogEvent): { connection: Connection; vantage: Role | null; time: number } {
    this.zeroMs ??= ev.timeMs;
    const s = this.stateOf(ev.trace);
    return { connection: this.connectionOf(s, ev), vantage: s.vantage, time: this.seconds(ev.timeMs) };
  }

  private stateOf(trace: QlogTrace): TraceState {
    const key = `${trace.file}#${trace.index}`;
    let s = this.traces.get(key);
    if (!s) {
      const vantage = trace.vantage === 'client' || trace.vantage === 'server' ? trace.vantage : trace.flow === 'client' || trace.flow === 'server' ? trace.flow : null;
      s = { trace, connection: null, vantage, local: null, remote: null, paths: new Map(), zeroRttSent: new Set(), zeroRttLargest: -1, keyPhase: { client: null, server: null } };
      this.traces.set(key, s);
    }
    return s;
  }

  private connectionOf(s: TraceState, ev: QlogEvent): Connection {
    if (!s.connection) {
      s.connection = this.tracker.openLogged({ frame: ev.position, time: ev.timeMs / 1000, client: null, server: null });
      this.placeConnection(s, s.connection);
      if (s.vantage) s.connection.log = { file: s.trace.file, vantage: s.trace.vantage === 'network' ? 'network' : s.vantage, zero: (this.zeroMs ?? ev.timeMs) / 1000 };
      // qlog's group_id is by convention the client's original DCID (ngtcp2 and quic-go write it so)
      const odcid = s.trace.odcid ?? s.trace.groupId;
      if (odcid && /^([0-9a-f]{2}){1,20}$/.test(odcid)) s.connection.originalDcid = odcid;
      this.pair(s.connection);
    }
    return s.connection;
  }

  /**
   * The other side's log of the same connection (the same original DCID, the other vantage
   * point), named on both: each log stays its own connection, since the two clocks cannot be
   * interleaved safely, but the reports say they are one.
   */
  private pair(conn: Connection): void {
    if (!conn.log || conn.log.vantage === 'network' || conn.originalDcid === null) return;
    const peer = this.tracker.connections.find(
      (c) => c !== conn && c.log && c.log.vantage !== 'network' && c.log.vantage !== conn.log!.vantage && c.originalDcid === conn.originalDcid,
    );
    if (!peer) return;
    conn.log.otherSide = peer.id;
    peer.log!.otherSide = conn.id;
  }

  /** the connection's endpoints from the writer's own address and its peer's */
  private placeConnection(s: TraceState, conn: Connection): void {
    if (!s.vantage) return;
    conn.client = (s.vantage === 'client' ? s.local : s.remote) ?? conn.client;
    conn.server = (s.vantage === 'client' ? s.remote : s.local) ?? conn.server;
  }

  private seconds(ms: number): number {
    return (ms - (this.zeroMs ?? ms)) / 1000;
  }

  private packet(s: TraceState, ev: QlogPacketEvent): PacketRecord {
    // a log whose vantage is not written: the side that sends the first Initial is the client
    if (!s.vantage) {
      const opening = ev.packetType === 'initial' || ev.packetType === '0RTT';
      s.vantage = opening === (ev.kind === 'packet_sent') ? 'client' : 'server';
    }
    // only a trace of the same side continues one: another side's log is its own connection
    if (!s.connection && ev.packetType === 'initial' && ev.dcid !== undefined) s.connection = this.retried.get(`${s.trace.vantage} ${ev.dcid}`) ?? null;
    const conn = this.connectionOf(s, ev);
    conn.log ??= { file: s.trace.file, vantage: s.trace.vantage === 'network' ? 'network' : s.vantage, zero: (this.zeroMs ?? ev.timeMs) / 1000 };
    const direction: Role = ev.kind === 'packet_sent' ? s.vantage : other(s.vantage);
    const header = this.header(ev, conn);
    const time = this.seconds(ev.timeMs);
    // connections keep times as captures do (from the input's clock); packets count from its first event
    this.tracker.trackLogged(conn, header, direction, ev.timeMs / 1000, { dcid: ev.dcid !== undefined, scid: ev.scid !== undefined, version: ev.version !== undefined });
    if (ev.packetType === 'retry' && ev.scid) this.retried.set(`${s.trace.vantage} ${ev.scid}`, conn);
    const frames = (ev.frames ?? []).map(frameFromQlog);
    this.zeroRttFate(s, conn, ev, direction, frames);
    for (const f of frames) if (f.type === 'new_connection_id') this.tracker.addIssuedCid(conn, direction, f.connection_id, f.stateless_reset_token);
    const sentByWriter = ev.kind === 'packet_sent';
    // a packet on a named path (a probe, say) has that path's addresses, others the current ones
    const path = ev.pathId !== undefined && ev.pathId !== '' ? s.paths.get(ev.pathId) : undefined;
    const local = path?.local ?? s.local;
    const remote = path?.remote ?? s.remote;
    const unencrypted = ev.packetType === 'retry' || ev.packetType === 'version_negotiation' || ev.packetType === 'stateless_reset';
    const record: PacketRecord = {
      frame: ev.position,
      time,
      connection: conn,
      direction,
      src: sentByWriter ? local : remote,
      dst: sentByWriter ? remote : local,
      // qlog logs packets, not datagrams: each counts as its own
      datagramBytes: ev.length ?? 0,
      header,
      pn: ev.packetNumber,
      keyPhase: header.form === 'short' ? (ev.keyPhase ?? s.keyPhase[direction]) : null,
      decrypted: unencrypted ? 'not encrypted' : ev.frames ? true : 'frames not logged',
      frames,
    };
    if (ev.packetType === 'stateless_reset') record.statelessReset = true;
    const unlogged = [...(ev.dcid === undefined ? ['dcid' as const] : []), ...(ev.scid === undefined && header.form === 'long' ? ['scid' as const] : []), ...(ev.version === undefined ? ['version' as const] : [])];
    if (unlogged.length > 0) record.unlogged = unlogged;
    return record;
  }

  /**
   * Whether the server took the client's 0-RTT, which captures read from EncryptedExtensions
   * (RFC 9001 §4.6.1) and logs seldom say. A server that logs 0-RTT packets it received with
   * their frames could read them; a client sees its 0-RTT packets acknowledged in 1-RTT ACKs
   * (0-RTT and 1-RTT share a packet number space, RFC 9000 §12.3), or only later packets
   * acknowledged when the server threw them away.
   */
  private zeroRttFate(s: TraceState, conn: Connection, ev: QlogPacketEvent, direction: Role, frames: Frame[]): void {
    const decide = (accepted: boolean) => {
      const { earlyDataUnknown: _unknown, ...known } = conn.tls.encryptedExtensions ?? { earlyDataAccepted: accepted };
      conn.tls.encryptedExtensions = { ...known, earlyDataAccepted: accepted };
      s.zeroRttSent.clear();
    };
    if (ev.packetType === '0RTT') {
      if (s.vantage === 'server' && ev.kind === 'packet_received' && ev.frames) decide(true);
      else if (direction === 'client' && ev.packetNumber !== null) {
        s.zeroRttSent.add(ev.packetNumber);
        s.zeroRttLargest = Math.max(s.zeroRttLargest, ev.packetNumber);
      }
      return;
    }
    if (s.zeroRttSent.size === 0 || direction !== 'server' || ev.packetType !== '1RTT') return;
    const ranges = frames.flatMap((f) => (f.type === 'ack' ? f.acked_ranges : []));
    if (ranges.length === 0) return;
    const acked = ranges.some(([lo, hi]) => [...s.zeroRttSent].some((pn) => pn >= lo && pn <= hi));
    if (acked) decide(true);
    else if (ranges.some(([, hi]) => hi > s.zeroRttLargest)) decide(false);
  }

  private header(ev: QlogPacketEvent, conn: Connection): PacketHeader {
    const base = { offset: 0, length: ev.length ?? 0, firstByte: 0, dcid: hexBuffer(ev.dcid) };
    const version = ev.version !== undefined ? parseInt(ev.version, 16) : conn.version;
    if (ev.packetType === '1RTT' || ev.packetType === 'stateless_reset') {
      const h: ShortHeader = { ...base, form: 'short', type: '1RTT', version, pnOffset: 0, spinBit: 0, dcidSource: ev.dcid !== undefined ? 'known_cid' : 'guess' };
      return h;
    }
    // a log that leaves the version out: QUIC v1 stands in (the header's version is then not reported as known, see trackLogged)
    const h: LongHeader = { ...base, form: 'long', type: ev.packetType, version: version ?? 1, scid: hexBuffer(ev.scid) };
    if (ev.token !== undefined) h.token = hexBuffer(ev.token);
    if (ev.supportedVersions) h.supportedVersions = ev.supportedVersions.map((v) => parseInt(v, 16));
    return h;
  }
}
