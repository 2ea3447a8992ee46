import type { Endpoint } from '../capture/types.js';
import { ipBytes } from '../capture/ip-address.js';
import { formatEndpoint } from '../capture/types.js';
import type { Connection, Role } from './connection.js';
import { unreadReason, type Evidence, type Fact, type Finding, type Unjudged } from './finding.js';
import type { DecryptResult, PacketRecord } from './packet-record.js';

/** design.md's migration kinds (RFC 9000 §9) */
export type MigrationKind = 'active' | 'nat_rebinding' | 'preferred_address' | 'probe_only';

export interface PathChallenge {
  data: string;
  by: Role;
  frame: number;
  time: number;
  /** the matching PATH_RESPONSE, if one came */
  response?: { frame: number; time: number };
}

/** One path change of a connection, as design.md's `migrations[]`. */
export interface Migration {
  time: number;
  frame: number;
  /** null when the packets that would tell are encrypted (facts.kind says why) */
  kind: MigrationKind | null;
  /** the client's address before and after, or `unlogged` when the input (a qlog) has none */
  from: string;
  to: string;
  /** the client's IP address changed, not only its port (a move between networks); null when the addresses are not known */
  addressChanged: boolean | null;
  /** the first PATH_CHALLENGE on the new path and its PATH_RESPONSE (hex data) */
  challenge: string | null;
  response: string | null;
  /** a PATH_RESPONSE answered a PATH_CHALLENGE on the path; null when unknown (facts.validated says why) */
  validated: boolean | null;
  validationMs: number | null;
  /** the client used DCIDs on the new path it never used on the old one (RFC 9000 §9.5); null when the input does not give DCIDs */
  newDcid: boolean | null;
  challenges: PathChallenge[];
  /** where kind and validated come from: proven by frames read, inferred from the headers, or unknown */
  facts: { kind: Fact; validated: Fact };
}

/** probes further apart than this belong to different moves (a qlog without addresses) */
const PROBE_GAP_SECONDS = 3;

/** RFC 9000 §9.1: probing frames; any other frame on a path means the sender uses it */
const PROBING = new Set(['path_challenge', 'path_response', 'new_connection_id', 'padding']);

/** what a qlog without addresses writes where an address would be */
export const UNLOGGED = 'unlogged';

interface PathState {
  /** null when the input does not say (a qlog without addresses) */
  client: Endpoint | null;
  server: Endpoint | null;
  firstFrame: number;
  firstTime: number;
  /** the path in use when this one first appeared */
  previous: string | null;
  clientDcids: Set<string>;
  clientUsed: boolean;
  /** UDP payload bytes each side sent on the path */
  bytes: { client: number; server: number };
  /** why some of each side's packets on the path could not be read, if any could not */
  unread: { client: Exclude<DecryptResult, true> | null; server: Exclude<DecryptResult, true> | null };
}

/**
 * One leg of a connection as a capture point sees it. A capture on a proxy or load balancer
 * sees every packet twice, client to balancer and balancer to backend, with the same
 * connection IDs: two legs, each with its own server-side address. Migrations are judged
 * within a leg.
 */
export interface Leg {
  /** the server-side address of the leg (the balancer's, or the backend's) */
  server: string;
  /** the client-side address the leg started with */
  client: string;
  firstFrame: number;
}

interface ConnectionPaths {
  paths: Map<string, PathState>;
  /** the path in use on each leg, by the leg's server-side address */
  current: Map<string, string>;
  /** the path of the first packet: the first leg's server-side address and its moves */
  firstServer: string | null;
  challenges: (PathChallenge & { path: string })[];
  unmatchedResponses: { data: string; frame: number; by: Role }[];
  /** when the client saw HANDSHAKE_DONE: the handshake is confirmed (RFC 9001 §4.1.2) */
  confirmedAt: number | null;
  /** the server's first packet that could not be read: HANDSHAKE_DONE may hide in it or later */
  serverUnread: { time: number; reason: Exclude<DecryptResult, true> } | null;
  /** without addresses: the number of paths inferred so far, and what infers the next */
  unlogged: {
    /** the inferred path packets use, and the one being probed, if any */
    current: number;
    probed: number | null;
    paths: number;
    lastProbe: number | null;
    clientDcids: Set<string>;
  };
}

