import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { REPO } from '../support/captures.js';
import { declaredLost, readEndpointLogs, receivedStreamGaps } from '../support/endpoint-qlog.js';

// The netem captures (captures/README.md): client — router — server, 15 ms each way, captured
// in the router. The head-of-line waits are measured at the capture point; the client's own
// log says when its streams waited (receivedStreamGaps), 15 ms later on its own clock.

async function read(name: string) {
  const dir = join(REPO, 'captures', name);
  const keylog = new KeyLog();
  keylog.add(readFileSync(join(dir, 'keys.log'), 'latin1'));
  const s = new PacketSession({ keylog });
  const packets: PacketRecord[] = [];
  for await (const ev of s.read(await openCapture(join(dir, `${name}.pcap`)))) if (ev.kind === 'packet') packets.push(ev.packet);
  const logs = readEndpointLogs(join(dir, 'qlog'));
  return { report: s.streams(s.tracker.connections[0]!), packets, client: logs.find((l) => l.vantage === 'client')!, server: logs.find((l) => l.vantage === 'server')! };
}

/** the first packet after `from` carrying a byte of the stream's hole: where the client's log sees the wait end */
function firstRepair(packets: PacketRecord[], stream: number, from: number, [start, end]: [number, number]): number {
  const p = packets.find((q) => q.time > from && q.direction === 'server' && q.frames.some((f) => f.type === 'stream' && f.stream_id === stream && f.offset < end && start < f.offset + f.length));
  return p!.time;
}

describe('netem-hol: the learner\'s question on a real capture', async () => {
  const { report, packets, server } = await read('netem-hol');

  it('stream 8 waits for its own lost packet while stream 12 keeps delivering', () => {
    const confined = report.stalls.filter((s) => s.othersDelivering.length > 0);
    expect(confined).toHaveLength(1);
    const s = confined[0]!;
    expect(s).toMatchObject({ stream: 8, sender: 'server', othersDelivering: [12] });
    // frame 136, pn 92: captured in the router, then lost; the server declared it lost
    expect(s.cause).toMatchObject({ where: 'after_capture', pn: 92, frame: 136, evidence: 'proven' });
    expect(declaredLost(server).map((l) => l.pn)).toContain(92);
    // its bytes came again in pn 109 (frame 161, 1,393 bytes) and pn 110 (frame 163, the last 8)
    expect(s.filledBy).toMatchObject({ frame: 163, pn: 110 });
    expect(s.waitMs).toBeGreaterThan(40);
    expect(s.waitMs).toBeLessThan(60);
    // streams 0, 4 and 12 never waited on stream 8's loss
    expect(report.streams.find((x) => x.id === 12)!.quicWaitMs).toBe(0);
    expect(report.streams.find((x) => x.id === 4)!.quicWaitMs).toBe(0);
  });

  it('under TCP stream 12 would have waited too, and the sentence says so', () => {
    const shared = report.tcp.filter((h) => h.held.some((x) => x.stream !== h.stream));
    expect(shared).toHaveLength(1);
    const h = shared[0]!;
    expect(h.stream).toBe(8);
    expect(h.held.map((x) => x.stream)).toEqual([8, 12]);
    const twelve = h.held.find((x) => x.stream === 12)!;
    // stream 12's first bytes (frame 151, 0.319 s) would have waited for frame 163 (0.344 s)
    expect(twelve.tcpWaitMs).toBeCloseTo((0.343519 - 0.319029) * 1000, 3);
    expect(twelve.quicWaitMs).toBe(0);
    expect(h.sentence).toMatch(/^stream 8 waited 48 ms for its own loss \(packet 92, frame 136; repaired by frame 163\); stream 12 would have waited 24 ms too under TCP, and waited 0 ms here$/);
    const s12 = report.streams.find((x) => x.id === 12)!;
    expect(s12.tcpExtraMs).toBeCloseTo(twelve.tcpWaitMs, 6);
  });

  it("matches the client's own log: the wait opened when data behind the hole arrived and lasted until the repair", async () => {
    const { client } = await read('netem-hol');
    const gap = receivedStreamGaps(client).find((g) => g.delivered.size > 0)!;
    const s = report.stalls.find((x) => x.stream === 8)!;
    // the client's log ends the wait at the first repair (frame 161); the qlog's times are whole ms
    const measured = (firstRepair(packets, 8, s.from, s.cause.bytes) - s.from) * 1000;
    expect(Math.abs(measured - (gap.filledAt - gap.openedAt))).toBeLessThanOrEqual(2);
  });
});

describe('netem-loss: every wait the client logged, from the capture point', async () => {
  const { report, packets, client, server } = await read('netem-loss');
  const gaps = receivedStreamGaps(client).filter((g) => g.filledAt - g.openedAt >= 30);
  // a wait of about a round trip: a loss detected and repaired (the path's RTT is 30 ms)
  const long = report.stalls.filter((s) => (firstRepair(packets, s.stream, s.from, s.cause.bytes) - s.from) * 1000 >= 28);

  it('finds the same waits, stream by stream, each within 3 ms of the client\'s log', () => {
    expect(gaps.length).toBeGreaterThanOrEqual(10);
    expect(long.map((s) => s.stream)).toEqual(gaps.map((g) => g.streamId));
    long.forEach((s, i) => {
      const measured = (firstRepair(packets, s.stream, s.from, s.cause.bytes) - s.from) * 1000;
      expect([s.stream, Math.abs(measured - (gaps[i]!.filledAt - gaps[i]!.openedAt)) <= 3]).toEqual([s.stream, true]);
      // the client's hole starts in the bytes the stall blames
      expect(s.cause.bytes[0]).toBeLessThanOrEqual(gaps[i]!.offset);
      expect(gaps[i]!.offset).toBeLessThan(s.cause.bytes[1]);
    });
    // one clock offset (capture point → client, 15 ms, and the log's origin) fits every wait
    const offsets = long.map((s, i) => gaps[i]!.openedAt - s.from * 1000);
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeLessThanOrEqual(4);
  });

  it('blames every wait on a packet the server declared lost', () => {
    const lost = new Set(declaredLost(server).map((l) => l.pn));
    for (const s of report.stalls) {
      expect(s.cause.where).toBe('after_capture');
      expect([s.cause.pn, lost.has(s.cause.pn!)]).toEqual([s.cause.pn, true]);
    }
  });

  it('says which stream kept delivering, as the client logged it', () => {
    const confined = receivedStreamGaps(client).filter((g) => g.delivered.size > 0);
    for (const g of confined) {
      const s = report.stalls.find((x) => x.stream === g.streamId && x.cause.bytes[0] <= g.offset && g.offset < x.cause.bytes[1])!;
      expect(s.othersDelivering).toEqual([...g.delivered.keys()].sort((a, b) => a - b));
    }
  });
});

describe('netem-delay: no loss, no wait', () => {
  it('shows eight complete responses and neither a stall nor a TCP hold, as neither endpoint declared a loss', async () => {
    const { report, client, server } = await read('netem-delay');
    expect(declaredLost(client)).toEqual([]);
    expect(declaredLost(server)).toEqual([]);
    const requests = report.streams.filter((s) => s.role === 'request');
    expect(requests).toHaveLength(8);
    expect(requests.every((s) => s.server.fin && s.server.retransmittedBytes === 0 && s.request?.status === 200)).toBe(true);
    expect(report.stalls).toEqual([]);
    expect(report.unfilled).toEqual([]);
    expect(report.tcp).toEqual([]);
  });
});
