import type { Connection } from '../analysis/connection.js';
import type { Finding } from '../analysis/finding.js';
import { nearestRank } from './percentile.js';
import { connectionToJson, unknownTls, type AnalysisView, type ConnectionJson } from './summary.js';

/** what `summary --by` groups connections by */
export const GROUP_BY = ['sni', 'alpn', 'version', 'ja4', 'server'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/**
 * A group's key. `value`: the packets (or log) say it; `none`: what would carry it was read
 * and has none (a ClientHello without server_name); `unknown`: what would carry it was not
 * read, so the connection is in no value's group; `other`: the groups `--top` folded together.
 */
export type KeyState = 'value' | 'none' | 'unknown' | 'other';

/** a fact of one connection the group counts as unknown, and why (from the connection's own facts) */
export interface UnknownFact {
  field: 'key' | 'handshakeMs' | 'roundTrips' | 'zeroRttAttempted' | 'zeroRttAccepted' | 'migrationValidated';
  connection: number;
  /** the migration's frame, for `migrationValidated` */
  frame?: number;
  reason: string;
}

export interface FleetGroup {
  key: string | null;
  keyState: KeyState;
  /** for `other`: how many groups were folded into it */
  groups?: number;
  connections: number;
  /** the connections' numbers, as `summary` and `packets` number them */
  ids: number[];
  handshakeMs: {
    /** handshakes whose time (client Initial to client Finished) was read */
    measured: number;
    p50: number | null;
    p90: number | null;
    p99: number | null;
    /** connections whose handshake did not complete in the capture: no time to count */
    notComplete: number;
    /** completed or maybe completed, time not known */
    unknown: number;
  };
  /** round trips before the client could send 1-RTT data: how many connections took each count */
  roundTrips: { counts: Record<string, number>; notComplete: number; unknown: number };
  zeroRtt: { attempted: number; accepted: number; rejected: number; acceptedUnknown: number; attemptedUnknown: number };
  migrations: { total: number; validated: number; notValidated: number; unknown: number };
  /** findings by code: the highest severity seen, how many, how many of them only inferred */
  findings: Record<string, { severity: Finding['severity']; count: number; inferred: number }>;
  /** checks not made for want of facts, by the finding code they would give: a missing finding here is not a clean bill */
  unjudged: Record<string, number>;
  /** every fact counted as unknown above, with its connection and reason */
  unknown: UnknownFact[];
}

export interface FleetSummary {
  by: GroupBy;
  top: number | null;
  percentile: 'nearest-rank';
  groups: FleetGroup[];
}

/** one connection as the fleet summary reads it: its summary JSON and the facts behind it */
interface Member {
  json: ConnectionJson;
  conn: Connection;
}

interface Key {
  key: string | null;
  state: Exclude<KeyState, 'other'>;
  reason?: string;
}

/**
 * `summary --by`: the connections grouped by one of their values, each group's handshake
 * times, round trips, 0-RTT, migrations and findings. Built from the per-connection summary
 * JSON; a fact that JSON gives as unknown is counted as unknown here, never as no or zero.
 */
export function fleetSummary(v: AnalysisView, by: GroupBy, top?: number): FleetSummary {
  const byKey = new Map<string, { key: Key; members: Member[] }>();
  for (const conn of v.connections) {
    const json = connectionToJson(v, conn);
    const key = groupKey(v, conn, json, by);
    const id = `${key.state}\u0000${key.key ?? ''}`;
    const g = byKey.get(id) ?? { key, members: [] };
    g.members.push({ json, conn });
    byKey.set(id, g);
  }
  const sorted = [...byKey.values()].sort((a, b) => b.members.length - a.members.length || keyOrder(a.key, b.key));
  const shown = top === undefined ? sorted : sorted.slice(0, top);
  const folded = top === undefined ? [] : sorted.slice(top);
  const groups = shown.map((g) => groupStats(v, g.key, g.members));
  if (folded.length > 0) {
    const other = groupStats(v, { key: null, state: 'value' }, folded.flatMap((g) => g.members));
    groups.push({ ...other, keyState: 'other', groups: folded.length, unknown: [...folded.flatMap((g) => keyUnknowns(g.key, g.members)), ...other.unknown] });
  }
  return { by, top: top ?? null, percentile: 'nearest-rank', groups };
}

/** values first (alphabetical), then `none`, then `unknown`: a stable order among equal counts */
function keyOrder(a: Key, b: Key): number {
  const rank = { value: 0, none: 1, unknown: 2 };
  return rank[a.state] - rank[b.state] || compareText(a.key ?? '', b.key ?? '');
}

/** the connection's value for `by`, or why it has none */
function groupKey(v: AnalysisView, conn: Connection, json: ConnectionJson, by: GroupBy): Key {
  const tlsUnknown = () => (conn.log ? 'the endpoint log does not record the TLS handshake' : (unknownTls(v, conn)?.why ?? 'no TLS message in the capture says'));
  switch (by) {
    case 'sni':
      if (json.sni !== null) return { key: json.sni, state: 'value' };
      // a ClientHello read without server_name has none; one not read leaves it unknown
      return conn.tls.clientHello || conn.tls.gquicHello ? { key: null, state: 'none' } : { key: null, state: 'unknown', reason: `no ClientHello read: ${tlsUnknown()}` };
    case 'alpn':
      if (json.alpn !== null) return { key: json.alpn, state: 'value' };
      return conn.tls.encryptedExtensions ? { key: null, state: 'none' } : { key: null, state: 'unknown', reason: `the server's EncryptedExtensions, which names the protocol, was not read: ${tlsUnknown()}` };
    case 'ja4':
      if (json.ja4 !== null) return { key: json.ja4, state: 'value' };
      // gQUIC's hello is not a TLS ClientHello: it has no JA4
      return conn.tls.clientHello || conn.tls.gquicHello ? { key: null, state: 'none' } : { key: null, state: 'unknown', reason: `no ClientHello read: ${tlsUnknown()}` };
    case 'version':
      return json.version !== null ? { key: json.version, state: 'value' } : { key: null, state: 'unknown', reason: noVersion(conn) };
    case 'server':
      return json.server !== null ? { key: json.server, state: 'value' } : { key: null, state: 'unknown', reason: 'the input gives no server address (a log without addresses)' };
  }
}

/** why a connection has no version: a log that gives none, or a capture with only short headers */
export function noVersion(conn: Connection): string {
  return conn.log ? 'the endpoint log gives no version' : 'no long-header packet of this connection is in the capture (short headers carry no version, RFC 9000 §17.3)';
}

function keyUnknowns(key: Key, members: readonly Member[]): UnknownFact[] {
  return key.state === 'unknown' ? members.map((m) => ({ field: 'key', connection: m.json.id, reason: key.reason ?? 'unknown' })) : [];
}

function groupStats(v: AnalysisView, key: Key, members: readonly Member[]): FleetGroup {
  const unknown: UnknownFact[] = keyUnknowns(key, members);
  const times: number[] = [];
  const handshakeMs = { measured: 0, p50: null as number | null, p90: null as number | null, p99: null as number | null, notComplete: 0, unknown: 0 };
  const roundTrips = { counts: {} as Record<string, number>, notComplete: 0, unknown: 0 };
  const zeroRtt = { attempted: 0, accepted: 0, rejected: 0, acceptedUnknown: 0, attemptedUnknown: 0 };
  const migrations = { total: 0, validated: 0, notValidated: 0, unknown: 0 };
  for (const { json, conn } of members) {
    const h = json.handshake;
    const id = json.id;
    if (h.complete === false) {
      handshakeMs.notComplete++;
      roundTrips.notComplete++;
    } else if (h.complete === null) {
      // whether it completed is itself unknown: so are its time and round trips
      handshakeMs.unknown++;
      roundTrips.unknown++;
      unknown.push({ field: 'handshakeMs', connection: id, reason: h.facts.complete.reason }, { field: 'roundTrips', connection: id, reason: h.facts.complete.reason });
    } else {
      if (h.durationMs !== null) times.push(h.durationMs);
      else {
        handshakeMs.unknown++;
        unknown.push({ field: 'handshakeMs', connection: id, reason: h.facts.durationMs?.reason ?? "the client's Finished was not read" });
      }
      if (h.roundTrips !== null) roundTrips.counts[String(h.roundTrips)] = (roundTrips.counts[String(h.roundTrips)] ?? 0) + 1;
      else {
        roundTrips.unknown++;
        unknown.push({ field: 'roundTrips', connection: id, reason: h.facts.roundTrips?.reason ?? 'not read' });
      }
    }
    const z = h.zeroRtt;
    if (z.attempted) {
      zeroRtt.attempted++;
      if (z.accepted === true) zeroRtt.accepted++;
      else if (z.accepted === false) zeroRtt.rejected++;
      else {
        zeroRtt.acceptedUnknown++;
        unknown.push({ field: 'zeroRttAccepted', connection: id, reason: z.facts.accepted.reason });
      }
    } else if (!conn.log && !conn.tls.clientHello && !conn.tls.gquicHello) {
      // no 0-RTT packet seen proves nothing when the ClientHello, which offers early data, was not read either
      zeroRtt.attemptedUnknown++;
      unknown.push({ field: 'zeroRttAttempted', connection: id, reason: 'the ClientHello, which would offer early data, was not read, and no 0-RTT packet is in the capture' });
    }
    for (const m of json.migrations) {
      migrations.total++;
      if (m.validated === true) migrations.validated++;
      else if (m.validated === false) migrations.notValidated++;
      else {
        migrations.unknown++;
        unknown.push({ field: 'migrationValidated', connection: id, frame: m.frame, reason: m.facts.validated.reason });
      }
    }
  }
  times.sort((a, b) => a - b);
  handshakeMs.measured = times.length;
  handshakeMs.p50 = nearestRank(times, 50);
  handshakeMs.p90 = nearestRank(times, 90);
  handshakeMs.p99 = nearestRank(times, 99);
  const ids = new Set(members.map((m) => m.json.id));
  return {
    key: key.key,
    keyState: key.state,
    connections: members.length,
    ids: [...ids].sort((a, b) => a - b),
    handshakeMs,
    roundTrips,
    zeroRtt,
    migrations,
    findings: countFindings(v.findings.filter((f) => ids.has(f.connection))),
    unjudged: countBy(v.unjudged.filter((u) => ids.has(u.connection)).map((u) => u.code)),
    unknown,
  };
}

const SEVERITY = { info: 0, warning: 1, error: 2 } as const;

function countFindings(findings: readonly Finding[]): FleetGroup['findings'] {
  const out: FleetGroup['findings'] = {};
  for (const f of findings) {
    const c = (out[f.code] ??= { severity: f.severity, count: 0, inferred: 0 });
    c.count++;
    if (f.evidence === 'inferred') c.inferred++;
    if (SEVERITY[f.severity] > SEVERITY[c.severity]) c.severity = f.severity;
  }
  return out;
}

function countBy(codes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c] = (out[c] ?? 0) + 1;
  return out;
}

/** by UTF-16 code unit, not the locale's collation: the same order on every machine */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
