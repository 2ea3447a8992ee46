import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A STREAM frame as the endpoint logged it (RFC 9000 §19.8). */
export interface LoggedStreamFrame {
  streamId: number;
  offset: number;
  length: number;
  fin: boolean;
}

/** One packet the endpoint logged as sent or received. */
export interface LoggedPacket {
  /** ms since the trace's start (see EndpointLog.timeFormat) */
  time: number;
  type: string;
  pn: number | undefined;
  frames: string[];
  streams: LoggedStreamFrame[];
}

/** What an endpoint logged, from the JSON-SEQ qlog ngtcp2 writes (qlog 0.3). */
export interface EndpointLog {
  file: string;
  vantage: 'client' | 'server';
  /** common_fields.group_id: the connection's original DCID */
  groupId: string;
  /**
   * common_fields.time_format. ngtcp2 0.12 writes "relative" with reference_time 0: each
   * event's time is whole milliseconds since the endpoint began its trace (its first event
   * is at 0), not since the epoch, so two endpoints' times share no origin.
   */
  timeFormat: string;
  /** what it sent, in order (kept to type, number and frame types: other tests compare these whole) */
  sent: { type: string; pn: number | undefined; frames: string[] }[];
  /** what it received, in order, with times and STREAM frames; sentPackets() gives the same for what it sent */
  received: LoggedPacket[];
  /** every event whole, in the order logged, for what the typed readers below do not cover */
  events: QlogEvent[];
}

export interface QlogEvent {
  time: number;
  name: string;
  data: Record<string, unknown>;
}

/** the records of a JSON-SEQ qlog (RFC 7464), parsed; a record cut short (endpoint killed mid-write) is skipped */
export function readSqlogRecords(path: string): any[] {
  return readFileSync(path, 'utf8')
    .split('\x1e')
    .filter((r) => r.trim())
    .flatMap((r) => {
      try {
        return [JSON.parse(r)];
      } catch {
        return [];
      }
    });
}

/**
 * A small reader for test expectations only, kept apart from the product's qlog reader on
 * purpose: the witness must not share the code it checks. A record cut short (endpoint
 * killed mid-write) is skipped.
 */
export function readEndpointLogs(dir: string): EndpointLog[] {
  const out: EndpointLog[] = [];
  for (const f of readdirSync(dir).filter((name) => name.endsWith('.sqlog'))) {
    const records = readSqlogRecords(join(dir, f));
    const head = records[0];
    const vantage = head.trace.vantage_point.type as 'client' | 'server';
    const events = (records.slice(1) as QlogEvent[]).filter((e) => typeof e.name === 'string' && typeof e.time === 'number');
    const packets = (name: string) => events.filter((e) => e.name === name).map(loggedPacket);
    out.push({
      file: f,
      vantage,
      groupId: head.trace.common_fields.group_id,
      timeFormat: head.trace.common_fields.time_format,
      sent: packets('transport:packet_sent').map(({ type, pn, frames }) => ({ type, pn, frames })),
      received: packets('transport:packet_received'),
      events,
    });
  }
  return out;
}

/** What the endpoint sent, with times and STREAM frames (its retransmissions among them). */
export function sentPackets(log: EndpointLog): LoggedPacket[] {
  return log.events.filter((e) => e.name === 'transport:packet_sent').map(loggedPacket);
}

interface RawFrame {
  frame_type: string;
  stream_id?: number;
  offset?: number;
  length?: number;
  fin?: boolean;
}

function loggedPacket(e: QlogEvent): LoggedPacket {
  const header = e.data.header as { packet_type: string; packet_number?: number };
  const frames = (e.data.frames ?? []) as RawFrame[];
  return {
    time: e.time,
    type: header.packet_type,
    pn: header.packet_number,
    frames: frames.map((f) => f.frame_type),
    streams: frames
      .filter((f) => f.frame_type === 'stream')
      .map((f) => ({ streamId: f.stream_id!, offset: f.offset ?? 0, length: f.length ?? 0, fin: f.fin === true })),
  };
}

/** A packet the endpoint declared lost (qlog `recovery:packet_lost`; RFC 9002 §6.1). */
export interface DeclaredLoss {
  time: number;
  type: string;
  pn: number;
}

/** The packets this endpoint, as sender, declared lost, in the order it declared them. */
export function declaredLost(log: EndpointLog): DeclaredLoss[] {
  return log.events
    .filter((e) => e.name === 'recovery:packet_lost')
    .map((e) => {
      const header = e.data.header as { packet_type: string; packet_number: number };
      return { time: e.time, type: header.packet_type, pn: header.packet_number };
    });
}

