import { formatEndpoint } from '../../capture/types.js';
import { toHex } from '../../wire/hex.js';
import type { Connection, Role } from '../connection.js';
import type { DecryptResult, PacketRecord } from '../packet-record.js';

/** an ECN codepoint count per value: [Not-ECT, ECT(1), ECT(0), CE] (RFC 3168 §5) */
export type EcnCounts = [number, number, number, number];

/** The first server packet on a path the server had not sent on before (the runner's rebind rule). */
export interface ServerNewPath {
  frame: number;
  /** `server>client`, as formatEndpoint writes each */
  path: string;
  /** its datagram held a PATH_CHALLENGE; null when a packet of that datagram could not be read */
  challenge: boolean | null;
  unreadReason: Exclude<DecryptResult, true> | null;
}

/**
 * The per-packet facts the test cases need and no other analysis keeps: header fields the
 * runner reads (server Initial SCIDs, versions, Retry and Initial tokens), IP ECN marks,
 * ACK ECN counts, the server's first packet on each new path. Everything else a verdict
 * rests on comes from the analyses themselves (timeline, migrations, 0-RTT, streams,
 * amplification audit). Bounded per connection.
 */
export interface CaseEvidence {
  /** SCIDs of the server's Initial packets (hex), with the record of the first of each */
  serverInitialScids: Map<string, number>;
  /** the versions of each side's Initial and Handshake packets, with the first record of each */
  versions: Record<'clientInitial' | 'serverInitial' | 'clientHandshake' | 'serverHandshake', Map<number, number>>;
  /** the server's Retry packets (RFC 9000 §17.2.5): record, token (hex), integrity tag */
  retries: { frame: number; token: string; integrity: PacketRecord['retryIntegrity'] | null }[];
  /** the highest packet number of the client's Initials without a token; null when none was read */
  highestPnBeforeToken: number | null;
  /** the client's first Initial that carried a token (RFC 9000 §8.1.2 after a Retry) */
  tokenInitial: { frame: number; token: string; pn: number | null } | null;
  /** the ECN field of each side's datagrams, counted once per datagram */
  ecn: Record<Role, EcnCounts>;
  /** datagrams without an IP header to read the ECN field from (a qlog input) */
  ecnUnknown: Record<Role, number>;
  /** the first record where each side sent an ACK frame with ECN counts (type 0x03, RFC 9000 §19.3.2) */
  ackEcn: Record<Role, { frame: number; counts: [number, number, number] } | null>;
  /** why some of a side's packets could not be read, by `client 1RTT` etc. (the first reason) */
  unread: Map<string, Exclude<DecryptResult, true>>;
  /** the server's first packet on each path after its first one */
  serverNewPaths: ServerNewPath[];
  /** STREAM bytes the client sent on client-initiated bidirectional (request) streams in 1-RTT packets */
  clientRequestBytes1Rtt: number;
  /** CONNECTION_CLOSE frames read, first few */
  closes: { frame: number; by: Role; space: 'transport' | 'application'; code: string | number; raw: number }[];
}

/** bounds: a hostile capture cannot make these grow without end */
const MAX_RETRIES = 16;
const MAX_NEW_PATHS = 64;
const MAX_PATHS = 1024;
const MAX_CLOSES = 8;

interface PathWalk {
  last: string | null;
  seen: Set<string>;
}

function emptyEvidence(): CaseEvidence {
  return {
    serverInitialScids: new Map(),
    versions: { clientInitial: new Map(), serverInitial: new Map(), clientHandshake: new Map(), serverHandshake: new Map() },
    retries: [],
    highestPnBeforeToken: null,
    tokenInitial: null,
    ecn: { client: [0, 0, 0, 0], server: [0, 0, 0, 0] },
    ecnUnknown: { client: 0, server: 0 },
    ackEcn: { client: null, server: null },
    unread: new Map(),
    serverNewPaths: [],
    clientRequestBytes1Rtt: 0,
    closes: [],
  };
}

function firstOf(m: Map<number | string, number>, key: number | string, frame: number): void {
  if (!m.has(key) && m.size < MAX_PATHS) m.set(key, frame);
}

/** Gathers CaseEvidence per connection as packets pass. */
export class CaseEvidenceCollector {
  private readonly byConnection = new Map<Connection, CaseEvidence>();
  private readonly walks = new Map<Connection, PathWalk>();

