import Table from 'cli-table3';
import type { Connection, Role } from '../analysis/connection.js';
import type { LoggedRecovery, MetricSummary } from '../analysis/recovery/logged-recovery.js';
import { PN_SPACES, type PnSpace } from '../analysis/recovery/pn-space.js';
import type { ConnectionRecoveryReport } from '../analysis/recovery/recovery-report.js';
import type { Palette } from './colour.js';

/**
 * What an endpoint logged of its own loss recovery (qlog packet_lost, metrics_updated,
 * packet_dropped), shown beside what the capture of the same connection implies: the
 * sender's declared losses against the losses the capture shows for that sender, its RTT
 * against the round trip at the capture point. The two are different measurements (the
 * endpoint sees its whole path; the capture sees packets where it ran) and are shown side by
 * side, never merged.
 */

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** the capture's losses of one sender's packets in one space; null counts where the capture cannot tell */
export interface CaptureSpaceLosses {
  lost: number | null;
  lostAfterCapture: number | null;
  lostBeforeCapture: number | null;
  /** why the counts are unknown */
  unknownReason?: string;
}

/** what the capture implies for one sender, to stand beside its log */
export interface CaptureSide {
  /** per packet number space the sender used */
  bySpace: Partial<Record<PnSpace, CaptureSpaceLosses>>;
  /** all spaces together; null when any space's count is unknown */
  lost: number | null;
  /** the round trip at the capture point (both legs added), the nearest to what the sender measures; null when unknown */
  smoothedRttMs: number | null;
  minRttMs: number | null;
  maxBytesInFlight: number | null;
}

/** One endpoint log of a captured connection, with the capture's figures for the same sender. */
export interface LoggedBeside {
  log: LoggedRecovery;
  /** null when the capture's recovery analysis has nothing for the connection */
  capture: CaptureSide | null;
}

/** the capture's figures for the packets `sender` sent, from the recovery report */
export function captureSide(report: ConnectionRecoveryReport, sender: Role): CaptureSide {
  const d = report.directions.find((x) => x.sender === sender);
  const bySpace: CaptureSide['bySpace'] = {};
  for (const space of PN_SPACES) {
    const sp = d?.spaces[space];
    if (!sp || sp.packets === 0) continue;
    const after = sp.lostAfterCapture;
    const before = sp.lostBeforeCapture;
    const out: CaptureSpaceLosses = { lost: after === null || before === null ? null : after + before, lostAfterCapture: after, lostBeforeCapture: before };
    if (sp.fact.evidence === 'unknown') out.unknownReason = sp.fact.reason;
    bySpace[space] = out;
  }
  const spaces = Object.values(bySpace);
  return {
    bySpace,
    lost: spaces.every((x) => x.lost !== null) ? spaces.reduce((a, x) => a + x.lost!, 0) : null,
    smoothedRttMs: report.endToEndRtt?.smoothedMs ?? null,
    minRttMs: report.endToEndRtt?.minMs ?? null,
    maxBytesInFlight: d?.maxBytesInFlight ?? null,
  };
}

/** each log beside the capture's figures for the side that wrote it */
export function besideCapture(report: ConnectionRecoveryReport | null, logs: readonly LoggedRecovery[]): LoggedBeside[] {
  return logs.map((log) => ({ log, capture: report && log.vantage ? captureSide(report, log.vantage) : null }));
}

const summaryJson = (m: MetricSummary | undefined) => (m ? { first: round3(m.first), last: round3(m.last), min: round3(m.min), max: round3(m.max), count: m.count } : null);

/** one log's recovery as JSON (docs/json.md, `loggedRecovery`) */
export function loggedRecoveryToJson(r: LoggedRecovery): Record<string, unknown> {
  const s = r.metrics.summary;
  return {
    connection: r.connection,
    file: r.file,
    vantage: r.vantage,
    lost: { total: r.lost.total, bySpace: r.lost.bySpace, byTrigger: { ...r.lost.byTrigger } },
    metrics: {
      updates: r.metrics.updates,
      minRttMs: summaryJson(s.minRttMs),
      smoothedRttMs: summaryJson(s.smoothedRttMs),
      latestRttMs: summaryJson(s.latestRttMs),
      rttVarianceMs: summaryJson(s.rttVarianceMs),
      congestionWindow: summaryJson(s.congestionWindow),
      bytesInFlight: summaryJson(s.bytesInFlight),
      sampleStride: r.metrics.sampleStride,
      samples: r.metrics.samples.map((x) => ({ ...x, time: round3(x.time) })),
    },
    dropped: { total: r.dropped.total, byTrigger: { ...r.dropped.byTrigger } },
  };
}

/** a captured connection's endpoint logs as JSON: each log's recovery and the capture's figures beside it */
export function besideToJson(rows: readonly LoggedBeside[]): Record<string, unknown>[] {
  return rows.map((b) => ({ ...loggedRecoveryToJson(b.log), capture: b.capture }));
}

const ms = (x: number | null | undefined) => (x === null || x === undefined ? 'unknown' : `${round3(x)} ms`);
/** a value from the log: absent means the writer never logged it */
const loggedMs = (x: number | undefined) => (x === undefined ? 'not logged' : `${round3(x)} ms`);
const count = (x: number | null | undefined) => (x === null || x === undefined ? 'unknown' : x.toLocaleString('en-US'));

const SPACE_NAMES: Record<string, string> = { initial: 'Initial', handshake: 'Handshake', application: '0-RTT/1-RTT', unknown: 'space not logged' };

/** "36 (0-RTT/1-RTT 36)", "3 (Handshake 1, 0-RTT/1-RTT 2)" */
function lostText(r: LoggedRecovery): string {
  const parts = Object.entries(r.lost.bySpace).map(([space, l]) => `${SPACE_NAMES[space] ?? space} ${l!.count}`);
  return parts.length ? `${r.lost.total} (${parts.join(', ')})` : '0';
}

