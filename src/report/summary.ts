import { printable } from './text-width.js';
import Table from 'cli-table3';
import type { AmplificationBudget } from '../analysis/audit-amplification.js';
import type { Connection } from '../analysis/connection.js';
import { NO_KEYS, type Finding, type Unjudged } from '../analysis/finding.js';
import type { Http3Request } from '../analysis/http3-requests.js';
import type { HandshakeSummary } from '../analysis/handshake-timeline.js';
import type { Leg, Migration } from '../analysis/migrations.js';
import type { PnSyncReport } from '../analysis/packet-number-sync.js';
import type { ZeroRttStatus } from '../analysis/zero-rtt.js';
import type { StreamsReport } from '../analysis/streams/stream-types.js';
import { cipherSuiteName } from '../tls/names.js';
import { tlsToJson } from './tls-json.js';
import { tableText } from './chunked-table.js';
import type { JsonLists } from './json-stream.js';
import { formatEndpoint } from '../capture/types.js';
import { formatVersion, versionInfo } from '../quic/versions.js';
import type { Palette } from './colour.js';
import { connectionName, logName } from './connection-name.js';
import { roundTime } from './packet-json.js';
import { recoverySummaryJson, type RecoveryView } from './recovery-json.js';
import type { LoggedRecovery } from '../analysis/recovery/logged-recovery.js';
import { recoverySummaryCells, recoveryUnknownText } from './recovery-table.js';

export interface InputSummary {
  path: string;
  format: string;
  records: number;
}

export interface ConnectionCounts {
  total: number;
  decrypted: number;
  /** the packets not decrypted, by why (`no keys`, `aead failed`, `not encrypted`, …) */
  notDecrypted?: Record<string, number>;
  /** what each side sent: packets, and their bytes on the wire (absent: not counted) */
  sent?: Record<'client' | 'server', SentCounts>;
}

/** one side's packets and their bytes on the wire (each packet's own length, UDP and IP headers left out) */
export interface SentCounts {
  packets: number;
  bytes: number;
  /** packets whose size the input does not give (a qlog event without `length`): `bytes` leaves them out */
  unsized: number;
}

/** `summary --format json`: the part of design.md's contract this version can fill. */
/** Everything the whole-capture reports read: the inputs and the analyses' results. */
export interface AnalysisView {
  inputs: readonly InputSummary[];
  /** time of the first record: the zero of relative times */
  zero: number;
  counts: ReadonlyMap<number, ConnectionCounts>;
  connections: readonly Connection[];
  findings: readonly Finding[];
  /** the checks that could not be made, and why */
  unjudged: readonly Unjudged[];
  requests(c: Connection): Http3Request[];
  zeroRtt(c: Connection): ZeroRttStatus;
  migrations(c: Connection): Migration[];
  legs(c: Connection): Leg[];
  handshake(c: Connection): HandshakeSummary;
  /** 1-RTT packet numbers found again after the capture lost sync (absent: not tracked) */
  pnSync?(c: Connection): PnSyncReport;
  /** loss, retransmission and RTT at the capture point (absent: not tracked) */
  recovery?: RecoveryView;
  /** what a connection read from an endpoint log says of its own recovery (qlog packet_lost, metrics_updated, packet_dropped) */
  loggedRecovery?(c: Connection): LoggedRecovery | null;
  /** the endpoint logs of a captured connection that were read with it, with their recovery (absent: not tracked) */
  endpointLogs?(c: Connection): LoggedRecovery[];
  /** per stream: bytes, ends, head-of-line waits, the TCP counterfactual (absent: not tracked) */
  streams?(c: Connection): StreamsReport;
  /** bytes each way before each client address was validated (absent: not tracked) */
  amplification?(c: Connection): AmplificationBudget[];
}

/** `summary --format json` whole (summaryJsonLists, every list read out) */
export function summaryToJson(v: AnalysisView): Record<string, unknown> {
  return Object.fromEntries(summaryJsonLists(v).map(([key, items]) => [key, [...items]]));
}

/**
 * The `summary --format json` document's fields as lists for jsonListsText (json-stream.ts): each connection's
 * object is built when it is printed, so a capture of many connections is never held as one
 * document
 */
