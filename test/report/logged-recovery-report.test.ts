import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { endpointLogsOf } from '../../src/analysis/recovery/logged-recovery.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { openQlog } from '../../src/qlog/open-qlog.js';
import { besideCapture, besideTable, besideToJson } from '../../src/report/logged-recovery-report.js';
import type { Palette } from '../../src/report/colour.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOSS = join(REPO, 'captures', 'loss');
const plain: Palette = { dim: (s) => s, bold: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s, cyan: (s) => s };

/** captures/loss: the capture with its keys, and both endpoints' qlogs, in one session */
async function lossSession(): Promise<PacketSession> {
  const keylog = new KeyLog();
  keylog.add(readFileSync(join(LOSS, 'keys.log'), 'latin1'));
  const s = new PacketSession({ keylog });
  for await (const _ of s.read(await openCapture(join(LOSS, 'loss.pcap'))));
  for (const f of ['2411905e2aafd5e1a702bc6ad1a84d567a26.sqlog', 'ed751336a8b0154e79c48d81ba70515e14.sqlog']) for await (const _ of s.read((await openQlog(join(LOSS, 'qlog', f)))!));
  return s;
}

describe('endpoint logs beside the capture (captures/loss)', () => {
  it("each log's declared losses stand beside the capture's losses of the same sender", async () => {
    const s = await lossSession();
    const captured = s.tracker.connections.find((c) => !c.log)!;
    const report = s.recovery.report(captured);
    const logs = endpointLogsOf(captured, s.tracker.connections).map((c) => s.loggedRecovery(c)!);
    const rows = besideCapture(report, logs);
    const bySide = Object.fromEntries(rows.map((r) => [r.log.vantage, r]));
    expect(bySide.server!.log.lost.total).toBe(36);
    expect(bySide.client!.log.lost.total).toBe(3);
    // the capture's own figures for each sender and space, from the recovery report
    const server = report!.directions.find((d) => d.sender === 'server')!.spaces.application;
    expect(bySide.server!.capture!.bySpace.application).toEqual({ lost: server.lostAfterCapture! + server.lostBeforeCapture!, lostAfterCapture: server.lostAfterCapture, lostBeforeCapture: server.lostBeforeCapture });
    // issue 13: the sender's declared losses within ±2 of what the capture shows (all of them 1-RTT)
    expect(Math.abs(bySide.server!.capture!.bySpace.application!.lost! - 36)).toBeLessThanOrEqual(2);
    expect(Math.abs(bySide.client!.capture!.bySpace.application!.lost! - 3)).toBeLessThanOrEqual(2);
    // all of the capture's losses of either side are 1-RTT too: the totals are the application space's
    expect(bySide.server!.capture!.lost).toBe(bySide.server!.capture!.bySpace.application!.lost);
    expect(bySide.client!.capture!.lost).toBe(bySide.client!.capture!.bySpace.application!.lost);
    const json = besideToJson(rows);
    expect(json.find((j) => j.vantage === 'server')).toMatchObject({ lost: { total: 36, bySpace: { application: { count: 36 } } }, metrics: { updates: 257 }, capture: { lost: bySide.server!.capture!.lost, bySpace: { application: { lost: bySide.server!.capture!.bySpace.application!.lost } } } });
    const text = besideTable(rows, plain);
    expect(text).toContain('36 (0-RTT/1-RTT 36)');
    expect(text).toContain('3 (0-RTT/1-RTT 3)');
    expect(text).toContain(`${server.lostAfterCapture! + server.lostBeforeCapture!} (0-RTT/1-RTT ${server.lostAfterCapture} after + ${server.lostBeforeCapture} before)`);
    // the server's last congestion_window: 5162 bytes
    expect(text).toContain('5,162 B');
  });

  it('a log with no capture beside it says unknown, not 0, and what the log left out is not logged', () => {
    const log = { connection: 1, file: 'x.sqlog', vantage: 'client' as const, lost: { total: 0, bySpace: {}, byTrigger: {}, declared: [] }, metrics: { updates: 0, summary: {}, samples: [], sampleStride: 1 }, dropped: { total: 2, byTrigger: { key_unavailable: 2 } } };
    const text = besideTable(besideCapture(null, [log]), plain);
    const row = text.split('\n').find((l) => l.includes('x.sqlog'))!;
    expect(row.split('│').map((c) => c.trim()).filter(Boolean)).toEqual(['x.sqlog', 'client', '0', 'unknown', 'not logged', 'unknown', 'not logged', 'not logged', '2']);
    expect(text).toContain('client: dropped: key_unavailable 2');
  });
});

describe('endpoint logs beside the netem captures (real RTT, loss on a veth pair)', () => {
  async function session(name: string): Promise<PacketSession> {
    const dir = join(REPO, 'captures', name);
    const keylog = new KeyLog();
    keylog.add(readFileSync(join(dir, 'keys.log'), 'latin1'));
    const s = new PacketSession({ keylog });
    for await (const _ of s.read(await openCapture(join(dir, `${name}.pcap`))));
    for (const f of readdirSync(join(dir, 'qlog'))) for await (const _ of s.read((await openQlog(join(dir, 'qlog', f)))!));
    return s;
  }
  const beside = (s: PacketSession) => {
    const captured = s.tracker.connections.find((c) => !c.log)!;
    return Object.fromEntries(besideCapture(s.recovery.report(captured), endpointLogsOf(captured, s.tracker.connections).map((c) => s.loggedRecovery(c)!)).map((b) => [b.log.vantage, b]));
  };

  it('netem-loss: the server declared 20 lost (grep -c recovery:packet_lost), the capture shows 20; smoothed RTT within 10%', async () => {
    const rows = beside(await session('netem-loss'));
    expect(rows.server!.log.lost.total).toBe(20);
    expect(rows.server!.capture!.lost).toBe(20);
    // grep -c recovery:metrics_updated: 1923 (server), 1908 (client)
    expect(rows.server!.log.metrics.updates).toBe(1923);
    expect(rows.client!.log.metrics.updates).toBe(1908);
    const logged = rows.server!.log.metrics.summary.smoothedRttMs!.last;
    expect(Math.abs(rows.server!.capture!.smoothedRttMs! - logged) / logged).toBeLessThan(0.1);
  });

  it("netem-hol: the client declared no loss, the capture shows 3 of its packets lost: each an ACK-only packet in the client's own log", async () => {
    const s = await session('netem-hol');
    const rows = beside(s);
    expect(rows.client!.log.lost.total).toBe(0);
    const captured = s.tracker.connections.find((c) => !c.log)!;
    const clientLosses = s.recovery.losses(captured).filter((l) => l.sender === 'client');
    expect(clientLosses.map((l) => [l.where, l.pn])).toEqual([['before_capture', 34], ['before_capture', 38], ['before_capture', 56]]);
    // the client's log: packets 34, 38 and 56 were sent with one ACK frame each and nothing else,
    // so RFC 9002 has the client never declare them lost
    const log = readFileSync(join(REPO, 'captures', 'netem-hol', 'qlog', 'af7c68ac9c2e7687bcabacbad7b113a87d.sqlog'), 'utf8').split('\x1e');
    for (const pn of [34, 38, 56]) {
      const sent = log.map((r) => (r.trim() ? JSON.parse(r) : null)).find((e) => e?.name === 'transport:packet_sent' && e.data.header.packet_type === '1RTT' && e.data.header.packet_number === pn);
      expect(sent.data.frames.map((f: { frame_type: string }) => f.frame_type)).toEqual(['ack']);
    }
  });
});
