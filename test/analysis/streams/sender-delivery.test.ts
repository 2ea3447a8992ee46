import { describe, expect, it } from 'vitest';
import { RangeSet } from '../../../src/quic/range-set.js';
import type { PacketFate, SpaceNumbers } from '../../../src/analysis/recovery/packet-fates.js';
import type { CarryingPacket } from '../../../src/analysis/streams/fate-window.js';
import { SenderDelivery } from '../../../src/analysis/streams/sender-delivery.js';
import { tcpHold } from '../../../src/analysis/streams/tcp-sentence.js';

/**
 * The learner's case, by hand: a server sends three responses (streams 0, 4, 8) at once;
 * one packet of stream 8 is lost after the capture point and sent again 31 ms later.
 * RFC 9000 §2.2: each stream is delivered in order on its own.
 */
function run(packets: [pn: number, time: number, fate: PacketFate, chunks: [stream: number, offset: number, length: number][]][]) {
  const numbers: SpaceNumbers = { seen: new RangeSet(), acked: new RangeSet(), largestAcked: -1 };
  const d = new SenderDelivery('server', () => numbers, new RangeSet());
  for (const [pn, time, fate, chunks] of packets) {
    numbers.seen.add(pn, pn + 1);
    if (fate === 'acknowledged') numbers.acked.add(pn, pn + 1);
    const p: CarryingPacket = { sender: 'server', frame: pn + 10, pn, time, chunks: chunks.map(([stream, offset, length]) => ({ stream, offset, length })) };
    d.settle(p, fate);
  }
  d.finish();
  return d;
}

const LEARNER: Parameters<typeof run>[0] = [
  [0, 0.0, 'acknowledged', [[0, 0, 1000], [4, 0, 1000], [8, 0, 1000]]],
  [1, 0.001, 'not_acknowledged', [[8, 1000, 1000]]],
  [2, 0.002, 'acknowledged', [[0, 1000, 1000]]],
  [3, 0.003, 'acknowledged', [[4, 1000, 1000]]],
  [4, 0.004, 'acknowledged', [[8, 2000, 1000]]],
  [5, 0.01, 'acknowledged', [[0, 2000, 1000], [4, 2000, 1000]]],
  [6, 0.035, 'acknowledged', [[8, 1000, 1000]]],
];

