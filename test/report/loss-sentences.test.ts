import { describe, expect, it } from 'vitest';
import type { HandshakeSummary } from '../../src/analysis/handshake-timeline.js';
import type { LossEvent } from '../../src/analysis/recovery/recovery-events.js';
import { declaredLossSentence, declaredRung, lossRung, lossSentence, lostPacketType } from '../../src/report/loss-sentences.js';

/** a handshake whose server sent 1-RTT from 0.010 s and client from 0.030 s */
const h = {
  events: [
    { time: 0.01, event: 'first_1rtt_server', frame: 3, by: 'server', detail: '1-RTT' },
    { time: 0.03, event: 'first_1rtt_client', frame: 8, by: 'client', detail: '1-RTT' },
  ],
} as unknown as HandshakeSummary;
const ms = (t: number) => (t * 1000).toFixed(3);

const loss = (over: Partial<LossEvent>): LossEvent => ({
  connection: 1,
  sender: 'server',
  space: 'application',
  pn: 57,
  where: 'after_capture',
  frame: 40,
  time: 0.041,
  detectedAt: 0.072,
  retransmission: { frame: 50, pn: 63, time: 0.073 },
  streams: [{ id: 4, offset: 0, length: 1200 }],
  cryptoBytes: 0,
  spurious: false,
  evidence: 'proven',
  ...over,
});

describe('loss sentences for timeline --explain', () => {
  it("after the capture point: the receiver's ACK that skipped it and the packet that carried its data again", () => {
    expect(lossSentence(loss({}), h, ms)).toBe(
      "The server's 1-RTT packet 57 (stream 4, 1,200 bytes) crossed the capture point but never reached the client: it was lost after the capture point; the client's ACK at 72.000 ms skipped it, and the server sent that data again in packet 63 at 73.000 ms (32.000 ms later).",
    );
  });

  it('a retransmission before any ACK skipped the packet; a spurious one; several streams and CRYPTO', () => {
    const s = lossSentence(loss({ detectedAt: 0.073, spurious: true, streams: [{ id: 0, offset: 0, length: 100 }, { id: 4, offset: 9, length: 50 }, { id: 0, offset: 100, length: 10 }], cryptoBytes: 30 }), h, ms);
    expect(s).toContain('(streams 0 and 4, 160 bytes; 30 bytes of TLS handshake (CRYPTO))');
    expect(s).toContain('no ACK had skipped it yet, and the server sent that data again in packet 63');
    expect(s).toContain('The client acknowledged the first copy after all: the retransmission was not needed (a spurious retransmission).');
  });

  it('before the capture point: said to be inferred, with the reason; what it carried unknown without a retransmission', () => {
    const s = lossSentence(loss({ where: 'before_capture', frame: null, sender: 'client', pn: 6, retransmission: null, streams: [], evidence: 'inferred', reason: 'its number is missing and the ACKs skip it' }), h, ms);
    expect(s).toBe(
      "The client's 1-RTT packet 6 never crossed the capture point: it was lost before it; what it carried is not in the capture. Inferred, not proven: its number is missing and the ACKs skip it.",
    );
  });

  it('names the packet type from its space and whether its sender had sent 1-RTT yet', () => {
    expect(lostPacketType(loss({ space: 'initial' }), h)).toBe('Initial');
    expect(lostPacketType(loss({ space: 'handshake' }), h)).toBe('Handshake');
    expect(lostPacketType(loss({ sender: 'client', time: 0.02 }), h)).toBe('0-RTT or 1-RTT');
    expect(lostPacketType(loss({ sender: 'client', time: 0.04 }), h)).toBe('1-RTT');
  });

  it('draws a rung as wide as the ladder, the ✕ on the receiver\'s side after the capture point and on the sender\'s before it', () => {
    const rungs = [
      lossRung(loss({ sender: 'client' }), '1-RTT', 58),
      lossRung(loss({ sender: 'client', where: 'before_capture' }), '1-RTT', 58),
      lossRung(loss({}), '1-RTT', 58),
      lossRung(loss({ where: 'before_capture' }), '1-RTT', 58),
    ];
    expect(rungs.map((r) => [...r].length)).toEqual([58, 58, 58, 58]);
    expect(rungs[0]).toMatch(/^├─ 1-RTT packet 57 lost ─+✕ │$/);
    expect(rungs[1]).toMatch(/^├✕ 1-RTT packet 57 lost ─+│$/);
    expect(rungs[2]).toMatch(/^│ ✕─+ 1-RTT packet 57 lost ─┤$/);
    expect(rungs[3]).toMatch(/^│─+ 1-RTT packet 57 lost ✕┤$/);
  });
});

describe("losses an endpoint's own log declared (qlog packet_lost)", () => {
  it('says what showed the sender the loss, by its trigger, and that it is the sender\'s decision', () => {
    const s = declaredLossSentence({ time: 0.03, packetType: '1RTT', pn: 7, trigger: 'time_threshold' }, 'server');
    expect(s).toBe(
      "The server's own log declares its 1-RTT packet 7 lost: too long had passed since a later packet was acknowledged (the time threshold, RFC 9002 §6.1.2). This is the sender's own decision, not a packet seen on a wire; whatever in it still matters goes out again in new packets, with new numbers (RFC 9002 §2).",
    );
    expect(declaredLossSentence({ time: 0, packetType: 'unknown', pn: 117 }, 'client')).toContain("The client's own log declares its packet 117 lost; the log does not say what showed it.");
    expect(declaredLossSentence({ time: 0, packetType: 'handshake', pn: 2, trigger: 'some_new_reason' }, 'client')).toContain('its Handshake packet 2 lost (some_new_reason).');
  });

  it('draws its rung as wide as the ladder, the ✕ on the writer\'s side', () => {
    const d = { time: 0, packetType: '1RTT' as const, pn: 28 };
    expect([...declaredRung(d, 'client', 58)].length).toBe(58);
    expect([...declaredRung(d, 'server', 58)].length).toBe(58);
    expect(declaredRung(d, 'client', 58)).toMatch(/^├✕ 1-RTT packet 28 declared lost ─+│$/);
    expect(declaredRung(d, 'server', 58)).toMatch(/^│─+ 1-RTT packet 28 declared lost ✕┤$/);
  });
});
