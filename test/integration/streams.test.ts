import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../src/analysis/read-packets.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { REPO } from '../support/captures.js';
import { distinctBytes, readEndpointStreams } from '../support/endpoint-streams.js';
import { readEndpointLogs } from '../support/endpoint-qlog.js';

async function read(scenario: string, keys: string | null = readFileSync(join(REPO, 'captures', scenario, 'keys.log'), 'latin1')) {
  const keylog = new KeyLog();
  if (keys !== null) keylog.add(keys);
  const s = new PacketSession({ keylog });
  const packets: PacketRecord[] = [];
  for await (const ev of s.read(await openCapture(join(REPO, 'captures', scenario, `${scenario}.pcap`)))) if (ev.kind === 'packet') packets.push(ev.packet);
  return { s, packets, reports: s.tracker.connections.map((c) => s.streams(c)) };
}

/**
 * captures/loss: ngtcp2 with -t 0.1 -r 0.1, both endpoints dropping a tenth of what they send
 * (never on the wire: a hole before the capture point) and of what they receive (on the wire,
 * never acknowledged: lost after it). One request, stream 0, a 200,000-byte response.
 */
describe('captures/loss: streams held to both endpoints\' qlogs', async () => {
  const { packets, reports } = await read('loss');
  const [r] = reports;
  const logs = readEndpointStreams(join(REPO, 'captures', 'loss', 'qlog'));
  const server = logs.find((l) => l.vantage === 'server')!;
  const client = logs.find((l) => l.vantage === 'client')!;
  const captured = new Set(packets.filter((p) => p.direction === 'server' && p.header.type === '1RTT').map((p) => p.pn));

  it('counts each stream\'s bytes as each sender logged them in its STREAM frames, with the FINs', () => {
    expect(r!.known.evidence).toBe('proven');
    const ids = r!.streams.map((s) => s.id);
    expect(ids).toEqual([0, 2, 3, 6, 7, 10, 11]);
    for (const s of r!.streams) {
      expect([s.id, s.client.bytes]).toEqual([s.id, distinctBytes(client, s.id)]);
      expect([s.id, s.server.bytes]).toEqual([s.id, distinctBytes(server, s.id)]);
      const fin = (log: typeof server) => log.sent.some((p) => p.streams.some((f) => f.id === s.id && f.fin));
      expect([s.id, s.client.fin, s.server.fin]).toEqual([s.id, fin(client), fin(server)]);
    }
    const s0 = r!.streams[0]!;
    expect(s0).toMatchObject({ opener: 'client', directionality: 'bidi', role: 'request', request: { method: 'GET', path: '/file.bin', status: 200 } });
    expect(s0.server.bytes).toBe(200018);
    expect(r!.streams.find((s) => s.id === 3)!.role).toBe('control');
  });

  it('counts no more bytes sent again than the sender logged sending again', () => {
    const logged = server.sent.flatMap((p) => p.streams).filter((f) => f.id === 0).reduce((n, f) => n + f.length, 0) - distinctBytes(server, 0);
    const s0 = r!.streams[0]!;
    expect(s0.server.retransmittedBytes).toBeGreaterThan(0);
    expect(s0.server.retransmittedBytes).toBeLessThanOrEqual(logged);
  });

  it('blames each stall on a packet the server logged with those bytes, and lost', () => {
    expect(r!.stalls.length).toBeGreaterThan(10);
    const carried = (pn: number, byte: number) => server.sent.some((p) => p.pn === pn && p.streams.some((f) => f.id === 0 && f.offset <= byte && byte < f.offset + f.length));
    for (const st of r!.stalls) {
      expect(st.stream).toBe(0);
      expect(st.sender).toBe('server');
      const byte = st.cause.bytes[0];
      if (st.cause.where === 'after_capture') {
        // captured, and ngtcp2 itself declared it lost
        expect(captured.has(st.cause.pn!)).toBe(true);
        expect(carried(st.cause.pn!, byte)).toBe(true);
        expect(server.lost).toContain(st.cause.pn);
      } else {
        // never on the wire: -t dropped it at the sender, which still logged it as sent
        expect(st.cause.missingPns!.length).toBeGreaterThan(0);
        expect(st.cause.missingPns!.some((pn) => carried(pn, byte) && !captured.has(pn))).toBe(true);
      }
      // the packet that ended the wait carried the last of the missing bytes, as the server logged it
      const [from, to] = st.cause.bytes;
      expect(server.sent.some((p) => p.pn === st.filledBy!.pn && p.streams.some((f) => f.id === 0 && f.offset < to && from < f.offset + f.length))).toBe(true);
      expect(st.until! - st.from).toBeCloseTo(st.waitMs / 1000, 9);
    }
  });

  it('with one request stream, TCP would have held back no other stream', () => {
    expect(r!.tcp.length).toBeGreaterThan(0);
    expect(r!.tcp.every((h) => h.held.every((x) => x.stream === 0))).toBe(true);
    const s0 = r!.streams[0]!;
    // the wait here is the sum of the stalls; the single ordered byte stream waits at least as long
    expect(s0.quicWaitMs).toBeCloseTo(r!.stalls.reduce((n, s) => n + s.waitMs, 0), 6);
    expect(s0.tcpWaitMs).toBeGreaterThanOrEqual(s0.quicWaitMs! - 1e-6);
  });
});