/**
 * One `recovery:metrics_updated` event. qlog lets an event carry only what changed; ngtcp2
 * 0.12 writes every field each time except min_rtt before its first sample and ssthresh while
 * it is unbounded. Times and RTTs are in milliseconds, windows in bytes.
 */
export interface MetricsSample {
  time: number;
  minRtt?: number;
  smoothedRtt?: number;
  latestRtt?: number;
  rttVariance?: number;
  congestionWindow?: number;
  bytesInFlight?: number;
  ssthresh?: number;
  ptoCount?: number;
}

const METRIC_FIELDS = {
  minRtt: 'min_rtt',
  smoothedRtt: 'smoothed_rtt',
  latestRtt: 'latest_rtt',
  rttVariance: 'rtt_variance',
  congestionWindow: 'congestion_window',
  bytesInFlight: 'bytes_in_flight',
  ssthresh: 'ssthresh',
  ptoCount: 'pto_count',
} as const;

/** The endpoint's metrics_updated series, each sample with the fields that event carried. */
export function rttMetrics(log: EndpointLog): MetricsSample[] {
  return log.events
    .filter((e) => e.name === 'recovery:metrics_updated')
    .map((e) => {
      const sample: MetricsSample = { time: e.time };
      for (const [ours, theirs] of Object.entries(METRIC_FIELDS) as [keyof typeof METRIC_FIELDS, string][]) {
        const v = e.data[theirs];
        if (typeof v === 'number') sample[ours] = v;
      }
      return sample;
    });
}

/** Each metric's last logged value: what the endpoint's estimator held when its log ended. */
export function finalMetrics(log: EndpointLog): MetricsSample {
  const last: MetricsSample = { time: 0 };
  for (const s of rttMetrics(log)) Object.assign(last, s);
  return last;
}

/** A packet the endpoint discarded on receipt (qlog `transport:packet_dropped`). */
export interface DroppedPacket {
  time: number;
  type: string | undefined;
  trigger: string | undefined;
}

/** The packets the endpoint logged as dropped; ngtcp2 0.12 logs none in our captures. */
export function droppedPackets(log: EndpointLog): DroppedPacket[] {
  return log.events
    .filter((e) => e.name === 'transport:packet_dropped')
    .map((e) => ({
      time: e.time,
      type: (e.data.header as { packet_type?: string } | undefined)?.packet_type,
      trigger: e.data.trigger as string | undefined,
    }));
}

/**
 * A hole in one stream's received data, from the receiver's log: a STREAM frame arrived
 * beyond the bytes received in order so far, so what followed could not be delivered to the
 * application (RFC 9000 §2.2) until the frame that filled the hole. `delivered` holds, per
 * other stream, the bytes that did arrive in order meanwhile: head-of-line blocking confined
 * to the stream the loss hit.
 */
export interface StreamGap {
  streamId: number;
  /** where the hole began: the stream's in-order end when it opened */
  offset: number;
  openedAt: number;
  filledAt: number;
  delivered: Map<number, number>;
}

/** The gaps in the request streams (client-initiated bidirectional) this endpoint received. */
export function receivedStreamGaps(log: EndpointLog): StreamGap[] {
  const ranges = new Map<number, [number, number][]>();
  const open = new Map<number, Omit<StreamGap, 'filledAt'>>();
  const gaps: StreamGap[] = [];
  for (const p of log.received) {
    for (const f of p.streams) {
      // client-initiated bidirectional streams: the two low bits are 0 (RFC 9000 §2.1)
      if (f.streamId % 4 !== 0) continue;
      const got = ranges.get(f.streamId) ?? [];
      ranges.set(f.streamId, got);
      const before = inOrderEnd(got);
      got.push([f.offset, f.offset + f.length]);
      const after = inOrderEnd(got);
      const gap = open.get(f.streamId);
      if (gap && after > gap.offset) {
        open.delete(f.streamId);
        gaps.push({ ...gap, filledAt: p.time });
      } else if (!gap && f.offset > before) {
        open.set(f.streamId, { streamId: f.streamId, offset: before, openedAt: p.time, delivered: new Map() });
      }
      if (after > before) {
        for (const other of open.values()) {
          if (other.streamId !== f.streamId) other.delivered.set(f.streamId, (other.delivered.get(f.streamId) ?? 0) + after - before);
        }
      }
    }
  }
  return gaps;
}

function inOrderEnd(ranges: [number, number][]): number {
  let end = 0;
  for (const [start, stop] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start > end) break;
    end = Math.max(end, stop);
  }
  return end;
}
