import { describe, expect, it } from 'vitest';
import type { Connection, Role } from '../../../src/analysis/connection.js';
import type { DecryptResult, PacketRecord } from '../../../src/analysis/packet-record.js';
import { CappedList } from '../../../src/analysis/recovery/capped-list.js';
import { FlowControl } from '../../../src/analysis/recovery/flow-control.js';
import { PacketFates } from '../../../src/analysis/recovery/packet-fates.js';
import { RecoveryAnalysis } from '../../../src/analysis/recovery/recovery-analysis.js';
import { RttEstimator } from '../../../src/analysis/recovery/rtt-estimator.js';
import { emptyTlsFacts } from '../../../src/analysis/tls-facts.js';
import type { Frame } from '../../../src/quic/frames/index.js';

const CLIENT = { ip: '192.0.2.10', port: 50000 };
const SERVER = { ip: '198.51.100.1', port: 443 };

function conn(): Connection {
  return { id: 1, tls: emptyTlsFacts() } as unknown as Connection;
}

let frameNo = 0;
function packet(c: Connection, from: Role, pn: number | null, frames: Frame[], time: number, decrypted: DecryptResult = true): PacketRecord {
  return {
    frame: ++frameNo,
    time,
    connection: c,
    direction: from,
    src: from === 'client' ? CLIENT : SERVER,
    dst: from === 'client' ? SERVER : CLIENT,
    datagramBytes: 1200,
    header: { form: 'short', type: '1RTT', offset: 0, length: 1200, firstByte: 0x40, dcid: Buffer.alloc(8), version: 1, pnOffset: 9, spinBit: 0, dcidSource: 'known_cid' },
    pn,
    keyPhase: 0,
    decrypted,
    frames: decrypted === true ? frames : [],
  };
}
const stream = (offset: number, length = 1000): Frame => ({ type: 'stream', stream_id: 0, offset, length, fin: false, raw: Buffer.alloc(0) });
/** an ACK frame from ranges written smallest-first, as people read them; ack_delay already in ms */
const ack = (ranges: [number, number][], ackDelayMs = 0): Frame => ({ type: 'ack', raw_ack_delay: 0, ack_delay: ackDelayMs, acked_ranges: [...ranges].reverse() });

function session(packets: (c: Connection) => PacketRecord[]) {
  const c = conn();
  const fates = new PacketFates();
  const recovery = new RecoveryAnalysis(fates);
  for (const p of packets(c)) {
    fates.observe(p);
    recovery.observe(p);
  }
  return { c, recovery, report: recovery.report(c)!, server: recovery.report(c)!.directions[1]! };
}

describe('RTT estimator (RFC 9002 §5.3)', () => {
  it('the first sample sets min, smoothed and rttvar (half of it)', () => {
    const e = new RttEstimator();
    e.add({ latestMs: 40, ackDelayMs: 10, maxAckDelayMs: 25, ignoreAckDelay: false });
    expect(e.estimate).toMatchObject({ samples: 1, minMs: 40, smoothedMs: 40, rttVarMs: 20, latestMs: 40 });
  });

  it('later samples take ack_delay off (capped at max_ack_delay) and weigh 1/8 and 1/4', () => {
    const e = new RttEstimator();
    e.add({ latestMs: 40, ackDelayMs: 0, maxAckDelayMs: 25, ignoreAckDelay: false });
    // 100 ms with a claimed 50 ms delay: only max_ack_delay 25 comes off → 75
    const r = e.add({ latestMs: 100, ackDelayMs: 50, maxAckDelayMs: 25, ignoreAckDelay: false });
    expect(r).toEqual({ ackDelayMs: 25, adjustedMs: 75 });
    expect(e.estimate!.smoothedMs).toBeCloseTo((7 / 8) * 40 + 75 / 8, 9);
    expect(e.estimate!.rttVarMs).toBeCloseTo((3 / 4) * 20 + (1 / 4) * 35, 9);
    expect(e.estimate!.minMs).toBe(40);
  });

  it('ack_delay is not taken off when that would go below min_rtt, nor for Initial ACKs', () => {
    const e = new RttEstimator();
    e.add({ latestMs: 40, ackDelayMs: 0, maxAckDelayMs: undefined, ignoreAckDelay: false });
    expect(e.add({ latestMs: 45, ackDelayMs: 10, maxAckDelayMs: undefined, ignoreAckDelay: false })).toEqual({ ackDelayMs: 0, adjustedMs: 45 });
    expect(e.add({ latestMs: 60, ackDelayMs: 10, maxAckDelayMs: undefined, ignoreAckDelay: true })).toEqual({ ackDelayMs: 0, adjustedMs: 60 });
  });
});