export function summaryJsonLists(v: AnalysisView): JsonLists {
  return [
    ['inputs', v.inputs],
    ['connections', connectionsJson(v)],
    ['findings', v.findings],
    ['unjudged', v.unjudged],
  ];
}

function* connectionsJson(v: AnalysisView): Generator<ConnectionJson> {
  for (const c of v.connections) yield connectionToJson(v, c);
}

/** one connection of `summary --format json`: what the fleet summary and the conn log are built from */
export function connectionToJson(v: AnalysisView, c: Connection) {
  const { counts, requests, zeroRtt } = v;
  const packets: ConnectionCounts = counts.get(c.id) ?? { total: 0, decrypted: 0 };
  return {
    id: c.id,
    version: c.version === null ? null : formatVersion(c.version),
    firstVersion: c.firstVersion === undefined ? null : formatVersion(c.firstVersion),
    client: c.client ? formatEndpoint(c.client) : null,
    server: c.server ? formatEndpoint(c.server) : null,
    sni: c.tls.clientHello?.serverName ?? c.tls.gquicHello?.serverName ?? null,
    alpn: c.tls.encryptedExtensions?.alpn ?? null,
    cipherSuite: c.tls.serverHello ? cipherSuiteName(c.tls.serverHello.cipherSuite) : (c.tls.loggedCipherSuite ?? null),
    ja4: c.tls.ja4 ?? null,
    tls: tlsToJson(c.tls),
    transportParameters: { client: c.tls.clientParameters ?? null, server: c.tls.serverParameters ?? null },
    handshake: handshakeToJson(v.handshake(c), zeroRtt(c)),
    originalDcid: c.originalDcid,
    // a copy of another connection's first flight (a replay), by that connection's id
    replayOf: c.replayOf ?? null,
    // attempts the server answered with Version Negotiation, before the one above
    abandonedAttempts: (c.abandonedAttempts ?? []).map((a) => ({
      firstFrame: a.firstFrame,
      version: a.version === null ? null : formatVersion(a.version),
      client: a.client ? formatEndpoint(a.client) : null,
      originalDcid: a.originalDcid,
      versionNegotiationFrame: a.versionNegotiationFrame,
      offered: a.offered.map(formatVersion),
    })),
    clientCids: [...c.clientCids],
    serverCids: [...c.serverCids],
    firstFrame: c.firstFrame,
    durationMs: Math.round((c.lastTime - c.firstTime) * 1e6) / 1e3,
    roles: c.roleSource,
    log: c.log ?? null,
    packets,
    packetNumberSync: c.log ? null : (v.pnSync?.(c) ?? null),
    recovery: v.recovery ? recoverySummaryJson(v.recovery.report(c)) : null,
    requests: requests(c),
    legs: v.legs(c),
    // packet times are already relative to the first record
    migrations: v.migrations(c).map((m) => ({
      ...m,
      time: roundTime(m.time),
      challenges: m.challenges.map((x) => ({ ...x, time: roundTime(x.time), response: x.response ? { ...x.response, time: roundTime(x.response.time) } : null })),
    })),
  };
}

export type ConnectionJson = ReturnType<typeof connectionToJson>;