  of(conn: Connection): CaseEvidence {
    return this.byConnection.get(conn) ?? emptyEvidence();
  }

  observe(p: PacketRecord): void {
    let e = this.byConnection.get(p.connection);
    if (!e) this.byConnection.set(p.connection, (e = emptyEvidence()));
    const h = p.header;
    const from = p.direction;
    if (p.decrypted !== true && p.decrypted !== 'not encrypted' && !e.unread.has(`${from} ${h.type}`)) e.unread.set(`${from} ${h.type}`, p.decrypted);
    if (h.form === 'long') {
      if (h.type === 'initial') {
        firstOf(from === 'client' ? e.versions.clientInitial : e.versions.serverInitial, h.version, p.frame);
        if (from === 'server') firstOf(e.serverInitialScids, toHex(h.scid), p.frame);
        else this.clientInitial(e, p, h.token);
      } else if (h.type === 'handshake') firstOf(from === 'client' ? e.versions.clientHandshake : e.versions.serverHandshake, h.version, p.frame);
      else if (h.type === 'retry' && from === 'server' && e.retries.length < MAX_RETRIES) {
        e.retries.push({ frame: p.frame, token: h.token ? toHex(h.token) : '', integrity: p.retryIntegrity ?? null });
      }
    }
    // one datagram, one IP header: its ECN field counts once, with the datagram's first packet
    if (h.offset === 0) {
      if (p.ecn === undefined) e.ecnUnknown[from]++;
      else {
        const counts = e.ecn[from];
        counts[p.ecn & 3] = (counts[p.ecn & 3] ?? 0) + 1;
      }
    }
    for (const f of p.frames) {
      if (f.type === 'ack' && f.ect0 !== undefined && e.ackEcn[from] === null) e.ackEcn[from] = { frame: p.frame, counts: [f.ect0, f.ect1 ?? 0, f.ce ?? 0] };
      // RFC 9000 §2.1: stream IDs ending in 0b00 are client-initiated and bidirectional
      if (f.type === 'stream' && from === 'client' && h.type === '1RTT' && f.stream_id % 4 === 0) e.clientRequestBytes1Rtt += f.length;
      if (f.type === 'connection_close' && e.closes.length < MAX_CLOSES) e.closes.push({ frame: p.frame, by: from, space: f.error_space, code: f.error_code, raw: f.raw_error_code });
    }
    if (from === 'server') this.serverPath(e, p);
  }

  /** RFC 9000 §17.2.5.3: the client's Initial after a Retry carries its token, and its packet numbers go on */
  private clientInitial(e: CaseEvidence, p: PacketRecord, token: Buffer | undefined): void {
    if (token === undefined || token.length === 0) {
      if (e.tokenInitial === null && p.pn !== null) e.highestPnBeforeToken = Math.max(e.highestPnBeforeToken ?? -1, p.pn);
      return;
    }
    e.tokenInitial ??= { frame: p.frame, token: toHex(token), pn: p.pn };
  }

  /** the server's packets in order: the first on each path it had not sent on is kept, with whether it challenged the path */
  private serverPath(e: CaseEvidence, p: PacketRecord): void {
    if (!p.src || !p.dst) return;
    let walk = this.walks.get(p.connection);
    if (!walk) this.walks.set(p.connection, (walk = { last: null, seen: new Set() }));
    const path = `${formatEndpoint(p.src)}>${formatEndpoint(p.dst)}`;
    const challenge = p.decrypted === true ? p.frames.some((f) => f.type === 'path_challenge') : null;
    const latest = e.serverNewPaths.at(-1);
    if (path === walk.last) {
      // a later packet of the same datagram (coalesced): the runner reads the datagram as one
      if (latest && latest.frame === p.frame && latest.path === path && latest.challenge !== true) {
        if (challenge === true) latest.challenge = true;
        else if (challenge === null) {
          latest.challenge = null;
          latest.unreadReason = p.decrypted as Exclude<DecryptResult, true>;
        }
      }
      return;
    }
    const isNew = walk.last !== null && !walk.seen.has(path);
    if (walk.seen.size < MAX_PATHS) walk.seen.add(path);
    walk.last = path;
    if (!isNew || e.serverNewPaths.length >= MAX_NEW_PATHS) return;
    e.serverNewPaths.push({ frame: p.frame, path, challenge, unreadReason: p.decrypted === true ? null : (p.decrypted as Exclude<DecryptResult, true>) });
  }
}