/**
 * Follows the paths (client and server address and port) each connection uses, the
 * PATH_CHALLENGE / PATH_RESPONSE exchanges on them (matched by their data), and turns each
 * new path into a Migration with its kind and verdict.
 */
export class MigrationTracker {
  private readonly byConnection = new Map<Connection, ConnectionPaths>();

  observe(p: PacketRecord): void {
    if (p.header.form === 'long' && p.header.type === 'version_negotiation') return;
    let s = this.byConnection.get(p.connection);
    if (!s) {
      s = {
        paths: new Map(),
        current: new Map(),
        firstServer: null,
        challenges: [],
        unmatchedResponses: [],
        confirmedAt: null,
        serverUnread: null,
        unlogged: { current: 0, probed: null, paths: 0, lastProbe: null, clientDcids: new Set() },
      };
      this.byConnection.set(p.connection, s);
    }
    const client = p.direction === 'client' ? p.src : p.dst;
    const server = p.direction === 'client' ? p.dst : p.src;
    const serverKey = server ? formatEndpoint(server) : UNLOGGED;
    const key = client && server ? `${formatEndpoint(client)} ${serverKey}` : this.unloggedPathKey(s, p);
    let path = s.paths.get(key);
    if (!path) {
      s.firstServer ??= serverKey;
      // a move within a leg comes from that leg's current path; a move to the server's
      // preferred address comes from the first leg's; any other new server side is a leg
      const previous = s.current.get(serverKey) ?? (server && this.isPreferredAddress(p.connection, server) ? (s.current.get(s.firstServer) ?? null) : null);
      path = { client, server, firstFrame: p.frame, firstTime: p.time, previous, clientDcids: new Set(), clientUsed: false, bytes: { client: 0, server: 0 }, unread: { client: null, server: null } };
      s.paths.set(key, path);
      if (!s.current.has(serverKey)) s.current.set(serverKey, key);
    }
    if (p.direction === 'client') path.clientDcids.add(p.header.dcid.toString('hex'));
    if (p.header.offset === 0) path.bytes[p.direction] += p.datagramBytes;
    if (p.decrypted !== true && p.decrypted !== 'not encrypted') {
      path.unread[p.direction] ??= p.decrypted;
      if (p.direction === 'server') s.serverUnread ??= { time: p.time, reason: p.decrypted };
    }
    for (const f of p.frames) {
      if (f.type === 'path_challenge') s.challenges.push({ data: f.data, by: p.direction, frame: p.frame, time: p.time, path: key });
      else if (f.type === 'path_response') {
        const c = s.challenges.find((x) => x.data === f.data && x.by !== p.direction && !x.response);
        if (c) c.response = { frame: p.frame, time: p.time };
        else s.unmatchedResponses.push({ data: f.data, frame: p.frame, by: p.direction });
      } else if (f.type === 'handshake_done' && p.direction === 'server') s.confirmedAt ??= p.time;
    }
    // the client moves when it sends anything but probing frames on a path (RFC 9000 §9.2)
    if (p.direction === 'client' && p.frames.some((f) => !PROBING.has(f.type))) {
      path.clientUsed = true;
      s.current.set(serverKey, key);
    }
  }

