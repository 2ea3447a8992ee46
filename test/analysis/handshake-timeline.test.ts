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