describe('head-of-line waits at the receiver', () => {
  it('stalls only the stream whose packet was lost, naming the packet and the ones that kept delivering', () => {
    const d = run(LEARNER);
    expect(d.hol.stalls).toHaveLength(1);
    const [s] = d.hol.stalls;
    expect(s).toMatchObject({ stream: 8, sender: 'server', from: 0.004, until: 0.035, heldBytes: 1000, othersDelivering: [0, 4] });
    expect(s!.waitMs).toBeCloseTo(31, 6);
    expect(s!.cause).toMatchObject({ where: 'after_capture', pn: 1, frame: 11, bytes: [1000, 2000], evidence: 'proven' });
    expect(s!.filledBy).toEqual({ frame: 16, pn: 6, time: 0.035 });
    expect(d.hol.waitMs(0)).toBe(0);
    expect(d.hol.waitMs(4)).toBe(0);
  });

  it('under TCP holds every stream sent after the loss until the retransmission arrives', () => {
    const d = run(LEARNER);
    expect(d.tcp.holds).toHaveLength(1);
    const h = tcpHold(d.tcp.holds[0]!, d.hol.stalls);
    expect(h.held.map((x) => [x.stream, Math.round(x.tcpWaitMs * 1000) / 1000, Math.round(x.quicWaitMs * 1000) / 1000])).toEqual([
      [0, 33, 0],
      [4, 32, 0],
      [8, 31, 31],
    ]);
    expect(h.sentence).toBe(
      'stream 8 waited 31 ms for its own loss (packet 1, frame 11; repaired by frame 16); streams 0 and 4 would have waited 33 ms and 32 ms too under TCP, and waited 0 ms here',
    );
    // per stream, over the whole connection
    expect(d.tcp.waitMs(0)).toBeCloseTo(33, 6);
    expect(d.tcp.waitMs(4)).toBeCloseTo(32, 6);
    expect(d.tcp.waitMs(8)).toBeCloseTo(31, 6);
  });

  it('names the packet numbers missing from the capture when the first copy never crossed it', () => {
    // pn 1 (stream 0, bytes 1000–2000) never reached the capture point; pn 3 sends them again
    const d = run([
      [0, 0.0, 'acknowledged', [[0, 0, 1000]]],
      [2, 0.002, 'acknowledged', [[0, 2000, 1000]]],
      [3, 0.02, 'acknowledged', [[0, 1000, 1000]]],
    ]);
    expect(d.hol.stalls).toHaveLength(1);
    expect(d.hol.stalls[0]).toMatchObject({ stream: 0, from: 0.002, until: 0.02 });
    expect(d.hol.stalls[0]!.cause).toMatchObject({ where: 'before_capture', pn: null, missingPns: [1], bytes: [1000, 2000], evidence: 'inferred' });
    // alone on the connection, TCP would have held nothing more
    const h = tcpHold(d.tcp.holds[0]!, d.hol.stalls);
    expect(h.held.map((x) => x.stream)).toEqual([0]);
  });

  it('takes bytes the receiver acknowledged in packets the capture lacks as arrived, not lost', () => {
    const numbers: SpaceNumbers = { seen: new RangeSet(), acked: new RangeSet(), largestAcked: 3 };
    numbers.seen.add(0, 1);
    numbers.seen.add(2, 3);
    numbers.acked.add(0, 3);
    const d = new SenderDelivery('server', () => numbers, new RangeSet());
    d.settle({ sender: 'server', frame: 1, pn: 0, time: 0, chunks: [{ stream: 0, offset: 0, length: 1000 }] }, 'acknowledged');
    d.settle({ sender: 'server', frame: 2, pn: 2, time: 0.001, chunks: [{ stream: 0, offset: 2000, length: 1000 }] }, 'acknowledged');
    d.finish();
    expect(d.hol.stalls).toEqual([]);
    expect(d.tcp.holds).toEqual([]);
    expect(d.uncapturedBytes).toBe(1000);
  });

  it('counts no wait for a hole never filled within the capture, and lists it', () => {
    // pn 0 looks lost, but its bytes are never sent again: its ACK more likely went missing
    const d = run([
      [0, 0.0, 'not_acknowledged', [[0, 0, 500]]],
      [1, 0.001, 'acknowledged', [[0, 500, 500]]],
      [2, 0.01, 'acknowledged', [[4, 0, 100]]],
    ]);
    expect(d.hol.stalls).toEqual([]);
    expect(d.hol.unfilled).toMatchObject([{ stream: 0, from: 0.001, heldBytes: 500, cause: { where: 'after_capture', pn: 0, bytes: [0, 500] } }]);
    expect(d.hol.waitMs(0)).toBe(0);
    expect(d.tcp.holds).toEqual([]);
    expect(d.tcp.waitMs(0)).toBe(0);
  });

  it('under TCP, a repaired loss stuck behind a never-repaired one goes on when it was filled', () => {
    const d = run([
      [0, 0.0, 'not_acknowledged', [[0, 0, 500]]],
      [1, 0.001, 'not_acknowledged', [[4, 0, 500]]],
      [2, 0.002, 'acknowledged', [[8, 0, 500]]],
      [3, 0.02, 'acknowledged', [[4, 0, 500]]],
    ]);
    const holds = d.tcp.holds.map((h) => tcpHold(h, d.hol.stalls));
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ stream: 4, until: 0.02 });
    expect(holds[0]!.held.map((x) => x.stream)).toEqual([8]);
    expect(d.tcp.waitMs(8)).toBeCloseTo(18, 6);
  });
});