  /**
   * A path for a packet whose addresses the input does not give (a qlog). A new path shows
   * only through PATH_CHALLENGE (RFC 9000 §8.2, §9): the client's under a DCID it has not
   * used before (an active migration, §9.5), or the first challenge after a quiet spell,
   * from either side (the server's, after it saw the client's address change). Only the
   * probes travel on that path until a sign that the client uses it: its PATH_RESPONSE
   * validated it, or the client sends other frames under a new DCID. An unanswered probe
   * stays a probe, since without addresses a move cannot be told from it.
   */
  private unloggedPathKey(s: ConnectionPaths, p: PacketRecord): string {
    const u = s.unlogged;
    const keyOf = (n: number) => `${UNLOGGED} path ${n}`;
    const dcid = p.header.dcid.toString('hex');
    const freshDcid = p.direction === 'client' && dcid !== '' && u.clientDcids.size > 0 && !u.clientDcids.has(dcid);
    const probe = p.frames.some((f) => f.type === 'path_challenge' || f.type === 'path_response');
    if (p.frames.some((f) => f.type === 'path_challenge')) {
      const quiet = u.lastProbe === null || p.time - u.lastProbe > PROBE_GAP_SECONDS;
      if (freshDcid || quiet) u.probed = ++u.paths;
    }
    if (probe) u.lastProbe = p.time;
    if (p.direction === 'client') u.clientDcids.add(dcid);
    if (u.probed === null) return keyOf(u.current);
    const probedKey = keyOf(u.probed);
    const validates = p.frames.some((f) => f.type === 'path_response' && s.challenges.some((c) => c.path === probedKey && c.data === f.data && c.by !== p.direction));
    const moves = p.direction === 'client' && freshDcid && p.frames.some((f) => !PROBING.has(f.type));
    if (validates || moves) {
      u.current = u.probed;
      u.probed = null;
      return probedKey;
    }
    return probe ? probedKey : keyOf(u.current);
  }

  private isPreferredAddress(c: Connection, server: Endpoint): boolean {
    const pa = c.tls.serverParameters?.preferred_address;
    if (!pa) return false;
    const same = (a: string, b: string) => {
      const x = ipBytes(a);
      const y = ipBytes(b);
      return x !== undefined && y !== undefined && x.equals(y);
    };
    return (same(server.ip, pa.ip_v4) && server.port === pa.port_v4) || (same(server.ip, pa.ip_v6) && server.port === pa.port_v6);
  }

  /** the legs the capture point saw: one unless it sits on a proxy or balancer */
  legs(conn: Connection): Leg[] {
    const s = this.byConnection.get(conn);
    if (!s) return [];
    const legs: Leg[] = [];
    for (const path of s.paths.values()) {
      const server = path.server ? formatEndpoint(path.server) : UNLOGGED;
      const moved = path.previous !== null;
      if (!moved && !legs.some((l) => l.server === server)) legs.push({ server, client: path.client ? formatEndpoint(path.client) : UNLOGGED, firstFrame: path.firstFrame });
    }
    return legs;
  }

  migrations(conn: Connection): Migration[] {
    const s = this.byConnection.get(conn);
    if (!s) return [];
    const out: Migration[] = [];
    for (const [key, path] of s.paths) {
      if (path.previous === null) continue;
      const old = s.paths.get(path.previous)!;
      const onPath = s.challenges.filter((c) => c.path === key);
      const toPreferred = path.server !== null && old.server !== null && formatEndpoint(path.server) !== formatEndpoint(old.server) && this.isPreferredAddress(conn, path.server);
      const answered = onPath.find((c) => c.response);
      const firstChallenge = answered ?? onPath[0];
      // a log without DCIDs (the empty string stands for them) cannot tell
      const newDcid = path.clientDcids.has('') || old.clientDcids.has('') ? null : [...path.clientDcids].every((d) => !old.clientDcids.has(d));
      const { validated, kind } = judgePath(path, onPath, toPreferred, newDcid);
      out.push({
        time: path.firstTime,
        frame: path.firstFrame,
        kind: kind.value,
        from: old.client ? formatEndpoint(old.client) : UNLOGGED,
        to: path.client ? formatEndpoint(path.client) : UNLOGGED,
        addressChanged: old.client && path.client ? old.client.ip !== path.client.ip : null,
        challenge: firstChallenge?.data ?? null,
        response: answered ? answered.data : null,
        validated: validated.value,
        validationMs: answered ? Math.round((answered.response!.time - answered.time) * 1e6) / 1e3 : null,
        newDcid,
        challenges: onPath.map(({ path: _path, ...c }) => c),
        facts: { kind: kind.fact, validated: validated.fact },
      });
    }
    return out;
  }

