import type { QlogMetricsUpdatedEvent, QlogPacketDroppedEvent, QlogPacketLostEvent } from '../../qlog/qlog-events.js';
import type { PacketType } from '../../quic/packet-header.js';
import type { Connection, Role } from '../connection.js';
import { pnSpaceOf, type PnSpace } from './pn-space.js';

/**
 * What an endpoint's own log (qlog) says about its loss recovery: the packets it declared
 * lost (packet_lost), its RTT estimate, congestion window and bytes in flight as it updated
 * them (metrics_updated), and the packets it threw away (packet_dropped). This is the
 * sender's own view, beside which the capture's inferred losses and RTT samples are shown.
 */

/** packet numbers listed per space; the count says how many there were */
export const LOGGED_PN_LIMIT = 1000;
/** metrics samples kept per connection: beyond it, every other one is dropped and the stride doubles */
export const METRICS_SAMPLE_LIMIT = 512;

/** a lost packet's space, or `unknown` when the log did not give its type (draft-00) */
export type LoggedSpace = PnSpace | 'unknown';

export interface LoggedLosses {
  count: number;
  /** the first LOGGED_PN_LIMIT packet numbers declared lost, in log order */
  packetNumbers: number[];
}

/** one packet_lost event, as the timeline explains it */
export interface DeclaredLoss {
  /** seconds on the input's clock, as packets' times */
  time: number;
  packetType: PacketType;
  pn: number | null;
  trigger?: string;
}

/** one metric over the log: its first and last logged values, and the extremes */
export interface MetricSummary {
  first: number;
  last: number;
  min: number;
  max: number;
  /** how many updates set it */
  count: number;
}

