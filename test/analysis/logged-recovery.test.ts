import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { endpointLogsOf, LOGGED_PN_LIMIT, METRICS_SAMPLE_LIMIT } from '../../src/analysis/recovery/logged-recovery.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { openQlog } from '../../src/qlog/open-qlog.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOSS = join(REPO, 'captures', 'loss');
const SERVER_LOG = join(LOSS, 'qlog', '2411905e2aafd5e1a702bc6ad1a84d567a26.sqlog');
const CLIENT_LOG = join(LOSS, 'qlog', 'ed751336a8b0154e79c48d81ba70515e14.sqlog');
const THIRD_PARTY = join(REPO, 'test', 'fixtures', 'qlogs');

async function readLogs(...paths: string[]): Promise<PacketSession> {
  const s = new PacketSession();
  for (const p of paths) for await (const _ of s.read((await openQlog(p))!));
  return s;
}

describe('LoggedRecovery: what the endpoints of captures/loss logged (ngtcp2 0.12, qlog 0.3 JSON-SEQ)', () => {
  it('the server declared 36 packets lost, the client 3, all 1-RTT, with the numbers the logs give', async () => {
    const s = await readLogs(SERVER_LOG, CLIENT_LOG);
    const [server, client] = s.tracker.connections.map((c) => s.loggedRecovery(c)!);
    // grep -c recovery:packet_lost on each file: 36 and 3, every one "packet_type":"1RTT"
    expect(server).toMatchObject({ vantage: 'server', lost: { total: 36, byTrigger: { unknown: 36 } } });
    expect(Object.keys(server!.lost.bySpace)).toEqual(['application']);
    expect(server!.lost.bySpace.application!.count).toBe(36);
    // grep recovery:packet_lost | grep -o 'packet_number":[0-9]*': 28, 24, 36 first, 178 last
    expect(server!.lost.bySpace.application!.packetNumbers.slice(0, 3)).toEqual([28, 24, 36]);
    expect(server!.lost.bySpace.application!.packetNumbers.at(-1)).toBe(178);
    expect(client).toMatchObject({ vantage: 'client', lost: { total: 3, bySpace: { application: { count: 3, packetNumbers: [1, 2, 51] } } } });
    expect(server!.dropped.total).toBe(0);
  });

  it('the metrics: 257 and 229 updates, first and last values as logged, cwnd extremes', async () => {
    const s = await readLogs(SERVER_LOG, CLIENT_LOG);
    const [server, client] = s.tracker.connections.map((c) => s.loggedRecovery(c)!);
    // grep -c recovery:metrics_updated: 257 (server), 229 (client)
    expect(server!.metrics.updates).toBe(257);
    expect(client!.metrics.updates).toBe(229);
    // the first update: {"smoothed_rtt":333,"latest_rtt":0,"rtt_variance":166,…,"congestion_window":14520,"bytes_in_flight":0}
    // the last: {"min_rtt":0,"smoothed_rtt":0,"latest_rtt":1,…,"congestion_window":5162,"bytes_in_flight":2718}
    expect(server!.metrics.summary.smoothedRttMs).toMatchObject({ first: 333, last: 0 });
    expect(server!.metrics.summary.congestionWindow).toMatchObject({ first: 14520, last: 5162 });
    // grep -o 'congestion_window":[0-9]*' | sort -n: 2904 smallest, 42182 largest
    expect(server!.metrics.summary.congestionWindow).toMatchObject({ min: 2904, max: 42182, count: 257 });
    // grep -o 'bytes_in_flight":[0-9]*' | sort -n | tail -1: 30324
    expect(server!.metrics.summary.bytesInFlight!.max).toBe(30324);
    // min_rtt appears in 253 of the 257 (grep min_rtt | grep -c metrics_updated)
    expect(server!.metrics.summary.minRttMs!.count).toBe(253);
    // every update kept (fewer than the limit), each the state so far: the last is the final state
    expect(server!.metrics.samples).toHaveLength(257);
    expect(server!.metrics.samples.at(-1)).toMatchObject({ congestionWindow: 5162, bytesInFlight: 2718, latestRttMs: 1 });
    expect(server!.metrics.samples.every((x, i, all) => i === 0 || x.time >= all[i - 1]!.time)).toBe(true);
  });
});