/** `summary` as a table, in pieces: the table TABLE_CHUNK rows at a time (chunked-table.ts), then the notes under it */
export function* summaryTableText(v: AnalysisView, colour: Palette): Generator<string> {
  const { connections, counts, zero } = v;
  const unknown = colour.dim('?');
  const printableOr = (s: string | undefined, or: string) => (s === undefined ? or : printable(s));
  const rows: string[][] = [];
  for (const c of connections) {
    const n = counts.get(c.id) ?? { total: 0, decrypted: 0 };
    rows.push([
      String(c.id),
      c.client ? formatEndpoint(c.client) : unknown,
      c.server ? formatEndpoint(c.server) : unknown,
      c.version === null ? unknown : versionCell(c.version, c.firstVersion),
      // both are whatever the client and server sent: no control character reaches the terminal
      printableOr(c.tls.clientHello?.serverName ?? c.tls.gquicHello?.serverName, unknown),
      printableOr(c.tls.encryptedExtensions?.alpn, unknown),
      (c.tls.serverHello ? cipherSuiteName(c.tls.serverHello.cipherSuite) : c.tls.loggedCipherSuite)?.replace(/^TLS_/, '') ?? unknown,
      // a log's connection counts from its own input's start, a capture's from the first capture's
      `${roundTime(c.firstTime - (c.log?.zero ?? zero)).toFixed(3)} s`,
      `${((c.lastTime - c.firstTime) * 1e3).toFixed(1)} ms`,
      `${n.total} (${n.decrypted})`,
      ...recoverySummaryCells(v.recovery?.report(c) ?? null, colour),
    ]);
  }
  yield* tableText(
    {
      head: ['#', 'client', 'server', 'version', 'SNI', 'ALPN', 'cipher suite', 'start', 'duration', 'packets (decrypted)', 'loss c/s', 'resent B c/s', 'RTT'].map(colour.bold),
      colAligns: ['right', 'left', 'left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
      style: { head: [], border: [] },
    },
    rows,
  );
  yield unknownCells(v, colour) + recoveryUnknownText(connections, v.recovery, colour);
  const logged = connections.filter((c) => c.log);
  if (logged.length === 0) return;
  // a log has no payload bytes and often no addresses: say where these rows come from
  const lines = logged.map(
    (c) =>
      `  ${c.id}  ${logName(c.log!)}${c.log!.otherSide !== undefined ? ` (the other side's log of this connection is ${c.log!.otherSide})` : ''}`,
  );
  yield `\n\nRead from endpoint logs (qlog: addresses, TLS and HTTP/3 only where the log records them)\n${lines.join('\n')}`;
}

/** under the table: for each `?` of a captured connection, why it is unknown */
function unknownCells(v: AnalysisView, colour: Palette): string {
  const lines: string[] = [];
  for (const c of v.connections) {
    const u = unknownTls(v, c);
    if (u) lines.push(`  ${c.id}  ${u.missing.join(', ')} unknown: ${u.why}`);
  }
  return lines.length ? `\n${colour.dim(lines.join('\n'))}` : '';
}

/** a captured connection's TLS facts the summary cannot give (SNI, ALPN, cipher suite), and why; undefined when none is missing */
export function unknownTls(v: Pick<AnalysisView, 'counts'>, c: Connection): { missing: string[]; why: string } | undefined {
  if (c.log) return undefined;
  const missing = [
    c.tls.clientHello ? null : 'SNI',
    c.tls.encryptedExtensions ? null : 'ALPN',
    c.tls.serverHello || c.tls.loggedCipherSuite ? null : 'cipher suite',
  ].filter((x): x is string => x !== null);
  if (missing.length === 0) return undefined;
  const n = v.counts.get(c.id);
  const why = Object.entries(n?.notDecrypted ?? {})
    .filter(([reason]) => reason !== 'not encrypted')
    .map(([reason, count]) => `${count} ${reason === 'no keys' ? `not decrypted (${NO_KEYS})` : reason}`);
  return { missing, why: why.length ? `in packets not read: of ${n!.total} packets, ${why.join(', ')}` : 'no TLS message in the capture says' };
}

/** design.md's handshake object: times in seconds since the first record */
function handshakeToJson(h: HandshakeSummary, zeroRtt: ZeroRttStatus) {
  return {
    complete: h.complete,
    confirmedAt: h.confirmedAt === null ? null : roundTime(h.confirmedAt),
    durationMs: h.durationMs,
    roundTrips: h.roundTrips,
    roundTripReasons: h.roundTripReasons,
    retry: h.retry,
    versionNegotiation: h.versionNegotiation,
    ended: h.ended,
    zeroRtt,
    facts: h.facts,
    events: h.events.map((e) => ({ time: roundTime(e.time), event: e.event, frame: e.frame, by: e.by, detail: e.detail })),
  };
}

/** the HTTP/3 requests under the table, one line each */
export function requestsText(v: AnalysisView, colour: Palette): string {
  const lines: string[] = [];
  for (const c of v.connections) {
    for (const r of v.requests(c)) {
      const url = `${r.scheme ?? '?'}://${r.authority ?? '?'}${r.path ?? '?'}`;
      // a response the capture did not hold whole is said to be so, never shown as a short one
      const seen = r.responseStreamBytes.seen > 0;
      const status = r.status !== undefined ? String(r.status) : colour.dim(seen ? 'status not in the capture' : 'no response in the capture');
      const size = r.responseComplete ? `, ${r.responseBodyBytes} bytes` : seen ? colour.yellow(`, incomplete: ${r.incomplete}`) : '';
      const early = r.zeroRtt ? colour.yellow(' (in 0-RTT)') : '';
      const unresolved = r.unresolved ? colour.dim(` [unresolved: ${r.unresolved.join(', ')}]`) : '';
      lines.push(`  ${c.id}  stream ${r.stream}  ${r.method ?? '?'} ${url} → ${status}${size}${early}${unresolved}`);
      for (const p of r.problems ?? []) lines.push(`      ${colour.yellow(`undecodable: ${p}`)}`);
    }
  }
  return lines.length ? `\n${colour.bold('HTTP/3 requests')}\n${lines.join('\n')}\n` : '';
}

/** where a sender's packet numbers jumped past what RFC 9000 A.3 recovers, and how they were found again */
export function pnSyncText(v: AnalysisView, colour: Palette): string {
  const how = { next_window: 'one window from the nearest', peer_ack: "near the peer's ACK", packet_rate: "near where the sender's packet rate put it" };
  const lines = v.connections.flatMap((c) =>
    (v.pnSync?.(c).resyncs ?? []).map((r) => {
      const failed = r.undecrypted > 0 ? colour.yellow(`, ${r.undecrypted} not decrypted before it`) : '';
      return `  ${c.id}  ${r.direction} packet numbers jumped from ${r.lastPn} (frame ${r.lastFrame}) to ${r.pn} (frame ${r.frame}): found ${how[r.method]}; ${r.recovered} packets decrypted from there${failed}`;
    }),
  );
  return lines.length ? `\n${colour.bold('Packet numbers found again after gaps in the capture')}\n${lines.join('\n')}\n` : '';
}

/** one line per migration, for summary; and the legs when the capture sat on a proxy */
export function migrationsText(v: AnalysisView, colour: Palette): string {
  const lines = v.connections.flatMap((c) => v.migrations(c).map((m) => `  ${c.id}  ${migrationLine(m, colour)}`));
  const legs = v.connections.flatMap((c) => {
    const ls = v.legs(c);
    return ls.length > 1 ? [`  ${c.id}  ${legsLine(ls)}`] : [];
  });
  return (
    (lines.length ? `\n${colour.bold('Migrations')}\n${lines.join('\n')}\n` : '') +
    (legs.length ? `\n${colour.bold('Legs')} ${colour.dim('(the capture point sits between client and server: each packet is seen twice)')}\n${legs.join('\n')}\n` : '')
  );
}

function legsLine(legs: Leg[]): string {
  return legs.map((l, i) => `leg ${i + 1}: ${l.client} → ${l.server} (from frame ${l.firstFrame})`).join('; ');
}

function migrationLine(m: Migration, colour: Palette): string {
  const change = m.addressChanged === null ? 'addresses not logged' : m.addressChanged ? 'address change' : 'port change';
  const validated =
    m.validated === null
      ? colour.dim('validation unknown')
      : !m.validated
        ? colour.yellow('not validated')
        : m.validationMs !== null
          ? colour.green(`validated in ${m.validationMs} ms`)
          : colour.green('validated');
  const line = `${m.time.toFixed(6)} s  frame ${m.frame}  ${kindWords(m)}  ${sideText(m)}${m.from} → ${m.to} (${change}), ${validated}, ${m.newDcid === null ? 'DCIDs not logged' : m.newDcid ? 'new DCID' : 'same DCID'}`;
  const notes = factNotes(m);
  return notes.length ? `${line}\n${notes.map((n) => `       ${colour.dim(n)}`).join('\n')}` : line;
}

/** the kind, marked when it is inferred or unknown */
function kindWords(m: Migration): string {
  if (m.kind === null) return 'kind unknown';
  return m.facts.kind.evidence === 'inferred' ? `${m.kind} (inferred)` : m.kind;
}

/** a server's move (to its preferred address) names its side; a client's is the usual case */
function sideText(m: Migration): string {
  return m.side === 'server' ? 'server ' : '';
}

/** one line for each of a migration's facts that is not proven: the inference or why it is unknown */
function factNotes(m: Migration): string[] {
  return (['kind', 'validated'] as const).flatMap((k) => {
    const f = m.facts[k];
    return f.evidence === 'proven' ? [] : [`${k} ${f.evidence}: ${f.reason}`];
  });
}

/** `quiclens migrations` as text: per connection its paths' changes and the challenges */
export function migrationsTable(v: AnalysisView, findings: readonly Finding[], colour: Palette): string {
  const parts: string[] = [];
  for (const c of v.connections) {
    const ms = v.migrations(c);
    if (ms.length === 0) continue;
    const t = new Table({
      head: ['time', 'frame', 'kind', 'from → to', 'change', 'challenge → response', 'validated', 'DCID'].map(colour.bold),
      style: { head: [], border: [] },
    });
    for (const m of ms) {
      t.push([
        `${m.time.toFixed(6)} s`,
        String(m.frame),
        kindWords(m),
        `${sideText(m)}${m.from} → ${m.to}`,
        m.addressChanged === null ? colour.dim('not logged') : m.addressChanged ? 'address' : 'port',
        m.challenges.map((x) => `${x.by} ${x.data.slice(0, 8)}… (${x.frame})${x.response ? ` → ${x.response.frame}` : colour.yellow(' unanswered')}`).join('\n') || colour.dim(m.facts.validated.evidence === 'proven' ? 'none' : 'not readable'),
        m.validated === null ? colour.dim('unknown') : !m.validated ? colour.yellow('no') : m.validationMs !== null ? `${m.validationMs} ms` : m.facts.validated.evidence === 'inferred' ? 'yes (inferred)' : 'yes',
        m.newDcid === null ? colour.dim('not logged') : m.newDcid ? 'new' : colour.yellow('same'),
      ]);
    }
    const name = connectionName(c, (client, server) => `${client} → ${server}`);
    const notes = ms.flatMap((m) => factNotes(m).map((n) => `  frame ${m.frame}: ${n}`));
    parts.push(`${colour.bold(name)}\n${t.toString()}${notes.length ? `\n${colour.dim(notes.join('\n'))}` : ''}`);
  }
  const legNotes = v.connections.flatMap((c) => (v.legs(c).length > 1 ? [`connection ${c.id} has ${v.legs(c).length} legs, judged apart: ${legsLine(v.legs(c))}`] : []));
  const legText = legNotes.length ? legNotes.join('\n') + '\n' : '';
  if (parts.length === 0) return `no migrations: every connection kept its path\n${legText}${findingsText(findings, colour)}`;
  return parts.join('\n\n') + '\n' + legText + findingsText(findings, colour) + unjudgedText(v.unjudged, colour);
}

/** the checks that could not be made, under the findings: what is unknown is said */
export function unjudgedText(unjudged: readonly Unjudged[], colour: Palette): string {
  if (unjudged.length === 0) return '';
  const lines = unjudged.map((u) => `  ${u.code}: connection ${u.connection}${u.frame !== undefined ? `, frame ${u.frame}` : ''}: ${u.reason}`);
  return `\n${colour.bold('Not judged')} ${colour.dim('(what these checks need is unknown)')}\n${colour.dim(lines.join('\n'))}\n`;
}

/** findings under the table, one line each */
export function findingsText(findings: readonly Finding[], colour: Palette): string {
  if (findings.length === 0) return '';
  const lines = findings.map((f) => {
    const tag = f.severity === 'error' ? colour.red('error') : f.severity === 'warning' ? colour.yellow('warning') : 'info';
    const inferred = f.evidence === 'inferred' ? `\n      ${colour.dim(`inferred, not proven: ${f.reason ?? 'from the headers'}`)}` : '';
    return `  ${tag} ${f.code}: connection ${f.connection}${f.frame !== undefined ? `, frame ${f.frame}` : ''}: ${f.message}${inferred}`;
  });
  return `\n${colour.bold('Findings')}\n${lines.join('\n')}\n`;
}

/** the version, and the one the client offered first when that was another */
function versionCell(version: number, first: number | undefined): string {
  const info = versionInfo(version).name;
  const name = info === 'unknown' ? `unknown ${formatVersion(version)}` : info;
  if (first === undefined || first === version) return name;
  const firstName = versionInfo(first).name;
  return `${name} (first ${firstName === 'unknown' || firstName.startsWith('reserved') ? formatVersion(first) : firstName})`;
}