  /** Verdicts on the migrations (RFC 9000 §9), as findings. */
  audit(conn: Connection): Finding[] {
    const s = this.byConnection.get(conn);
    if (!s) return [];
    const out: Finding[] = [];
    // a finding rests on the weakest fact it uses: inferred if any of them is
    const say = (severity: Finding['severity'], code: string, frame: number, message: string, facts: Fact[] = []) => {
      const inferred = facts.filter((f) => f.evidence !== 'proven');
      const evidence: Evidence = inferred.length ? 'inferred' : 'proven';
      out.push({ severity, code, connection: conn.id, frame, message, evidence, ...(inferred.length ? { reason: inferred.map((f) => f.reason).join('; ') } : {}) });
    };
    for (const m of this.migrations(conn)) {
      if (m.kind === 'active' && m.newDcid === false) {
        say('warning', 'migration_linkable', m.frame, `the client moved from ${m.from} to ${m.to} with a connection ID it had used before, so an observer can link the two paths (RFC 9000 §9.5)`, [m.facts.kind]);
      }
      if (m.kind === 'active' && conn.tls.serverParameters?.disable_active_migration) {
        say('error', 'migration_forbidden', m.frame, `the client migrated to ${m.to} although the server sent disable_active_migration (RFC 9000 §9)`, [m.facts.kind]);
      }
      // unconfirmed at the move: proven by HANDSHAKE_DONE read after it, or by every server packet before it read without one
      const unconfirmed = s.confirmedAt !== null ? m.time < s.confirmedAt : s.serverUnread === null || s.serverUnread.time > m.time;
      if (m.kind !== null && m.kind !== 'probe_only' && unconfirmed) {
        say('error', 'migration_during_handshake', m.frame, `the client's path changed to ${m.to} before the handshake was confirmed (RFC 9000 §9)`, [m.facts.kind]);
      }
      if (m.validated === false && m.kind !== null && m.kind !== 'probe_only') {
        say('warning', 'path_not_validated', m.frame, `no PATH_RESPONSE validated the new path ${m.to} (RFC 9000 §8.2)`, [m.facts.kind, m.facts.validated]);
      }
    }
    for (const r of s.unmatchedResponses) {
      say('info', 'path_response_unmatched', r.frame, `a PATH_RESPONSE (${r.data}) from the ${r.by} matches no PATH_CHALLENGE seen in the capture`);
    }
    return out;
  }

  /** The checks of audit() that could not be made on a migration, with why: what stays unknown is said, not skipped in silence. */
  unjudged(conn: Connection): Unjudged[] {
    const s = this.byConnection.get(conn);
    if (!s) return [];
    const out: Unjudged[] = [];
    const cannot = (code: string, frame: number, reason: string) => out.push({ code, connection: conn.id, frame, reason });
    for (const m of this.migrations(conn)) {
      if (m.kind === 'probe_only') continue;
      if (m.kind === null) {
        for (const code of ['migration_during_handshake', 'path_not_validated']) cannot(code, m.frame, `the kind of move is unknown: ${m.facts.kind.reason}`);
        continue;
      }
      const hidden = s.confirmedAt === null && s.serverUnread !== null && s.serverUnread.time <= m.time ? s.serverUnread.reason : null;
      if (hidden) cannot('migration_during_handshake', m.frame, `HANDSHAKE_DONE would be in server packets not read (${unreadReason(hidden)})`);
      if (m.validated === null) cannot('path_not_validated', m.frame, m.facts.validated.reason);
      if (m.kind === 'active' && !conn.tls.serverParameters && s.serverUnread !== null) {
        cannot('migration_forbidden', m.frame, `the server's transport parameters (disable_active_migration) are in packets not read (${unreadReason(s.serverUnread.reason)})`);
      }
    }
    return out;
  }
}

type Judged<T> = { value: T | null; fact: Fact };

