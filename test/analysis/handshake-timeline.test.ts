import { describe, expect, it } from 'vitest';
import type { Connection, Role } from '../../src/analysis/connection.js';
import { HandshakeTimeline } from '../../src/analysis/handshake-timeline.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { emptyTlsFacts } from '../../src/analysis/tls-facts.js';
import type { Frame } from '../../src/quic/frames/index.js';
import type { PacketType } from '../../src/quic/packet-header.js';

const conn = { id: 1, tls: emptyTlsFacts() } as unknown as Connection;
let n = 0;
function packet(from: Role, type: PacketType, time: number, frames: Frame[] = []): PacketRecord {
  return {
    frame: ++n, time, connection: conn, direction: from,
    src: { ip: '192.0.2.1', port: 1 }, dst: { ip: '192.0.2.2', port: 2 }, datagramBytes: 1200,
    header: { form: 'long', type, version: 1, offset: 0, length: 1200, firstByte: 0xc0, dcid: Buffer.alloc(8), scid: Buffer.alloc(8) },
    pn: n, keyPhase: null, decrypted: true, frames,
  };
}
const crypto: Frame = { type: 'crypto', offset: 0, length: 10, raw: Buffer.alloc(10) };

describe('round trips of a handshake (RFC 9000 §7)', () => {
  it('counts a repeated Initial (lost, or answered too late) as one more round trip', () => {
    const t = new HandshakeTimeline();
    for (const p of [
      packet('client', 'initial', 0, [crypto]),
      packet('client', 'initial', 0.3, [crypto]), // the probe timeout fired: the first was lost
      packet('server', 'initial', 0.31, [crypto]),
      packet('server', 'handshake', 0.31, [crypto]),
      packet('client', 'handshake', 0.32, [crypto]),
    ]) t.observe(p);
    expect(t.summary(conn)).toMatchObject({ complete: true, roundTrips: 2, roundTripReasons: ['lost Initial'] });
    expect(t.summary(conn).durationMs).toBe(320);
  });
});

describe('the anti-amplification limit as a cause of delay (RFC 9000 §8.1)', () => {
  function run(serverFirstFlight: number) {
    const t = new HandshakeTimeline();
    const c = { id: 2, tls: emptyTlsFacts() } as unknown as Connection;
    const at = (from: Role, type: PacketType, time: number, frames: Frame[]) => ({ ...packet(from, type, time, frames), connection: c });
    const cryptoAt = (offset: number): Frame => ({ type: 'crypto', offset, length: 1000, raw: Buffer.alloc(0) });
    t.observe(at('client', 'initial', 0, [crypto]));
    for (let i = 0; i < serverFirstFlight; i++) t.observe(at('server', i === 0 ? 'initial' : 'handshake', 0.01, [cryptoAt(i * 1000)]));
    t.observe(at('client', 'handshake', 0.02, [])); // validates the client's address
    t.observe(at('server', 'handshake', 0.021, [cryptoAt(serverFirstFlight * 1000)])); // the rest of the flight
    t.observe(at('client', 'handshake', 0.03, [crypto]));
    return t.summary(c);
  }

  it('names it when the server stopped at three times what it received and went on after', () => {
    expect(run(3)).toMatchObject({ roundTrips: 2, roundTripReasons: ['amplification limit reached'] });
  });

  it('does not when the server was far below the limit', () => {
    expect(run(1)).toMatchObject({ roundTrips: 1, roundTripReasons: [] });
  });

  it('ends a connection without CONNECTION_CLOSE with idle_end', () => {
    expect(run(1).events.at(-1)).toMatchObject({ event: 'idle_end', detail: 'last packet, no CONNECTION_CLOSE' });
  });
});

