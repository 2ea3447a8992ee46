import type { Connection, Role } from '../analysis/connection.js';
import type { FlightSample, LossEvent, RttSample } from '../analysis/recovery/recovery-events.js';
import type { PnSpace } from '../analysis/recovery/pn-space.js';

/** What the capture's recovery analysis gives per connection (session.recovery). */
export interface RecoverySource {
  losses(conn: Connection): LossEvent[];
  rttSamples(conn: Connection): RttSample[];
  flight(conn: Connection): FlightSample[];
}

/** One qlog event, before serialisation: time in ms on the trace's clock. */
export interface QlogLine {
  time: number;
  name: string;
  data: Record<string, unknown>;
}

/** milliseconds with microsecond precision, as the writer's other times */
const ms = (seconds: number) => Math.round(seconds * 1e6) / 1e3;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * qlog 0.3 names packets by type, not space: a loss in the application space is 1-RTT
 * unless the sender only had 0-RTT keys then, which the event does not say; the lost packet's
 * own type is in the capture only when it crossed the capture point.
 */
const TYPE_OF_SPACE: Record<PnSpace, string> = { initial: 'initial', handshake: 'handshake', application: '1RTT' };

/**
 * The recovery events of one vantage point's trace, from what the capture implies
 * (draft-ietf-quic-qlog-quic-events-02, the events of qlog 0.3: recovery:packet_lost §7.4,
 * recovery:metrics_updated §7.2). Only the vantage point's own sent packets: its losses, the
 * RTT samples of its packets (the leg capture → peer → capture) and its bytes in flight at
 * the capture point. congestion_window is never written: the wire does not show it. Sorted
 * by time; samples of the same time keep the analysis's order.
 */
export function recoveryQlogEvents(conn: Connection, vantage: Role, source: RecoverySource): QlogLine[] {
  const out: QlogLine[] = [];
  for (const l of source.losses(conn)) {
    if (l.sender !== vantage) continue;
    // the time the capture first showed it lost: the sender declares a loss no earlier
    out.push({ time: ms(l.detectedAt), name: 'recovery:packet_lost', data: { header: { packet_type: TYPE_OF_SPACE[l.space], packet_number: l.pn } } });
  }
  for (const r of source.rttSamples(conn)) {
    if (r.sender !== vantage) continue;
    out.push({
      time: ms(r.time),
      name: 'recovery:metrics_updated',
      data: { min_rtt: round3(r.minMs), smoothed_rtt: round3(r.smoothedMs), latest_rtt: round3(r.latestMs), rtt_variance: round3(r.rttVarMs) },
    });
  }
  for (const f of source.flight(conn)) {
    if (f.sender !== vantage) continue;
    out.push({ time: ms(f.time), name: 'recovery:metrics_updated', data: { bytes_in_flight: f.bytes } });
  }
  // a stable sort: the losses, RTT and flight of one instant keep that order
  return out.sort((a, b) => a.time - b.time);
}
