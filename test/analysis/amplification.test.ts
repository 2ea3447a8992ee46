import { describe, expect, it } from 'vitest';
import { AmplificationAudit } from '../../src/analysis/audit-amplification.js';
import type { Connection, Role } from '../../src/analysis/connection.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import type { PacketType } from '../../src/quic/packet-header.js';

const SERVER = { ip: '198.51.100.1', port: 443 };
const CLIENT = { ip: '192.0.2.10', port: 50000 };
const conn = { id: 3 } as unknown as Connection;
let n = 0;

function datagram(from: Role, type: PacketType, bytes: number, token = ''): PacketRecord {
  return {
    frame: ++n,
    time: n / 1000,
    connection: conn,
    direction: from,
    src: from === 'client' ? CLIENT : SERVER,
    dst: from === 'client' ? SERVER : CLIENT,
    datagramBytes: bytes,
    header: { form: 'long', type, version: 1, offset: 0, length: bytes, firstByte: 0xc0, dcid: Buffer.alloc(8), scid: Buffer.alloc(8), token: Buffer.from(token, 'hex') },
    pn: n,
    keyPhase: null,
    decrypted: true,
    frames: [],
  };
}

describe('anti-amplification limit (RFC 9000 §8.1)', () => {
  it('flags the server datagram that takes it past three times what the client sent', () => {
    const a = new AmplificationAudit();
    const found = [
      datagram('client', 'initial', 1200),
      datagram('server', 'initial', 1200),
      datagram('server', 'handshake', 1200),
      datagram('server', 'handshake', 1200), // 3600: exactly the limit
      datagram('server', 'handshake', 1200), // 4800: over it
      datagram('server', 'handshake', 1200), // reported once
    ].flatMap((p) => a.check(p));
    expect(found.map((f) => [f.code, f.frame])).toEqual([['amplification_limit_exceeded', n - 1]]);
    expect(found[0]!.message).toBe('the server sent 4800 bytes to 192.0.2.10:50000 before validating it, more than three times the 1200 it received from there (RFC 9000 §8.1)');
  });

  it('lifts the limit once the client sends a Handshake packet, or an Initial with a token', () => {
    for (const validating of [datagram('client', 'handshake', 50), datagram('client', 'initial', 1200, 'ab')]) {
      const a = new AmplificationAudit();
      const found = [datagram('client', 'initial', 1200), validating, ...Array.from({ length: 6 }, () => datagram('server', 'handshake', 1200))].flatMap((p) =>
        a.check(p),
      );
      expect(found).toEqual([]);
    }
  });
});