describe('captures/handshake: no loss, no wait', () => {
  it('shows the streams of a clean download and no head-of-line wait', async () => {
    const { reports } = await read('handshake');
    const [r] = reports;
    const server = readEndpointStreams(join(REPO, 'captures', 'handshake', 'qlog')).find((l) => l.vantage === 'server')!;
    expect(r!.known.evidence).toBe('proven');
    expect(r!.streams.find((s) => s.id === 0)!.server).toMatchObject({ bytes: distinctBytes(server, 0), fin: true, retransmittedBytes: 0 });
    expect(r!.stalls).toEqual([]);
    expect(r!.tcp).toEqual([]);
    expect(r!.streams.every((s) => s.quicWaitMs === 0 && s.tcpWaitMs === 0)).toBe(true);
  });

  it('without keys says the streams are unknown, and why, never "no streams"', async () => {
    const { reports } = await read('handshake', null);
    const [r] = reports;
    expect(r!.streams).toEqual([]);
    expect(r!.known.evidence).toBe('unknown');
    expect(r!.known.reason).toMatch(/no key log/);
    expect(r!.known.reason).toMatch(/--keylog/);
  });
});

describe('captures/zero-rtt: early data against the ticket\'s limit', () => {
  it('counts the 0-RTT bytes against max_early_data_size from the first connection\'s ticket', async () => {
    const { reports } = await read('zero-rtt');
    expect(reports[0]!.earlyData).toMatchObject({ attempted: false, bytes: 0 });
    expect(reports[1]!.earlyData).toMatchObject({ attempted: true, accepted: true, bytes: 66, maxEarlyDataSize: 0xffffffff, withinLimit: true, requests: [0], tooEarly: [] });
    expect(reports[1]!.earlyData.limit.evidence).toBe('proven');
  });

  it('says the limit is unknown when the ticket could not be read', async () => {
    // only the resumed connection's secrets: the first connection, which carried the ticket, stays encrypted
    const keys = readFileSync(join(REPO, 'captures', 'zero-rtt', 'keys.log'), 'latin1').split('\n');
    const { s } = await read('zero-rtt');
    const random = s.tracker.connections[1]!.tls.clientHello!.random.toString('hex');
    const { reports } = await read('zero-rtt', keys.filter((l) => l.includes(random)).join('\n'));
    expect(reports[0]!.known.evidence).toBe('unknown');
    expect(reports[1]!.earlyData).toMatchObject({ attempted: true, bytes: 66, maxEarlyDataSize: null, withinLimit: null });
    expect(reports[1]!.earlyData.limit).toMatchObject({ evidence: 'unknown' });
    expect(reports[1]!.earlyData.limit.reason).toMatch(/NewSessionTicket/);
  });
});

describe('captures/gap: a capture gap is not a loss', () => {
  it('takes the bytes the capture missed as arrived, and blames no stall on them', async () => {
    const { reports } = await read('gap');
    const [r] = reports;
    expect(r!.stalls).toEqual([]);
    expect(r!.tcp).toEqual([]);
    expect(r!.uncapturedBytes).toBeGreaterThan(400_000);
  });
});

describe('captures/kernel-drops: ACKs the capture missed are not losses', () => {
  it('counts no wait for bytes never sent again, and the client\'s log shows it received them', async () => {
    const { reports } = await read('kernel-drops');
    const [r] = reports;
    expect(r!.stalls).toEqual([]);
    expect(r!.unfilled.length).toBeGreaterThan(0);
    expect(r!.streams.every((s) => s.quicWaitMs === 0 && s.tcpWaitMs === 0)).toBe(true);
    const client = readEndpointLogs(join(REPO, 'captures', 'kernel-drops', 'qlog')).find((l) => l.vantage === 'client')!;
    const got = client.received.flatMap((p) => p.streams);
    for (const u of r!.unfilled) {
      const [from, to] = u.cause.bytes;
      // every byte of the hole reached the client, as it logged
      let at = from;
      for (const f of got.filter((x) => x.streamId === u.stream).sort((a, b) => a.offset - b.offset)) if (f.offset <= at && f.offset + f.length > at) at = f.offset + f.length;
      expect([u.stream, from, at >= to]).toEqual([u.stream, from, true]);
    }
  });
});