/** the metrics that are summarised, as QlogMetricsUpdatedEvent names them */
export const METRIC_NAMES = ['minRttMs', 'smoothedRttMs', 'latestRttMs', 'rttVarianceMs', 'congestionWindow', 'bytesInFlight'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** The writer's recovery state after one update: every metric's latest value so far. */
export interface MetricsSample extends Partial<Record<MetricName, number>> {
  /** seconds on the input's clock, as packets' times */
  time: number;
}

export interface LoggedRecovery {
  /** the connection the log was read into */
  connection: number;
  file: string;
  /** whose recovery it is: the side that wrote the log (null when the log never said) */
  vantage: Role | null;
  lost: {
    total: number;
    bySpace: Partial<Record<LoggedSpace, LoggedLosses>>;
    /** by the writer's stated reason (reordering_threshold, time_threshold, pto_expired); `unknown` when not given */
    byTrigger: Record<string, number>;
    /** the first LOGGED_PN_LIMIT events, in log order */
    declared: DeclaredLoss[];
  };
  metrics: {
    updates: number;
    summary: Partial<Record<MetricName, MetricSummary>>;
    /** the state after every `sampleStride`-th update, at most METRICS_SAMPLE_LIMIT */
    samples: MetricsSample[];
    sampleStride: number;
  };
  dropped: {
    total: number;
    byTrigger: Record<string, number>;
  };
}

export type RecoveryLogEvent = QlogPacketLostEvent | QlogMetricsUpdatedEvent | QlogPacketDroppedEvent;

export function isRecoveryLogEvent(ev: { kind: string }): ev is RecoveryLogEvent {
  return ev.kind === 'packet_lost' || ev.kind === 'metrics_updated' || ev.kind === 'packet_dropped';
}

interface State {
  out: LoggedRecovery;
  /** every metric's latest value, since an update names only what changed */
  current: MetricsSample;
}

// a plain object with no prototype: a trigger named `constructor` counts like any other
const counter = (): Record<string, number> => Object.create(null) as Record<string, number>;

/** Per logged connection, its writer's recovery events gathered in bounded memory. */
export class LoggedRecoveryLog {
  private readonly byConnection = new Map<Connection, State>();

  observe(conn: Connection, vantage: Role | null, time: number, ev: RecoveryLogEvent): void {
    const s = this.stateOf(conn, vantage, ev.trace.file);
    if (vantage) s.out.vantage = vantage;
    switch (ev.kind) {
      case 'packet_lost':
        return this.lost(s.out, time, ev);
      case 'metrics_updated':
        return this.metrics(s, time, ev);
      case 'packet_dropped': {
        s.out.dropped.total++;
        s.out.dropped.byTrigger[ev.trigger] = (s.out.dropped.byTrigger[ev.trigger] ?? 0) + 1;
        return;
      }
    }
  }

  /** the connection's logged recovery; null for a capture's connection or a log without recovery events */
  of(conn: Connection): LoggedRecovery | null {
    return this.byConnection.get(conn)?.out ?? null;
  }

  private lost(out: LoggedRecovery, time: number, ev: QlogPacketLostEvent): void {
    out.lost.total++;
    if (out.lost.declared.length < LOGGED_PN_LIMIT) {
      const d: DeclaredLoss = { time, packetType: ev.packetType, pn: ev.packetNumber };
      if (ev.trigger !== undefined) d.trigger = ev.trigger;
      out.lost.declared.push(d);
    }
    const space: LoggedSpace = pnSpaceOf(ev.packetType) ?? 'unknown';
    const losses = (out.lost.bySpace[space] ??= { count: 0, packetNumbers: [] });
    losses.count++;
    if (ev.packetNumber !== null && losses.packetNumbers.length < LOGGED_PN_LIMIT) losses.packetNumbers.push(ev.packetNumber);
    const trigger = ev.trigger ?? 'unknown';
    out.lost.byTrigger[trigger] = (out.lost.byTrigger[trigger] ?? 0) + 1;
  }

  private metrics(s: State, time: number, ev: QlogMetricsUpdatedEvent): void {
    const m = s.out.metrics;
    m.updates++;
    s.current.time = time;
    for (const name of METRIC_NAMES) {
      const v = ev[name];
      if (v === undefined) continue;
      s.current[name] = v;
      const sum = m.summary[name];
      if (!sum) m.summary[name] = { first: v, last: v, min: v, max: v, count: 1 };
      else {
        sum.last = v;
        if (v < sum.min) sum.min = v;
        if (v > sum.max) sum.max = v;
        sum.count++;
      }
    }
    // keep the state after updates 1, 1+stride, 1+2·stride, ...: evenly spread over the log
    if ((m.updates - 1) % m.sampleStride !== 0) return;
    if (m.samples.length >= METRICS_SAMPLE_LIMIT) {
      m.samples = m.samples.filter((_, i) => i % 2 === 0);
      m.sampleStride *= 2;
      if ((m.updates - 1) % m.sampleStride !== 0) return;
    }
    m.samples.push({ ...s.current });
  }

  private stateOf(conn: Connection, vantage: Role | null, file: string): State {
    let s = this.byConnection.get(conn);
    if (!s) {
      s = {
        out: {
          connection: conn.id,
          file,
          vantage,
          lost: { total: 0, bySpace: {}, byTrigger: counter(), declared: [] },
          metrics: { updates: 0, summary: {}, samples: [], sampleStride: 1 },
          dropped: { total: 0, byTrigger: counter() },
        },
        current: { time: 0 },
      };
      this.byConnection.set(conn, s);
    }
    return s;
  }
}

/**
 * The endpoint logs of a captured connection: the logged connections (read from qlogs in the
 * same session) with the same original DCID, as `crosscheck` pairs them, or, when a log does
 * not name it, one that shares a connection ID with the capture. A connection read from a
 * log made from a capture (vantage `network`) is not an endpoint's view and is left out.
 */
export function endpointLogsOf(captured: Connection, connections: readonly Connection[]): Connection[] {
  if (captured.log) return [];
  const cids = new Set([...captured.clientCids, ...captured.serverCids]);
  return connections.filter((c) => {
    if (!c.log || c.log.vantage === 'network') return false;
    if (captured.originalDcid !== null && c.originalDcid !== null) return c.originalDcid === captured.originalDcid;
    return [...c.clientCids, ...c.serverCids].some((cid) => cid !== '' && cids.has(cid));
  });
}
