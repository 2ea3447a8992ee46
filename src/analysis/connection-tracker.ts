import type { Datagram, Endpoint } from '../capture/types.js';
import { formatEndpoint } from '../capture/types.js';
import type { PacketHeader } from '../quic/packet-header.js';
import type { Connection, Role } from './connection.js';
import { isPreferredAddress } from './preferred-address.js';
import { emptyTlsFacts } from './tls-facts.js';

/**
 * Groups packets into connections by connection ID and decides who sent each packet.
 *
 * A connection is found by any CID either side chose (long-header SCIDs, the client's
 * Initial DCIDs, the Retry SCID), so it stays one connection when an endpoint moves to a
 * new address; a new client Initial with unknown CIDs starts a new connection even on a
 * 4-tuple used before. Zero-length CIDs (Chromium's client) are found by the client's
 * address instead.
 */
export class ConnectionTracker {
  private readonly byCid = new Map<string, Connection>();
  /** connections whose client chose a zero-length CID, by the client's address */
  private readonly byClientEndpoint = new Map<string, Connection>();
  /** the latest connection seen on each 4-tuple (either direction) */
  private readonly byPath = new Map<string, Connection>();
  /** connections by their server's address, for short headers on a path not seen before */
  private readonly byServer = new Map<string, Set<Connection>>();
  /** connections by their client's first address, for short headers to a server address not seen before */
  private readonly byClient = new Map<string, Set<Connection>>();
  /** connections whose preferred_address CID is already known as theirs */
  private readonly preferredCidLearned = new WeakSet<Connection>();
  private readonly all: Connection[] = [];
  /** attempts the server answered with Version Negotiation, until the client's next attempt joins one */
  private readonly answeredWithVn = new Set<Connection>();
  /** the replay connection opened for the datagram being read */
  private replayOpen: { datagram: Datagram; connection: Connection } | null = null;
  /** where a connection's current attempt began, after an abandoned one */
  private readonly attemptStart = new WeakMap<Connection, { frame: number; time: number }>();

  get connections(): readonly Connection[] {
    return this.all;
  }

  track(h: PacketHeader, d: Datagram): { connection: Connection; direction: Role } {
    const dcid = h.dcid.toString('hex');
    const scid = h.form === 'long' ? h.scid.toString('hex') : null;
    let conn = this.find(dcid, scid, d);
    // a short header to a CID we never saw issued (NEW_CONNECTION_ID still encrypted)
    // belongs to the connection already using its 4-tuple
    if (!conn && h.form === 'short') conn = this.byPath.get(pathKey(d)) ?? this.soleConnectionOfServer(d) ?? this.soleConnectionOfClient(d);
    if (!conn) conn = this.restartAfterVersionNegotiation(h, d) ?? this.open(h, d);
    this.byPath.set(pathKey(d), conn);
    const direction = this.directionOf(conn, dcid, d);
    this.learn(conn, h, direction, dcid, scid, d);
    conn.packets++;
    conn.lastTime = d.time;
    if (h.form === 'long' && h.type === 'version_negotiation' && direction === 'server') {
      conn.versionNegotiation = { frame: d.frame, time: d.time, versions: h.supportedVersions ?? [], packets: conn.packets };
      this.answeredWithVn.add(conn);
    }
    return { connection: conn, direction };
  }

  /**
   * A datagram that replays another connection's first flight (see zero-rtt-replay.ts): its
   * packets go to a connection of their own, marked as a replay of `original`. Its CIDs are
   * the original's, so they are not indexed: the original's later packets stay with it.
   */
  trackReplay(h: PacketHeader, d: Datagram, original: Connection): { connection: Connection; direction: Role } {
    let conn = this.replayOpen?.datagram === d ? this.replayOpen.connection : undefined;
    if (!conn) {
      conn = this.create({ version: h.version ?? null, client: d.src, server: d.dst, frame: d.frame, time: d.time, roleSource: 'first_initial' });
      conn.replayOf = original.id;
      this.replayOpen = { datagram: d, connection: conn };
    }
    const dcid = h.dcid.toString('hex');
    this.learn(conn, h, 'client', dcid, h.form === 'long' ? h.scid.toString('hex') : null, null);
    conn.packets++;
    conn.lastTime = d.time;
    return { connection: conn, direction: 'client' };
  }

