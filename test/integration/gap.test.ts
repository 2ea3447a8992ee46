import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import type { PnSyncReport } from '../../src/analysis/packet-number-sync.js';
import { PacketSession } from '../../src/analysis/read-packets.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { readDatagrams } from '../../src/capture/read-datagrams.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { REPO } from '../support/captures.js';
import { readEndpointLogs } from '../support/endpoint-qlog.js';

// captures/gap: a bulk transfer with a run of 2,400 records cut out by editcap (record.sh's
// `gap` scenario), longer than a 1-byte packet number's window in both directions; the
// records cut out are in gap-cut.pcap.part. tshark decrypts nothing after the gap.
const DIR = join(REPO, 'captures', 'gap');
const SERVER_PORT = 4433;

let packets: PacketRecord[];
let sync: PnSyncReport;
/** the first frame after the gap, and each sender's records in the run cut out */
let firstAfter: number;
const cut = { client: 0, server: 0 };

beforeAll(async () => {
  const keylog = new KeyLog();
  keylog.add(readFileSync(join(DIR, 'keys.log'), 'latin1'));
  const session = new PacketSession({ keylog });
  packets = [];
  for await (const ev of session.read(await openCapture(join(DIR, 'gap.pcap')))) if (ev.kind === 'packet') packets.push(ev.packet);
  sync = session.pnSync(packets[0]!.connection);
  let cutEnd = 0;
  for await (const ev of readDatagrams(await openCapture(join(DIR, 'gap-cut.pcap.part')))) {
    if (ev.kind !== 'datagram') continue;
    cut[ev.datagram.src.port === SERVER_PORT ? 'server' : 'client']++;
    cutEnd = ev.datagram.time;
  }
  // packet times count from the capture's first record: a classic little-endian pcap, whose
  // first record header (seconds, microseconds) follows the 24-byte file header
  const head = readFileSync(join(DIR, 'gap.pcap')).subarray(24, 32);
  const zero = head.readUInt32LE(0) + head.readUInt32LE(4) / 1e6;
  firstAfter = packets.find((p) => zero + p.time > cutEnd)!.frame;
}, 60_000);

describe('captures/gap: packet-number sync kept through a 2,400-record gap', () => {
  it('the gap is where record.sh cut it, and longer than the packet-number window both ways', () => {
    expect(firstAfter).toBe(3001);
    expect(cut.server).toBeGreaterThan(256);
    expect(cut.client).toBeGreaterThan(256);
  });

  it("every packet after the gap decrypts: each sender logged exactly the packets before it, the run cut out and those after it (the endpoints' qlogs)", () => {
    expect(packets.filter((p) => p.decrypted !== true).map((p) => p.frame)).toEqual([]);
    for (const log of readEndpointLogs(join(DIR, 'qlog'))) {
      const mine = packets.filter((p) => p.direction === log.vantage && p.header.type === '1RTT');
      const before = mine.filter((p) => p.frame < firstAfter);
      const after = mine.filter((p) => p.frame >= firstAfter);
      const logged = log.sent.filter((s) => s.type === '1RTT');
      expect(after.length).toBeGreaterThan(200);
      expect(after.length).toBe(logged.length - before.length - cut[log.vantage]);
      // and they are the numbers the sender logged, the last ones it sent
      const loggedPns = logged.map((s) => s.pn!).sort((a, b) => a - b);
      expect(after.map((p) => p.pn)).toEqual(loggedPns.slice(-after.length));
    }
  });

  it('says how many packets it recovered and how: the client by its packet rate, the server by the client’s ACK after the gap', () => {
    const after = packets.filter((p) => p.frame >= firstAfter);
    expect(sync.recovered).toBe(after.length);
    expect(sync.undecrypted).toBe(0);
    expect(sync.resyncs.map((r) => [r.direction, r.frame, r.method, r.recovered])).toEqual([
      ['client', 3001, 'packet_rate', after.filter((p) => p.direction === 'client').length],
      ['server', 3002, 'peer_ack', after.filter((p) => p.direction === 'server').length],
    ]);
    // the server's number follows the largest the client acknowledged in frame 3001
    const ack = packets.find((p) => p.frame === 3001)!.frames.find((f) => f.type === 'ack');
    const server = sync.resyncs[1]!;
    expect(ack && ack.type === 'ack' ? ack.acked_ranges[0]![1] + 1 : null).toBe(server.pn);
    expect(server.skippedPns).toBeGreaterThanOrEqual(cut.server);
    expect(packets.filter((p) => p.pnRecovery).map((p) => `${p.frame}:${p.pnRecovery}`)).toEqual(['3001:packet_rate', '3002:peer_ack']);
  });
});