describe('without keys: what the headers prove (issue 12)', () => {
  function sealed(from: Role, type: PacketType, time: number): PacketRecord {
    return { ...packet(from, type, time), pn: null, decrypted: 'no keys' };
  }
  function timeline(packets: PacketRecord[], c: Connection) {
    const t = new HandshakeTimeline();
    for (const p of packets) t.observe({ ...p, connection: c });
    return t.summary(c);
  }

  it("a client 1-RTT packet proves the handshake complete; its duration, the confirmation and the end are unknown, with why", () => {
    const c = { id: 3, tls: emptyTlsFacts() } as unknown as Connection;
    const h = timeline([packet('client', 'initial', 0, [crypto]), packet('server', 'initial', 0.01, [crypto]), sealed('server', 'handshake', 0.01), sealed('client', 'handshake', 0.02), sealed('client', '1RTT', 0.02), sealed('server', '1RTT', 0.03)], c);
    expect(h).toMatchObject({ complete: true, durationMs: null, roundTrips: 1, confirmedAt: null, ended: null });
    expect(h.facts.complete).toMatchObject({ evidence: 'proven', reason: expect.stringContaining("the client sends 1-RTT only once it has the server's Finished") });
    for (const k of ['durationMs', 'confirmedAt', 'ended'] as const) expect(h.facts[k]).toMatchObject({ evidence: 'unknown', reason: expect.stringContaining('encrypted: no key log for this connection') });
    // never "ended by its idle timeout": the last packets may hold a CONNECTION_CLOSE
    expect(h.events.map((e) => e.event)).not.toContain('idle_end');
    expect(h.events.at(-1)).toMatchObject({ event: 'last_packet' });
  });

  it('client Handshake packets not read and no 1-RTT: completion unknown, not "not complete"', () => {
    const c = { id: 4, tls: emptyTlsFacts() } as unknown as Connection;
    const h = timeline([packet('client', 'initial', 0, [crypto]), packet('server', 'initial', 0.01, [crypto]), sealed('server', 'handshake', 0.01), sealed('client', 'handshake', 0.02)], c);
    expect(h).toMatchObject({ complete: null, roundTrips: null, facts: { complete: { evidence: 'unknown' } } });
  });

  it('the server Initial row is the one that carries the ServerHello, not an ACK-only Initial before it', () => {
    const c = { id: 5, tls: emptyTlsFacts() } as unknown as Connection;
    const ack: Frame = { type: 'ack', largest: 1, delay: 0, ranges: [[1, 1]] } as unknown as Frame;
    const h = timeline([packet('client', 'initial', 0, [crypto]), packet('server', 'initial', 0.004, [ack]), packet('server', 'initial', 0.005, [ack, crypto])], c);
    expect(h.events.filter((e) => e.event === 'server_initial').map((e) => e.time)).toEqual([0.005]);
  });

  it("after a Retry, the client's second Initial, with the token, is a row of its own", () => {
    const c = { id: 6, tls: emptyTlsFacts() } as unknown as Connection;
    const retry = { ...packet('server', 'retry', 0.001), pn: null, decrypted: 'not encrypted' as const };
    const again = packet('client', 'initial', 0.002, [crypto]);
    again.header = { ...again.header, token: Buffer.from('ab', 'hex') } as PacketRecord['header'];
    const h = timeline([packet('client', 'initial', 0, [crypto]), retry, again, packet('server', 'initial', 0.003, [crypto])], c);
    expect(h.events.map((e) => [e.event, e.detail])).toEqual([
      ['client_initial', 'Initial: ClientHello'],
      ['retry', 'Retry'],
      ['client_initial', "Initial: ClientHello again, with the Retry's token"],
      ['server_initial', 'Initial: ServerHello'],
      ['idle_end', 'last packet, no CONNECTION_CLOSE'],
    ]);
  });
});

describe('a connection whose beginning is not in the capture', () => {
  it('says its round trips, Retry and Version Negotiation are unknown, not one, no and no', () => {
    const c = { id: 7, tls: emptyTlsFacts() } as unknown as Connection;
    const t = new HandshakeTimeline();
    for (const p of [packet('client', '1RTT', 1), packet('server', '1RTT', 1.01), packet('client', '1RTT', 1.02)]) t.observe({ ...p, connection: c });
    const s = t.summary(c);
    expect(s.complete).toBe(true);
    expect(s).toMatchObject({ roundTrips: null, retry: null, versionNegotiation: null, durationMs: null });
    for (const k of ['roundTrips', 'retry', 'versionNegotiation', 'durationMs'] as const) {
      expect(s.facts[k]).toEqual({ evidence: 'unknown', reason: "the connection's beginning is not in the capture: no client Initial of it was read" });
    }
  });

  it('keeps retry and version negotiation as read when the client Initial was seen', () => {
    const c = { id: 8, tls: emptyTlsFacts() } as unknown as Connection;
    const t = new HandshakeTimeline();
    for (const p of [packet('client', 'initial', 0, [crypto]), packet('server', 'initial', 0.01, [crypto]), packet('client', '1RTT', 0.02)]) t.observe({ ...p, connection: c });
    const s = t.summary(c);
    expect(s).toMatchObject({ roundTrips: 1, retry: false, versionNegotiation: false });
    expect(s.facts.retry).toBeUndefined();
  });
});