  /**
   * A CID issued in a NEW_CONNECTION_ID frame by `issuer`: the peer will send to it, from
   * any path, and it names this connection (RFC 9000 §5.1.1).
   */
  addIssuedCid(conn: Connection, issuer: Role, cid: string, resetToken?: string): void {
    if (resetToken) conn.resetTokens[issuer].add(resetToken);
    (issuer === 'client' ? conn.clientCids : conn.serverCids).add(cid);
    if (conn.roleSource !== 'logged') this.byCid.set(cid, conn);
  }

  /**
   * The CID in the server's preferred_address transport parameter (RFC 9000 §18.2): the
   * client probes and then uses the preferred address under it, so it names this connection
   * like a CID from NEW_CONNECTION_ID, with sequence number 1 (§5.1.1). Returns the CID
   * the first time the server's parameters show one, so that the caller can teach the
   * short-header decoder its length; null otherwise.
   */
  learnPreferredAddressCid(conn: Connection): string | null {
    const pa = conn.tls.serverParameters?.preferred_address;
    if (!pa || this.preferredCidLearned.has(conn)) return null;
    this.preferredCidLearned.add(conn);
    if (pa.connection_id === '') return null;
    this.addIssuedCid(conn, 'server', pa.connection_id, pa.stateless_reset_token);
    return pa.connection_id;
  }

  private find(dcid: string, scid: string | null, d: Datagram): Connection | undefined {
    if (dcid !== '') {
      const c = this.byCid.get(dcid);
      if (c) return c;
    }
    if (scid) {
      const c = this.byCid.get(scid);
      if (c) return c;
    }
    // an empty DCID goes to a client that chose no CID; an empty SCID comes from one
    if (dcid === '') {
      const c = this.byClientEndpoint.get(formatEndpoint(d.dst));
      if (c) return c;
    }
    if (scid === '') return this.byClientEndpoint.get(formatEndpoint(d.src));
    return undefined;
  }

  /**
   * The heuristic for a short header with an unknown DCID on a new path (a migration whose
   * new CID came in an encrypted NEW_CONNECTION_ID): a new connection would start with a
   * long header (RFC 9000 §7), so the packet belongs to a connection of the server it goes
   * to or comes from, when that server has exactly one connection still alive.
   */
  private soleConnectionOfServer(d: Datagram): Connection | undefined {
    for (const endpoint of [d.dst, d.src]) {
      const live = [...(this.byServer.get(formatEndpoint(endpoint)) ?? [])].filter((c) => aliveAt(c, d.time));
      if (live.length === 1) return live[0];
    }
    return undefined;
  }

  /**
   * The heuristic for a short header with an unknown DCID between a live connection's client
   * address and a server address not seen before. Without keys the preferred_address
   * transport parameter (and its CID) is unreadable, and a server changes its address only
   * by moving to its preferred address (RFC 9000 §9.6); a new connection would begin with a
   * long header (§7). So the packet belongs to the connection of that client address, when
   * exactly one is alive. What the move was is then inferred, not proven (migrations say so).
   */
  private soleConnectionOfClient(d: Datagram): Connection | undefined {
    for (const endpoint of [d.src, d.dst]) {
      const live = [...(this.byClient.get(formatEndpoint(endpoint)) ?? [])].filter((c) => aliveAt(c, d.time));
      if (live.length === 1) return live[0];
    }
    return undefined;
  }

