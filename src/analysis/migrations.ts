import type { Endpoint } from '../capture/types.js';
import { formatEndpoint } from '../capture/types.js';
import { attemptOf, type Connection, type Role } from './connection.js';
import { unreadReason, type Evidence, type Fact, type Finding, type Unjudged } from './finding.js';
import type { DecryptResult, PacketRecord } from './packet-record.js';
import { isPreferredAddress, preferredAddresses } from './preferred-address.js';

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
  /** whose address changed: the client's, or the server's (a move to its preferred address, RFC 9000 §9.6) */
  side: Role;
  /** that side's address before and after, or `unlogged` when the input (a qlog) has none */
  from: string;
  to: string;
  /** that side's IP address changed, not only its port (a move between networks); null when the addresses are not known */
  addressChanged: boolean | null;
  /** a move to the server's preferred address: what the server offered, and what proves the move is to it */
  preferredAddress?: PreferredAddressMove;
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

/** A move to the server's preferred address (RFC 9000 §9.6) and what it rests on. */
export interface PreferredAddressMove {
  /**
   * `proven`: the new server address is the one in the server's preferred_address transport
   * parameter, read from its EncryptedExtensions. `inferred`: the parameters were not read,
   * but the server's address changed mid-connection under a DCID not used before, which
   * RFC 9000 §9.6 allows only as a move to a preferred address.
   */
  evidence: 'proven' | 'inferred';
  /** why it is only inferred; null when proven */
  reason: string | null;
  /** the addresses the server offered; null when its transport parameters are unknown */
  offered: string[] | null;
  /** the CID the server offered with it (hex); null when unknown */
  cid: string | null;
  /** the client's address before and after the move (it may move too); `unlogged` when the input has none */
  client: { from: string; to: string };
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
  /** the path leads to a new server address: a move to the preferred address, proven or inferred */
  serverMove: 'proven' | 'inferred' | null;
  /** UDP payload bytes each side sent on the path */
  bytes: { client: number; server: number };
  /** packets each side sent on the path, and the client's latest there */
  packets: { client: number; server: number };
  lastClient: { frame: number; time: number } | null;
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
  /** the connection attempt the paths belong to (a new one after Version Negotiation) */
  attempt: number;
  paths: Map<string, PathState>;
  /** the path in use on each leg, by the leg's server-side address */
  current: Map<string, string>;
  /** the path of the first packet: the first leg's server-side address and its moves */
  firstServer: string | null;
  challenges: (PathChallenge & { path: string })[];
  /** DCIDs the server sent to (a leg repeats them) */
  serverDcids: Set<string>;
  unmatchedResponses: { data: string; frame: number; by: Role }[];
  /** when the client saw HANDSHAKE_DONE: the handshake is confirmed (RFC 9001 §4.1.2) */
  confirmedAt: number | null;
  /** the server's first packet that could not be read: HANDSHAKE_DONE may hide in it or later */
  serverUnread: { time: number; reason: Exclude<DecryptResult, true> } | null;
  /** without addresses: the number of paths inferred so far, and what infers the next (made with the first packet without addresses) */
  unlogged?: {
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
    // a new attempt after Version Negotiation starts over, often from a new port: not a move
    if (!s || s.attempt !== attemptOf(p.connection)) {
      s = {
        attempt: attemptOf(p.connection),
        paths: new Map(),
        current: new Map(),
        firstServer: null,
        challenges: [],
        serverDcids: new Set(),
        unmatchedResponses: [],
        confirmedAt: null,
        serverUnread: null,
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
      const serverMove = s.current.has(serverKey) || !server ? null : this.serverMove(s, p, server);
      const previous = s.current.get(serverKey) ?? (serverMove ? (s.current.get(s.firstServer) ?? null) : null);
      path = {
        client,
        server,
        firstFrame: p.frame,
        firstTime: p.time,
        previous,
        clientDcids: new Set(),
        clientUsed: false,
        serverMove,
        bytes: { client: 0, server: 0 },
        packets: { client: 0, server: 0 },
        lastClient: null,
        unread: { client: null, server: null },
      };
      s.paths.set(key, path);
      if (!s.current.has(serverKey)) s.current.set(serverKey, key);
    }
    if (p.direction === 'client') path.clientDcids.add(p.header.dcid.toString('hex'));
    else s.serverDcids.add(p.header.dcid.toString('hex'));
    if (p.header.offset === 0) path.bytes[p.direction] += p.datagramBytes;
    path.packets[p.direction]++;
    if (p.direction === 'client') path.lastClient = { frame: p.frame, time: p.time };
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
    const u = (s.unlogged ??= { current: 0, probed: null, paths: 0, lastProbe: null, clientDcids: new Set() });
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

  /**
   * A server address not seen before in this connection: a move to the preferred address
   * when it is the one the server's transport parameters offered (proven). Without them (no
   * keys) it is inferred when the first packet there is a short header under a DCID no other
   * path carried: a second leg of a capture on a proxy starts with the long headers of the
   * handshake, or repeats the other leg's CIDs. Otherwise a leg.
   */
  private serverMove(s: ConnectionPaths, p: PacketRecord, server: Endpoint): 'proven' | 'inferred' | null {
    const offered = isPreferredAddress(p.connection, server);
    if (offered !== null) return offered ? 'proven' : null;
    if (p.header.form !== 'short' || s.paths.size === 0) return null;
    const dcid = p.header.dcid.toString('hex');
    const seen = [...s.paths.values()].some((x) => x.clientDcids.has(dcid)) || s.serverDcids.has(dcid);
    return seen ? null : 'inferred';
  }

  /** the client's latest packet to a server address, on any of its paths there */
  private lastClientTo(s: ConnectionPaths, server: Endpoint | null): { frame: number; time: number } | null {
    if (!server) return null;
    const at = formatEndpoint(server);
    let last: { frame: number; time: number } | null = null;
    for (const x of s.paths.values()) {
      if (x.server && formatEndpoint(x.server) === at && x.lastClient && (!last || x.lastClient.time > last.time)) last = x.lastClient;
    }
    return last;
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
      const offered = preferredAddresses(conn);
      // a log without addresses: the client's first probe after the server offered a
      // preferred address is most likely the move to it (RFC 9000 §9.6), but only that
      const unloggedMove = path.server === null && old.previous === null && onPath.some((c) => c.by === 'client') && offered !== null && offered.length > 0;
      const toServer = unloggedMove || (path.serverMove !== null && path.server !== null && old.server !== null && formatEndpoint(path.server) !== formatEndpoint(old.server));
      const evidence = unloggedMove ? 'inferred' : path.serverMove;
      const reason = unloggedMove
        ? `the log has no addresses: the server offered ${offered.map(formatEndpoint).join(' and ')} as its preferred address, and this is the client's first probe of a new path`
        : "the server's transport parameters are encrypted (no key log for this connection); a server changes its address only to move to its preferred address (RFC 9000 §9.6)";
      const answered = onPath.find((c) => c.response);
      const firstChallenge = answered ?? onPath[0];
      const side: Role = toServer ? 'server' : 'client';
      const before = side === 'server' ? old.server : old.client;
      const after = side === 'server' ? path.server : path.client;
      const clientMove = { from: old.client ? formatEndpoint(old.client) : UNLOGGED, to: path.client ? formatEndpoint(path.client) : UNLOGGED };
      // a log without DCIDs (the empty string stands for them) cannot tell
      const newDcid = path.clientDcids.has('') || old.clientDcids.has('') ? null : [...path.clientDcids].every((d) => !old.clientDcids.has(d));
      const { validated, kind } = toServer
        ? judgePreferredPath(path, onPath, this.lastClientTo(s, old.server), evidence === 'proven' ? null : reason)
        : judgePath(path, onPath, newDcid);
      out.push({
        time: path.firstTime,
        frame: path.firstFrame,
        kind: kind.value,
        side,
        from: before ? formatEndpoint(before) : UNLOGGED,
        to: after ? formatEndpoint(after) : UNLOGGED,
        addressChanged: before && after ? before.ip !== after.ip : null,
        ...(toServer
          ? {
              preferredAddress: {
                evidence: evidence ?? 'inferred',
                reason: evidence === 'proven' ? null : reason,
                offered: offered ? offered.map(formatEndpoint) : null,
                cid: conn.tls.serverParameters?.preferred_address?.connection_id ?? null,
                client: clientMove,
              },
            }
          : {}),
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
        const moved = m.side === 'server' ? `the client moved to the server's preferred address ${m.to}` : `the client's path changed to ${m.to}`;
        say('error', 'migration_during_handshake', m.frame, `${moved} before the handshake was confirmed (RFC 9000 §9, §9.6.1)`, [m.facts.kind]);
      }
      if (m.validated === false && m.kind !== null && m.kind !== 'probe_only') {
        say('warning', 'path_not_validated', m.frame, `no PATH_RESPONSE validated the new path ${m.side === 'server' ? `to the server's address ${m.to}` : m.to} (RFC 9000 §8.2)`, [m.facts.kind, m.facts.validated]);
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
function judgePath(path: PathState, onPath: PathChallenge[], newDcid: boolean | null): { validated: Judged<boolean>; kind: Judged<MigrationKind> } {
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
  if (path.clientUsed) {
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

/**
 * A move to the server's preferred address (RFC 9000 §9.6). The kind is proven when the new
 * server address is the one its transport parameters offered, else inferred (`inferredWhy`).
 * Validation: a PATH_RESPONSE read proves it; every packet on the path read without one
 * proves its absence. Where the path's packets are encrypted, the headers still show the
 * client's traffic: if it went on to the preferred address after its last packet to the old
 * one, and the server answered from there, the client had moved, which it does once the
 * path is validated (§9.6.1: it validates the new address before it sends non-probing
 * packets there). The other reading, a client that moved without validating, breaks that
 * rule and is the less likely. Otherwise validation is unknown.
 */
function judgePreferredPath(
  path: PathState,
  onPath: PathChallenge[],
  lastToOld: { frame: number; time: number } | null,
  inferredWhy: string | null,
): { validated: Judged<boolean>; kind: Judged<MigrationKind> } {
  const kind: Judged<MigrationKind> = {
    value: 'preferred_address',
    fact: inferredWhy === null ? { evidence: 'proven', reason: "the server's address became the preferred_address it offered" } : { evidence: 'inferred', reason: inferredWhy },
  };
  const answered = onPath.find((c) => c.response);
  const hidden = path.unread.client ?? path.unread.server;
  if (answered) return { kind, validated: { value: true, fact: { evidence: 'proven', reason: `PATH_RESPONSE (frame ${answered.response!.frame}) to the ${answered.by}'s PATH_CHALLENGE (frame ${answered.frame})` } } };
  if (hidden === null) return { kind, validated: { value: false, fact: { evidence: 'proven', reason: 'no PATH_RESPONSE on this path answered a PATH_CHALLENGE' } } };
  const moved = path.lastClient !== null && (lastToOld === null || path.lastClient.time > lastToOld.time) && path.packets.client >= 2 && path.packets.server >= 1;
  if (moved) {
    const since = lastToOld ? `; its last packet to the old address was frame ${lastToOld.frame}` : '';
    return {
      kind,
      validated: {
        value: true,
        fact: {
          evidence: 'inferred',
          reason:
            `the client sent its traffic to the preferred address (${path.packets.client} packets, the last frame ${path.lastClient!.frame}${since}) and the server answered from it (${path.packets.server} packets): ` +
            `a client moves there once it has validated the path (RFC 9000 §9.6.1), or moved without validating, which breaks that rule and is less likely; ` +
            `PATH_CHALLENGE and PATH_RESPONSE would be in packets not read (${unreadReason(hidden)})`,
        },
      },
    };
  }
  return { kind, validated: { value: null, fact: { evidence: 'unknown', reason: `PATH_CHALLENGE and PATH_RESPONSE would be in packets not read (${unreadReason(hidden)}), and the client did not move its traffic there in the capture` } } };
}

/** a path the client used, whose own probe could not be read: active or NAT rebinding by its DCID */
function dcidKind(newDcid: boolean | null, used: string, unread: Exclude<DecryptResult, true>): Judged<MigrationKind> {
  if (newDcid === null) return { value: null, fact: { evidence: 'unknown', reason: `whether the client probed the path first (${unreadReason(unread)}); the input gives no DCIDs to tell by` } };
  return newDcid
    ? { value: 'active', fact: { evidence: 'inferred', reason: `${used}; the client took a new connection ID, as one moving on purpose does (RFC 9000 §9.5), where a NAT rebinding keeps the old` } }
    : { value: 'nat_rebinding', fact: { evidence: 'inferred', reason: `${used}; the client kept its connection ID, as after a NAT rebinding, where one moving on purpose takes a new one (RFC 9000 §9.5)` } };
}
