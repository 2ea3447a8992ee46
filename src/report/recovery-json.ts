import type { Connection } from '../analysis/connection.js';
import type { Fact } from '../analysis/finding.js';
import type { ConnectionRecoveryReport } from '../analysis/recovery/recovery-report.js';
import type { FlightSample, LossEvent, RttSample } from '../analysis/recovery/recovery-events.js';
import { formatEndpoint } from '../capture/types.js';
import { roundTime } from './packet-json.js';

/** What the recovery views read: the session's `recovery` (src/analysis/recovery/recovery-analysis.ts). */
export interface RecoveryView {
  report(c: Connection): ConnectionRecoveryReport | null;
  losses(c: Connection): LossEvent[];
  rttSamples(c: Connection): RttSample[];
  flight(c: Connection): FlightSample[];
}

/** why a connection has no recovery report */
export function noRecoveryReason(c: Connection): string {
  return c.log ? "read from an endpoint log: the log's own recovery events say what its side saw (a log's packets were not seen on a wire)" : 'the capture read no packet number of this connection';
}

const ms = (x: number) => Math.round(x * 1000) / 1000;

/** summary's `recovery` object: per sender the headline numbers, the end-to-end RTT, and the facts behind them */
export function recoverySummaryJson(r: ConnectionRecoveryReport | null): Record<string, unknown> | null {
  if (!r) return null;
  const side = (i: number) => {
    const d = r.directions[i]!;
    return {
      packets: d.packets,
      lost: d.lostAfterCapture === null || d.lostBeforeCapture === null ? null : d.lostAfterCapture + d.lostBeforeCapture,
      lossPercent: d.lossPercent,
      retransmittedBytes: d.retransmittedBytes ? d.retransmittedBytes.stream + d.retransmittedBytes.crypto : null,
      smoothedRttMs: d.rtt?.smoothedMs ?? null,
    };
  };
  const facts: Record<string, Fact> = {};
  for (const d of r.directions) for (const [k, f] of Object.entries(d.facts)) facts[`${d.sender}.${k}`] = f;
  facts.endToEndRtt = r.endToEndFact;
  return { client: side(0), server: side(1), endToEndRttMs: r.endToEndRtt?.smoothedMs ?? null, facts };
}

function lossJson(l: LossEvent): Record<string, unknown> {
  return {
    ...l,
    time: roundTime(l.time),
    detectedAt: roundTime(l.detectedAt),
    retransmission: l.retransmission ? { ...l.retransmission, time: roundTime(l.retransmission.time) } : null,
  };
}

/** `recovery --format json`: per connection the report, its loss events, RTT samples and bytes in flight */
export function recoveryToJson(inputs: readonly unknown[], connections: readonly Connection[], v: RecoveryView): Record<string, unknown> {
  return {
    inputs,
    connections: connections.map((c) => {
      const r = v.report(c);
      const base = { id: c.id, client: c.client ? formatEndpoint(c.client) : null, server: c.server ? formatEndpoint(c.server) : null };
      if (!r) return { ...base, recovery: null, reason: noRecoveryReason(c) };
      const { connection: _id, ...rest } = r;
      void _id;
      return {
        ...base,
        recovery: {
          ...rest,
          flowControlWaits: r.flowControlWaits.map((w) => ({ ...w, time: roundTime(w.time), raisedBy: w.raisedBy ? { ...w.raisedBy, time: roundTime(w.raisedBy.time) } : null })),
          losses: v.losses(c).map(lossJson),
          rttSamples: v.rttSamples(c).map((s) => ({ ...s, time: roundTime(s.time), latestMs: ms(s.latestMs), adjustedMs: ms(s.adjustedMs), ackDelayMs: ms(s.ackDelayMs), minMs: ms(s.minMs), smoothedMs: ms(s.smoothedMs), rttVarMs: ms(s.rttVarMs) })),
          flight: v.flight(c).map((f) => ({ ...f, time: roundTime(f.time) })),
        },
      };
    }),
  };
}