describe('losses at the capture point', () => {
  // the server sends pns 0..5 with 1000 bytes each; the client's ACK skips pn 2 while acknowledging 3 later ones
  const base = (c: Connection) => [
    ...[0, 1, 2, 3, 4, 5].map((pn) => packet(c, 'server', pn, [stream(pn * 1000)], 1 + pn * 0.001)),
    packet(c, 'client', 0, [ack([[0, 1], [3, 5]], 2)], 1.05),
  ];

  it('a packet seen here and skipped by the ACK is lost after the capture point; sending its bytes again proves it', () => {
    const { c, recovery, server } = session((c) => [...base(c), packet(c, 'server', 6, [stream(2000)], 1.06), packet(c, 'client', 1, [ack([[0, 1], [3, 6]])], 1.1)]);
    const [loss] = recovery.losses(c);
    expect(loss).toMatchObject({ sender: 'server', pn: 2, where: 'after_capture', detectedAt: 1.05, retransmission: { pn: 6, time: 1.06 }, evidence: 'proven', spurious: false });
    expect(loss!.streams).toEqual([{ id: 0, offset: 2000, length: 1000 }]);
    expect(server.lostAfterCapture).toBe(1);
    expect(server.lostBeforeCapture).toBe(0);
    expect(server.retransmittedBytes).toEqual({ stream: 1000, crypto: 0 });
    expect(server.lossPercent).toBeCloseTo(100 / 7, 2);
  });

  it('until its data is sent again, the loss is inferred and says why', () => {
    const { c, recovery } = session(base);
    expect(recovery.losses(c)[0]).toMatchObject({ pn: 2, evidence: 'inferred', reason: expect.stringContaining('does not show its data sent again') });
  });

  it('acknowledged after all: the loss was spurious and is not counted, and its retransmission was spurious', () => {
    const { c, recovery, server } = session((c) => [...base(c), packet(c, 'server', 6, [stream(2000)], 1.06), packet(c, 'client', 1, [ack([[0, 6]])], 1.1)]);
    expect(recovery.losses(c)[0]).toMatchObject({ pn: 2, spurious: true });
    expect(server.lostAfterCapture).toBe(0);
    expect(server.spaces.application.spuriousLosses).toBe(1);
    expect(server.spuriousRetransmissions).toBe(1);
  });

  it('a number missing here and from the ACKs is lost before the capture point; one the ACKs cover was only missed by the capture', () => {
    const { c, recovery, server } = session((c) => [
      ...[0, 1, 3, 4, 6, 7, 8].map((pn) => packet(c, 'server', pn, [stream(pn * 1000)], 1 + pn * 0.001)),
      // 2 never acknowledged, 5 acknowledged though the capture lacks it
      packet(c, 'client', 0, [ack([[0, 1], [3, 8]])], 1.05),
    ]);
    expect(server.lostBeforeCapture).toBe(1);
    expect(server.missedByCapture).toBe(1);
    expect(server.lostAfterCapture).toBe(0);
    expect(recovery.losses(c)).toMatchObject([{ pn: 2, where: 'before_capture', frame: null, evidence: 'inferred', detectedAt: 1.05 }]);
  });

  it('numbers no ACK frame reported on are not called lost: their fate is not in the capture', () => {
    // the receiver reports only [10, 12]: what it said of 0..9 was in ACKs the capture lacks
    const { server } = session((c) => [...[0, 1, 2, 10, 11, 12].map((pn) => packet(c, 'server', pn, [stream(pn * 1000)], 1 + pn * 0.001)), packet(c, 'client', 5, [ack([[10, 12]])], 1.05)]);
    expect(server.lostAfterCapture).toBe(0);
    expect(server.lostBeforeCapture).toBe(0);
    expect(server.unresolved).toBe(3 + 7);
  });

  it('0-RTT packets a server rejected go unacknowledged and are not losses (RFC 9001 §4.6.2)', () => {
    const zeroRtt = (p: PacketRecord): PacketRecord => ({ ...p, header: { form: 'long', type: '0RTT', offset: 0, length: 1200, firstByte: 0xd0, dcid: Buffer.alloc(8), scid: Buffer.alloc(8), version: 1 } });
    const run = (accepted: boolean) =>
      session((c) => {
        c.tls.encryptedExtensions = { earlyDataAccepted: accepted };
        return [
          ...[0, 1].map((pn) => zeroRtt(packet(c, 'client', pn, [stream(pn * 1000)], pn * 0.001))),
          ...[2, 3, 4, 5, 6].map((pn) => packet(c, 'client', pn, [stream(pn * 1000)], 0.01 + pn * 0.001)),
          packet(c, 'server', 0, [ack([[2, 6]])], 0.05),
          // the client sends its early data again in 1-RTT
          ...[0, 1].map((n) => packet(c, 'client', 7 + n, [stream(n * 1000)], 0.06 + n * 0.001)),
        ];
      }).report.directions[0]!;
    const summary = (d: ReturnType<typeof run>) => [d.lostAfterCapture, d.spaces.application.rejectedZeroRtt, d.unresolved];
    // the last two (the early data sent again) are still unacknowledged when the capture ends
    expect(summary(run(false))).toEqual([0, 2, 2]);
    // accepted, the server's ACK never reported on them: their fate is not in the capture
    expect(summary(run(true))).toEqual([0, 0, 4]);
  });

  it('a packet seen twice (a proxy capture sees both legs) counts once and sends nothing again', () => {
    const { server } = session((c) => [...base(c), ...[0, 1, 2].map((pn) => packet(c, 'server', pn, [stream(pn * 1000)], 1.001 + pn * 0.001))]);
    expect(server.packets).toBe(6);
    expect(server.spaces.application.duplicates).toBe(3);
    expect(server.retransmittedBytes).toEqual({ stream: 0, crypto: 0 });
  });

  it('an RTT sample per newly acknowledged largest (RFC 9002 §5.1): the capture → client → capture leg', () => {
    const { c, recovery, server, report } = session(base);
    expect(recovery.rttSamples(c)).toMatchObject([{ sender: 'server', peer: 'client', latestMs: expect.closeTo(45, 6) }]);
    expect(server.rtt).toMatchObject({ leg: 'capture→client→capture', samples: 1, minMs: 45 });
    expect(report.endToEndRtt).toBeNull();
    expect(report.endToEndFact.evidence).toBe('unknown');
  });

  it('bytes in flight rise with each ack-eliciting packet and fall with ACKs and losses', () => {
    const { c, recovery, server } = session(base);
    const flight = recovery.flight(c).filter((f) => f.sender === 'server');
    expect(flight.map((f) => f.bytes)).toEqual([1200, 2400, 3600, 4800, 6000, 7200, 0]);
    expect(server.maxBytesInFlight).toBe(7200);
  });

  it('without keys, losses, retransmissions and RTT are unknown with the reason, never 0', () => {
    const { c, recovery, server } = session((c) => [...[0, 1, 2].map((pn) => packet(c, 'server', null, [], pn, 'no keys')), packet(c, 'client', null, [], 1.05, 'no keys')]);
    expect(server.packets).toBe(3);
    expect([server.lostAfterCapture, server.lostBeforeCapture, server.lossPercent, server.retransmittedBytes, server.rtt]).toEqual([null, null, null, null, null]);
    expect(server.facts.losses).toEqual({ evidence: 'unknown', reason: expect.stringContaining('no key log') });
    expect(server.facts.rtt.evidence).toBe('unknown');
    expect(recovery.losses(c)).toEqual([]);
  });
});