describe('LoggedRecovery from other writers and versions', () => {
  it('qvis draft-01 client trace: 45 metrics_updated with cwnd and 19 RTT updates, no loss', async () => {
    const s = await readLogs(join(THIRD_PARTY, 'qvis-draft01-parallel.qlog'));
    const r = s.loggedRecovery(s.tracker.connections[0]!)!;
    // grep -o '"metrics_updated"' | wc -l → 45; grep -o '"smoothed_rtt"' | wc -l → 19
    expect(r.metrics.updates).toBe(45);
    expect(r.metrics.summary.smoothedRttMs!.count).toBe(19);
    expect(r.metrics.summary.congestionWindow).toMatchObject({ first: 12800, count: 45 });
    // the first RTT update: "latest_rtt":172,"min_rtt":172,"smoothed_rtt":172,"rtt_variance":86
    expect(r.metrics.summary.minRttMs!.first).toBe(172);
    expect(r.lost.total).toBe(0);
  });

  it('quictrace draft-00 server: 171 PACKET_LOST without a type, smoothed RTT from µs', async () => {
    const s = await readLogs(join(THIRD_PARTY, 'quictrace-draft00-loss.qlog'));
    const r = s.loggedRecovery(s.tracker.connections[0]!)!;
    expect(r.vantage).toBe('server');
    expect(r.lost).toMatchObject({ total: 171, bySpace: { unknown: { count: 171 } } });
    expect(r.lost.bySpace.unknown!.packetNumbers.slice(0, 3)).toEqual([117, 121, 123]);
    expect(r.lost.bySpace.unknown!.packetNumbers.at(-1)).toBe(516);
    // grep -o '"smoothed_rtt":[0-9]*' | sort -n: 124180 and 159653 µs
    expect(r.metrics.summary.smoothedRttMs).toMatchObject({ first: 126.536, min: 124.18, max: 159.653 });
  });

  it('quic: names in JSON-SEQ: losses per space and trigger, drops per trigger', async () => {
    const s = await readLogs(join(REPO, 'test', 'qlog', 'fixtures', 'recovery-quic-names.sqlog'));
    const r = s.loggedRecovery(s.tracker.connections[0]!)!;
    expect(r.lost).toEqual({
      total: 2,
      bySpace: { application: { count: 1, packetNumbers: [7] }, handshake: { count: 1, packetNumbers: [2] } },
      byTrigger: expect.objectContaining({ time_threshold: 1, pto_expired: 1 }),
      // both at "time": 30 ms after the file's first event
      declared: [
        { time: 0.03, packetType: '1RTT', pn: 7, trigger: 'time_threshold' },
        { time: 0.03, packetType: 'handshake', pn: 2, trigger: 'pto_expired' },
      ],
    });
    expect({ ...r.dropped.byTrigger }).toEqual({ key_unavailable: 1, invalid: 1 });
    expect(r.metrics.summary.smoothedRttMs).toEqual({ first: 12.25, last: 13.28, min: 12.25, max: 13.28, count: 2 });
  });
});

describe('LoggedRecovery keeps memory bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quiclens-logged-recovery-'));
  it(`lists at most ${LOGGED_PN_LIMIT} packet numbers and ${METRICS_SAMPLE_LIMIT} samples, and counts them all`, async () => {
    const head = { qlog_format: 'JSON-SEQ', qlog_version: '0.3', trace: { vantage_point: { type: 'server' }, common_fields: { group_id: 'aabbccdd', time_format: 'relative', reference_time: 0 } } };
    const lines = [head];
    const n = 5000;
    for (let i = 0; i < n; i++) {
      lines.push({ time: i, name: 'recovery:packet_lost', data: { header: { packet_type: '1RTT', packet_number: i } } } as never);
      lines.push({ time: i, name: 'recovery:metrics_updated', data: { bytes_in_flight: i } } as never);
    }
    const path = join(dir, 'many.sqlog');
    writeFileSync(path, lines.map((l) => `\x1e${JSON.stringify(l)}\n`).join(''));
    const s = await readLogs(path);
    const r = s.loggedRecovery(s.tracker.connections[0]!)!;
    expect(r.lost.bySpace.application!.count).toBe(n);
    expect(r.lost.bySpace.application!.packetNumbers).toHaveLength(LOGGED_PN_LIMIT);
    expect(r.metrics.updates).toBe(n);
    expect(r.metrics.samples.length).toBeLessThanOrEqual(METRICS_SAMPLE_LIMIT);
    expect(r.metrics.samples.length).toBeGreaterThan(METRICS_SAMPLE_LIMIT / 4);
    // evenly spread: the samples are every stride-th update from the first
    const stride = r.metrics.sampleStride;
    expect(r.metrics.samples.map((x) => x.bytesInFlight)).toEqual(r.metrics.samples.map((_, i) => i * stride));
    expect(r.metrics.summary.bytesInFlight).toEqual({ first: 0, last: n - 1, min: 0, max: n - 1, count: n });
  });
});

describe('endpointLogsOf: the capture of captures/loss and its two endpoint logs', () => {
  it('pairs the captured connection with the server and client logs by original DCID', async () => {
    const s = await readLogs(SERVER_LOG, CLIENT_LOG);
    for await (const _ of s.read(await openCapture(join(LOSS, 'loss.pcap'))));
    const captured = s.tracker.connections.filter((c) => !c.log);
    expect(captured).toHaveLength(1);
    const logs = endpointLogsOf(captured[0]!, s.tracker.connections);
    expect(logs.map((c) => c.log!.vantage).sort()).toEqual(['client', 'server']);
    expect(logs.map((c) => s.loggedRecovery(c)!.lost.total).sort((a, b) => a - b)).toEqual([3, 36]);
    // a log's own connection has no endpoint logs: it is one
    expect(endpointLogsOf(logs[0]!, s.tracker.connections)).toEqual([]);
  });
});