  /**
   * A client's new attempt after Version Negotiation (RFC 9000 §6.2): it abandons the first
   * and starts again, with new CIDs and often from a new port, in a version the server
   * offered. Nothing in the packets names the old attempt, so the join rests on what they do
   * show: a client Initial from the same client IP to the same server address, in one of
   * the versions the Version Negotiation listed (not the one it answered), within
   * RESTART_SECONDS of it, when the old attempt sent nothing after it. Exactly one such
   * attempt joins; with several, none does (they cannot be told apart).
   */
  private restartAfterVersionNegotiation(h: PacketHeader, d: Datagram): Connection | undefined {
    if (h.form !== 'long' || !(h.type === 'initial' || (h.type === 'unknown' && d.payload.length >= 1200))) return undefined;
    const candidates: Connection[] = [];
    for (const c of this.answeredWithVn) {
      const vn = c.versionNegotiation!;
      if (d.time - vn.time > RESTART_SECONDS) {
        this.answeredWithVn.delete(c);
        continue;
      }
      const sameEnds = c.client?.ip === d.src.ip && c.server !== null && sameEndpoint(c.server, d.dst);
      if (sameEnds && c.packets === vn.packets && d.time >= vn.time && vn.versions.includes(h.version) && h.version !== c.version) candidates.push(c);
    }
    if (candidates.length !== 1) return undefined;
    const conn = candidates[0]!;
    this.answeredWithVn.delete(conn);
    (conn.abandonedAttempts ??= []).push({
      firstFrame: this.attemptStart.get(conn)?.frame ?? conn.firstFrame,
      firstTime: this.attemptStart.get(conn)?.time ?? conn.firstTime,
      version: conn.version,
      client: conn.client,
      originalDcid: conn.originalDcid,
      versionNegotiationFrame: conn.versionNegotiation!.frame,
      offered: conn.versionNegotiation!.versions,
    });
    // the new attempt is a new handshake: its own Initial DCID, SCIDs and TLS
    this.attemptStart.set(conn, { frame: d.frame, time: d.time });
    conn.client = d.src;
    conn.originalDcid = null;
    conn.clientInitialScid = null;
    conn.serverInitialScid = null;
    conn.version = h.version;
    conn.tls = emptyTlsFacts();
    const clients = this.byClient.get(formatEndpoint(d.src)) ?? new Set<Connection>();
    this.byClient.set(formatEndpoint(d.src), clients.add(conn));
    return conn;
  }

  private open(h: PacketHeader, d: Datagram): Connection {
    const role = senderRoleOfFirstPacket(h, d);
    const conn = this.create({
      version: h.version ?? null,
      client: role === 'client' ? d.src : d.dst,
      server: role === 'client' ? d.dst : d.src,
      frame: d.frame,
      time: d.time,
      roleSource: h.type === 'initial' ? 'first_initial' : 'ports',
    });
    const key = formatEndpoint(conn.server!);
    const set = this.byServer.get(key) ?? new Set<Connection>();
    // keep only connections still within the idle window: the set stays small
    for (const c of set) if (d.time - c.lastTime > IDLE_SECONDS) set.delete(c);
    this.byServer.set(key, set.add(conn));
    const clientKey = formatEndpoint(conn.client!);
    const clients = this.byClient.get(clientKey) ?? new Set<Connection>();
    for (const c of clients) if (d.time - c.lastTime > IDLE_SECONDS) clients.delete(c);
    this.byClient.set(clientKey, clients.add(conn));
    return conn;
  }

  private directionOf(conn: Connection, dcid: string, d: Datagram): Role {
    // the server's address is stable but for a move to its preferred address; the client's may move
    if (conn.server && sameEndpoint(d.src, conn.server)) return 'server';
    if (conn.server && sameEndpoint(d.dst, conn.server)) return 'client';
    if (isPreferredAddress(conn, d.src)) return 'server';
    if (isPreferredAddress(conn, d.dst)) return 'client';
    if (conn.serverCids.has(dcid)) return 'client';
    if (conn.clientCids.has(dcid)) return 'server';
    return conn.client && sameEndpoint(d.src, conn.client) ? 'client' : 'server';
  }

  /**
   * A connection as an endpoint's log (qlog) shows it: one trace is one connection seen
   * from one side, so it is opened by the reader rather than found by CIDs, and its
   * addresses are known only if the log gives them.
   */
  openLogged(init: { frame: number; time: number; client: Endpoint | null; server: Endpoint | null }): Connection {
    return this.create({ ...init, version: null, roleSource: 'logged' });
  }

  /** a new connection, numbered in order of appearance, that no packet has been counted in yet */
  private create(init: { version: number | null; client: Endpoint | null; server: Endpoint | null; frame: number; time: number; roleSource: Connection['roleSource'] }): Connection {
    const conn: Connection = {
      id: this.all.length + 1,
      version: init.version,
      client: init.client,
      server: init.server,
      originalDcid: null,
      clientCids: new Set(),
      serverCids: new Set(),
      firstFrame: init.frame,
      firstTime: init.time,
      lastTime: init.time,
      packets: 0,
      roleSource: init.roleSource,
      clientInitialScid: null,
      serverInitialScid: null,
      retryScid: null,
      tls: emptyTlsFacts(),
      resetTokens: { client: new Set(), server: new Set() },
    };
    this.all.push(conn);
    return conn;
  }

