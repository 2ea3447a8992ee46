import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { QlogEvent } from '../../src/qlog/qlog-events.js';
import { collect } from './collect.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(here, 'fixtures', name);
const THIRD_PARTY = join(here, '..', 'fixtures', 'qlogs');

const recovery = (events: QlogEvent[]) => events.filter((e) => e.kind === 'packet_lost' || e.kind === 'metrics_updated' || e.kind === 'packet_dropped');
/** an event without what every event has, to compare its typed fields */
const fields = ({ trace: _t, name: _n, position: _p, timeMs: _m, ...rest }: QlogEvent) => rest;

describe('recovery events in every qlog version (quic-events §Recovery events, §packet_dropped)', () => {
  it('IETF JSON-SEQ with quic: names: RTTs as float ms, header, raw.length and trigger', async () => {
    const { events, problems } = await collect(fixture('recovery-quic-names.sqlog'));
    expect(problems).toEqual([]);
    expect(recovery(events).map(fields)).toEqual([
      { kind: 'metrics_updated', minRttMs: 12.25, smoothedRttMs: 12.25, latestRttMs: 12.25, rttVarianceMs: 6.125, congestionWindow: 13500, bytesInFlight: 1200 },
      { kind: 'packet_dropped', packetType: 'handshake', packetNumber: null, length: 1180, trigger: 'key_unavailable' },
      { kind: 'packet_dropped', packetType: 'unknown', packetNumber: null, length: 40, trigger: 'invalid' },
      { kind: 'packet_lost', packetType: '1RTT', packetNumber: 7, trigger: 'time_threshold', frames: [{ frame_type: 'stream', stream_id: 0, offset: 0, length: 1000 }] },
      { kind: 'packet_lost', packetType: 'handshake', packetNumber: 2, trigger: 'pto_expired' },
      { kind: 'metrics_updated', latestRttMs: 20.5, smoothedRttMs: 13.28, congestionWindow: 6750, bytesInFlight: 2400 },
    ]);
  });

  it('draft-02 JSON with category and event: packet_type beside the header, numbers written as strings', async () => {
    const { events, problems } = await collect(fixture('recovery-draft02.qlog'));
    expect(problems).toEqual([]);
    expect(recovery(events).map(fields)).toEqual([
      { kind: 'metrics_updated', bytesInFlight: 1252, congestionWindow: 14720 },
      { kind: 'metrics_updated', minRttMs: 38, smoothedRttMs: 38, latestRttMs: 38, rttVarianceMs: 19 },
      { kind: 'packet_dropped', packetType: '1RTT', packetNumber: null, length: 1252, trigger: 'key_unavailable' },
      { kind: 'packet_lost', packetType: 'initial', packetNumber: 1, trigger: 'reordering_threshold' },
      { kind: 'packet_lost', packetType: 'initial', packetNumber: 3, trigger: 'reordering_threshold' },
      { kind: 'packet_lost', packetType: '1RTT', packetNumber: 4, trigger: 'time_threshold' },
    ]);
  });

  it('qlog 0.3 JSON as quic-go writes it: recovery: and transport:packet_dropped', async () => {
    const { events, problems } = await collect(fixture('recovery-03.qlog'));
    expect(problems).toEqual([]);
    expect(recovery(events).map(fields)).toEqual([
      { kind: 'metrics_updated', congestionWindow: 32000, bytesInFlight: 1252, packetsInFlight: 1 },
      { kind: 'metrics_updated', minRttMs: 25.3, smoothedRttMs: 25.3, latestRttMs: 25.3, rttVarianceMs: 12.65, bytesInFlight: 0, packetsInFlight: 0 },
      { kind: 'packet_dropped', packetType: '0RTT', packetNumber: 3, length: 900, trigger: 'duplicate' },
      { kind: 'packet_dropped', packetType: '1RTT', packetNumber: null, length: 60, trigger: 'duplicate' },
      { kind: 'packet_lost', packetType: '1RTT', packetNumber: 9, trigger: 'reordering_threshold' },
      { kind: 'metrics_updated', congestionWindow: 16000, ptoCount: 1 },
    ]);
  });

  it('draft-00 (quictrace-to-qlog): RECOVERY PACKET_LOST with the number alone, METRIC_UPDATE RTTs in µs read as ms', async () => {
    const { events, problems } = await collect(join(THIRD_PARTY, 'quictrace-draft00-loss.qlog'));
    expect(problems).toEqual([]);
    // grep -o '"PACKET_LOST"' … | wc -l → 171; grep -o '"METRIC_UPDATE"' … | wc -l → 432
    expect(events.filter((e) => e.kind === 'packet_lost')).toHaveLength(171);
    expect(events.filter((e) => e.kind === 'metrics_updated')).toHaveLength(432);
    // the first: ["…","RECOVERY","PACKET_LOST","UNKNOWN",{"packet_number":"117"}]
    expect(fields(events.find((e) => e.kind === 'packet_lost')!)).toEqual({ kind: 'packet_lost', packetType: 'unknown', packetNumber: 117 });
    // the first METRIC_UPDATE: {"min_rtt":126536,"smoothed_rtt":126536,"latest_rtt":126536,"bytes_in_flight":12150,"cwnd":17300,"pacing_rate":923056}
    expect(fields(events.find((e) => e.kind === 'metrics_updated')!)).toEqual({
      kind: 'metrics_updated',
      minRttMs: 126.536,
      smoothedRttMs: 126.536,
      latestRttMs: 126.536,
      bytesInFlight: 12150,
      congestionWindow: 17300,
      pacingRate: 923056,
    });
  });
});