/** "36 (0-RTT/1-RTT 18 after + 18 before the capture point; Handshake unknown)" */
function captureLostText(c: CaptureSide): string {
  const parts = Object.entries(c.bySpace)
    .filter(([, x]) => x!.lost !== 0)
    .map(([space, x]) => (x!.lost === null ? `${SPACE_NAMES[space]} unknown` : `${SPACE_NAMES[space]} ${x!.lostAfterCapture} after + ${x!.lostBeforeCapture} before`));
  const known = Object.values(c.bySpace).reduce((a, x) => a + (x.lost ?? 0), 0);
  const total = c.lost === null ? (known > 0 ? `${known} or more` : 'unknown') : String(c.lost);
  return parts.length ? `${total} (${parts.join('; ')})` : total;
}

/**
 * The endpoint logs of one captured connection as a table: per log, what its writer declared
 * lost and measured, and the capture's figures for the same sender. Without `withCapture`
 * (a log read on its own) the capture's columns are left out.
 */
export function besideTable(rows: readonly LoggedBeside[], colour: Palette, withCapture = true): string {
  if (rows.length === 0) return '';
  const captureOnly = new Set([3, 5]);
  const keep = <T>(cells: T[]) => (withCapture ? cells : cells.filter((_, i) => !captureOnly.has(i)));
  const t = new Table({
    head: keep(['log', 'side', 'lost (log)', 'lost (capture)', 'smoothed RTT (log, last)', 'RTT at capture', 'min RTT (log)', 'cwnd (log, last)', 'dropped (log)']).map(colour.bold),
    style: { head: [], border: [] },
  });
  for (const { log, capture } of rows) {
    const s = log.metrics.summary;
    t.push(
      keep([
        log.file.split('/').pop()!,
        log.vantage ?? 'unknown',
        lostText(log),
        capture ? captureLostText(capture) : 'unknown',
        loggedMs(s.smoothedRttMs?.last),
        capture ? ms(capture.smoothedRttMs) : 'unknown',
        loggedMs(s.minRttMs?.min),
        s.congestionWindow ? `${count(s.congestionWindow.last)} B` : 'not logged',
        String(log.dropped.total),
      ]),
    );
  }
  const notes = !withCapture ? [] : [
    colour.dim('lost (log): the packets the writer declared lost (packet_lost); lost (capture): its packets the capture shows lost after or before the capture point'),
    colour.dim("(unknown in a space where the receiver's packets, which would carry its ACKs, could not be read). A sender declares only"),
    colour.dim('ack-eliciting packets lost (RFC 9002 §6): an ACK-only packet lost on the way counts in the capture, never in the log.'),
    colour.dim("RTT at capture: both legs at the capture point added (capture→server→capture + capture→client→capture), the nearest the capture comes to an endpoint's own RTT."),
  ];
  const triggers = rows.flatMap(({ log }) => {
    const lost = Object.entries(log.lost.byTrigger).filter(([k]) => k !== 'unknown');
    const dropped = Object.entries(log.dropped.byTrigger);
    const parts = [lost.length ? `lost by ${lost.map(([k, v]) => `${k} ${v}`).join(', ')}` : '', dropped.length ? `dropped: ${dropped.map(([k, v]) => `${k} ${v}`).join(', ')}` : ''].filter(Boolean);
    return parts.length ? [`  ${log.vantage ?? 'unknown'}: ${parts.join('; ')}`] : [];
  });
  return [t.toString(), ...notes, ...triggers].join('\n') + '\n';
}

/** What the `recovery` command's logged section reads (AnalysisView's loggedRecovery and endpointLogs, the session's recovery). */
export interface LoggedRecoveryView {
  report(c: Connection): ConnectionRecoveryReport | null;
  loggedRecovery(c: Connection): LoggedRecovery | null;
  endpointLogs(c: Connection): LoggedRecovery[];
}

/**
 * The `recovery` command's section on endpoint logs: for a captured connection, its endpoints'
 * logs beside the capture; for a connection read from a log with no capture of it among the
 * inputs, what the log says alone. Empty when no log has recovery events.
 */
export function loggedRecoverySection(connections: readonly Connection[], v: LoggedRecoveryView, colour: Palette): string {
  const shownBeside = new Set<number>();
  const parts: string[] = [];
  for (const c of connections) {
    if (c.log) continue;
    const logs = v.endpointLogs(c);
    if (logs.length === 0) continue;
    for (const l of logs) shownBeside.add(l.connection);
    parts.push(`${colour.bold(`Connection ${c.id}: what its endpoints logged, beside the capture`)}\n${besideTable(besideCapture(v.report(c), logs), colour)}`);
  }
  for (const c of connections) {
    const r = c.log && !shownBeside.has(c.id) ? v.loggedRecovery(c) : null;
    if (!r) continue;
    parts.push(`${colour.bold(`Connection ${c.id}: what its ${r.vantage ?? 'endpoint'}'s log says of its own recovery`)}\n${besideTable([{ log: r, capture: null }], colour, false)}`);
  }
  return parts.join('\n');
}

/** the same for `recovery --format json`: fields added to a connection's object (docs/json.md) */
export function loggedRecoveryFields(c: Connection, v: LoggedRecoveryView): { endpointLogs: Record<string, unknown>[]; loggedRecovery: Record<string, unknown> | null } {
  if (c.log) {
    const r = v.loggedRecovery(c);
    return { endpointLogs: [], loggedRecovery: r ? loggedRecoveryToJson(r) : null };
  }
  return { endpointLogs: besideToJson(besideCapture(v.report(c), v.endpointLogs(c))), loggedRecovery: null };
}