describe('flow control (RFC 9000 §4)', () => {
  it('a wait runs from the first BLOCKED frame at a limit to the MAX_* frame above it; a repeat is the same wait', () => {
    const f = new FlowControl();
    f.observe([{ type: 'data_blocked', limit: 1000 }], 'client', 10, 1.0);
    f.observe([{ type: 'data_blocked', limit: 1000 }], 'client', 11, 1.2);
    f.observe([{ type: 'max_data', maximum: 1000 }], 'server', 12, 1.3);
    f.observe([{ type: 'max_data', maximum: 4000 }], 'server', 13, 1.5);
    f.observe([{ type: 'stream_data_blocked', stream_id: 4, limit: 500 }], 'server', 14, 2.0);
    expect(f.waits.items).toMatchObject([
      { sender: 'client', kind: 'data', limit: 1000, frame: 10, raisedBy: { frame: 13, maximum: 4000 }, waitedMs: 500 },
      { sender: 'server', kind: 'stream_data', stream: 4, raisedBy: null, waitedMs: null },
    ]);
    expect(f.waitedMs).toEqual({ client: 500, server: 0 });
    expect(f.counts.client.data_blocked).toBe(2);
    expect(f.counts.server.max_data).toBe(2);
    expect(f.unfinished).toBe(1);
  });
});

describe('bounded lists', () => {
  it('keep the first items and count the rest exactly', () => {
    const l = new CappedList<number>(3);
    for (let i = 0; i < 10; i++) l.push(i);
    expect([l.items, l.count, l.omitted]).toEqual([[0, 1, 2], 10, 7]);
  });
});