describe('captures/gap: crosscheck against the endpoints qlogs', () => {
  it('the packets cut out are the capture\'s drops (sent, and received by the peer), nothing else disagrees', () => {
    const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'crosscheck', join(DIR, 'gap.pcap'), join(DIR, 'qlog'), '--keylog', join(DIR, 'keys.log'), '--format', 'json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const logs: { vantage: 'client' | 'server'; sent: { logged: number; onWire: number }; unchecked: number; counts: Record<string, number> }[] = JSON.parse(r.stdout).logs;
    expect(logs.map((l) => l.vantage).sort()).toEqual(['client', 'server']);
    for (const l of logs) {
      expect(l.counts.missingFromCapture).toBe(cut[l.vantage]);
      expect(l.sent.logged).toBe(l.sent.onWire + cut[l.vantage]);
      expect([l.unchecked, l.counts.lostBeforeCapture, l.counts.mismatches, l.counts.unexplainedUnlogged]).toEqual([0, 0, 0, 0]);
    }
  });
});

describe('captures/gap: summary', () => {
  const run = (format: string) =>
    spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'summary', join(DIR, 'gap.pcap'), '--keylog', join(DIR, 'keys.log'), '--format', format], { encoding: 'utf8' });

  it('JSON: the recovered packets, and the responses the capture did not hold whole marked incomplete', () => {
    const r = run('json');
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout).connections[0];
    expect(c.packets).toMatchObject({ total: packets.length, decrypted: packets.length });
    expect(c.packets.sent.client.packets + c.packets.sent.server.packets).toBe(packets.length);
    expect(c.packetNumberSync.recovered).toBe(sync.recovered);
    const byStream = new Map<number, Record<string, unknown>>(c.requests.map((q: { stream: number }) => [q.stream, q]));
    // stream 0 ended before the gap: whole, its body as long as its content-length says
    expect(byStream.get(0)).toMatchObject({ status: 200, responseComplete: true, responseBodyBytes: 2_000_000, contentLength: 2_000_000 });
    // stream 4's end, all of stream 8 and stream 12's start (with its HEADERS) are in the gap
    expect(byStream.get(4)).toMatchObject({ status: 200, responseComplete: false, contentLength: 2_000_000, responseStreamBytes: { finalSize: null } });
    expect(byStream.get(4)!.responseBodyBytes).toBeLessThan(2_000_000);
    expect(byStream.get(4)!.incomplete).toMatch(/no end of the response stream \(FIN\) in the capture/);
    expect(byStream.get(8)).toMatchObject({ responseComplete: false, responseStreamBytes: { seen: 0, finalSize: null }, incomplete: 'no response bytes in the capture' });
    expect(byStream.get(12)).toMatchObject({ responseComplete: false, responseStreamBytes: { finalSize: 2_000_019 } });
    expect(byStream.get(12)!.status).toBeUndefined();
    expect(byStream.get(12)!.incomplete).toMatch(/^the capture lacks \d+ of the response stream's 2000019 bytes, from byte 0$/);
  });

  it('text: incomplete responses are said to be so, never shown as short ones', () => {
    const r = run('table');
    const lines = r.stdout.split('\n').filter((l) => /stream \d+ {2}GET/.test(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/→ 200, 2000000 bytes$/);
    expect(lines[1]).toMatch(/→ 200, incomplete: .*1728049 of 2000000 body bytes \(content-length\) read$/);
    expect(lines[2]).toMatch(/→ no response in the capture$/);
    expect(lines[3]).toMatch(/→ status not in the capture, incomplete: the capture lacks/);
    expect(r.stdout).toMatch(/server packet numbers jumped from 2666 \(frame 3000\) to 4626 \(frame 3002\): found near the peer's ACK; 1092 packets decrypted/);
  });
});