  /**
   * A logged packet of a connection opened with openLogged: its CIDs and version, as for a
   * captured one. Many logs leave CIDs (and the version) out of packet headers: what the
   * log does not give stays unknown rather than empty.
   */
  trackLogged(conn: Connection, h: PacketHeader, from: Role, time: number, logged: { dcid: boolean; scid: boolean; version: boolean }): void {
    const version = conn.version;
    const dcid = logged.dcid ? h.dcid.toString('hex') : null;
    const scid = h.form === 'long' && logged.scid ? h.scid.toString('hex') : null;
    this.learn(conn, h, from, dcid, scid, null);
    if (!logged.version) conn.version = version;
    conn.packets++;
    conn.lastTime = time;

  }

  private learn(conn: Connection, h: PacketHeader, from: Role, dcid: string | null, scid: string | null, d: Datagram | null): void {
    if (h.form !== 'long') return;
    if (h.type === 'version_negotiation') return;
    if (from === 'client') conn.firstVersion ??= h.version;
    if (h.type !== 'unknown' && h.type !== 'retry') conn.version = h.version;
    if (h.type === 'retry' && scid !== null) conn.retryScid ??= scid;
    if (h.type === 'initial' && scid !== null) {
      if (from === 'client') conn.clientInitialScid ??= scid;
      else conn.serverInitialScid ??= scid;
    }
    if (conn.version === null) conn.version = h.version;
    const own = from === 'client' ? conn.clientCids : conn.serverCids;
    if (scid !== null) {
      own.add(scid);
      // a logged connection (no datagram) is not indexed: captured packets never join it
      if (scid === '' && from === 'client') {
        if (d) this.byClientEndpoint.set(formatEndpoint(d.src), conn);
      } else if (scid !== '' && d) this.byCid.set(scid, conn);
    }
    // a client's opening packet: an Initial, 0-RTT, or a version we cannot read (which draws
    // Version Negotiation)
    if (dcid !== null && from === 'client' && (h.type === 'initial' || h.type === '0RTT' || (h.type === 'unknown' && conn.originalDcid === null))) {
      // until the server answers, the client's DCID is the only name of the server side
      if (conn.originalDcid === null) conn.originalDcid = dcid;
      conn.serverCids.add(dcid);
      if (dcid !== '' && d) this.byCid.set(dcid, conn);
    }
  }
}

/**
 * Who sent the first packet of a connection. An Initial that opens a connection comes from
 * its client (RFC 9000 §7), and so does a long header of an unknown version padded to 1200
 * bytes; Version Negotiation and Retry only ever come from servers. For
 * anything else (a capture started mid-connection) the port heuristic applies: the
 * client's port is the higher, ephemeral one.
 */
export function senderRoleOfFirstPacket(h: PacketHeader, d: Datagram): Role {
  if (h.type === 'initial' || h.type === '0RTT') return 'client';
  if (h.type === 'version_negotiation' || h.type === 'retry') return 'server';
  // RFC 9000 §14.1: only a client's first datagram must be padded to 1200 bytes
  if (h.type === 'unknown' && d.payload.length >= 1200) return 'client';
  return d.src.port > d.dst.port ? 'client' : 'server';
}

/** how long a connection without packets still counts as alive: a generous idle timeout */
const IDLE_SECONDS = 60;

/** a client starts again as soon as it reads Version Negotiation; this allows a slow one */
const RESTART_SECONDS = 10;

function pathKey(d: Datagram): string {
  const a = formatEndpoint(d.src);
  const b = formatEndpoint(d.dst);
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.ip === b.ip;
}

/**
 * Whether a connection could own a packet sent at `time`: it had begun by then and had not
 * been idle for longer than any idle timeout. Inputs are read one after another, so a
 * connection of a later capture may already be known when an earlier one's packets come.
 */
function aliveAt(c: Connection, time: number): boolean {
  return c.firstTime <= time && time - c.lastTime <= IDLE_SECONDS;
}