/**
 * A new path's verdict from what could be read of it. Frames read prove: PATH_RESPONSE
 * validation (RFC 9000 §8.2), use by non-probing frames (§9.1), the client's own probe
 * (active, §9.2). Where the path's packets are encrypted, the headers still count bytes:
 * a server that sent more than three times what it received on the path had validated it
 * (§8.1, §9.3) and had moved there, which it does only for a client that sent non-probing
 * packets on it (§9.3); the other reading, a server that broke its anti-amplification
 * limit, is the less likely, since every server has to enforce it. The kind then follows
 * from the DCID: a client that moves on purpose takes a new connection ID (§9.5), a NAT
 * rebinding keeps the old one, the client not knowing it moved.
 */
function judgePath(path: PathState, onPath: PathChallenge[], toPreferred: boolean, newDcid: boolean | null): { validated: Judged<boolean>; kind: Judged<MigrationKind> } {
  const answered = onPath.find((c) => c.response);
  const hidden = path.unread.client ?? path.unread.server;
  const grew = path.bytes.server > 3 * path.bytes.client;
  const growth = `the server sent ${path.bytes.server} bytes on this path, over 3× the ${path.bytes.client} it received there`;
  let validated: Judged<boolean>;
  if (answered) validated = { value: true, fact: { evidence: 'proven', reason: `PATH_RESPONSE (frame ${answered.response!.frame}) to the ${answered.by}'s PATH_CHALLENGE (frame ${answered.frame})` } };
  else if (hidden === null) validated = { value: false, fact: { evidence: 'proven', reason: 'no PATH_RESPONSE on this path answered a PATH_CHALLENGE' } };
  else if (grew)
    validated = {
      value: true,
      fact: { evidence: 'inferred', reason: `${growth}: it had validated the path (RFC 9000 §8.1), or broke its anti-amplification limit, which is less likely: every server must enforce it` },
    };
  else validated = { value: null, fact: { evidence: 'unknown', reason: `PATH_CHALLENGE and PATH_RESPONSE would be in packets not read (${unreadReason(hidden)})` } };

  const clientProbed = onPath.some((c) => c.by === 'client');
  let kind: Judged<MigrationKind>;
  if (toPreferred) kind = { value: 'preferred_address', fact: { evidence: 'proven', reason: "the server's address became the preferred_address it offered" } };
  else if (path.clientUsed) {
    kind = clientProbed
      ? { value: 'active', fact: { evidence: 'proven', reason: "the client probed the path (PATH_CHALLENGE), then sent non-probing frames on it" } }
      : path.unread.client === null
        ? { value: 'nat_rebinding', fact: { evidence: 'proven', reason: 'the client sent non-probing frames on the path without probing it' } }
        : dcidKind(newDcid, 'the client sent non-probing frames on the path', path.unread.client);
  } else if (path.unread.client === null) kind = { value: 'probe_only', fact: { evidence: 'proven', reason: 'the client sent only probing frames on the path (RFC 9000 §9.1)' } };
  else if (grew) kind = dcidKind(newDcid, `${growth}: it moved here, which it does only after a non-probing packet from the client (RFC 9000 §9.3)`, path.unread.client);
  else kind = { value: null, fact: { evidence: 'unknown', reason: `whether the client's packets on the path carried more than probes (${unreadReason(path.unread.client)})` } };
  return { validated, kind };
}

/** a path the client used, whose own probe could not be read: active or NAT rebinding by its DCID */
function dcidKind(newDcid: boolean | null, used: string, unread: Exclude<DecryptResult, true>): Judged<MigrationKind> {
  if (newDcid === null) return { value: null, fact: { evidence: 'unknown', reason: `whether the client probed the path first (${unreadReason(unread)}); the input gives no DCIDs to tell by` } };
  return newDcid
    ? { value: 'active', fact: { evidence: 'inferred', reason: `${used}; the client took a new connection ID, as one moving on purpose does (RFC 9000 §9.5), where a NAT rebinding keeps the old` } }
    : { value: 'nat_rebinding', fact: { evidence: 'inferred', reason: `${used}; the client kept its connection ID, as after a NAT rebinding, where one moving on purpose takes a new one (RFC 9000 §9.5)` } };
}
