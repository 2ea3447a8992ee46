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

describe('the limit without keys: judged only up to the packet that may have validated (issue 12)', () => {
  const NEW = { ip: '192.0.2.10', port: 50001 };
  function oneRtt(from: Role, client: typeof CLIENT, bytes: number, decrypted: PacketRecord['decrypted']): PacketRecord {
    const p = datagram(from, '1RTT', bytes);
    return { ...p, src: from === 'client' ? client : SERVER, dst: from === 'client' ? SERVER : client, decrypted, header: { ...p.header, form: 'short', type: '1RTT' } as PacketRecord['header'] };
  }

  it("a client 1-RTT packet validates the address the handshake ran on (the capture lost its Handshake packets)", () => {
    const a = new AmplificationAudit();
    const found = [datagram('client', 'initial', 1200), oneRtt('client', CLIENT, 50, 'no keys'), ...Array.from({ length: 6 }, () => datagram('server', 'handshake', 1200))].flatMap((p) => a.check(p));
    expect(found).toEqual([]);
  });

  it('on a new path, stops at the first client packet not read after the server sent there: it may be the PATH_RESPONSE', () => {
    const a = new AmplificationAudit();
    const found = [
      datagram('client', 'initial', 1200),
      datagram('client', 'handshake', 50),
      oneRtt('client', NEW, 1200, 'no keys'), // the probe
      oneRtt('server', NEW, 1200, 'no keys'), // its answer and the server's own challenge
      oneRtt('client', NEW, 60, 'no keys'), // perhaps the PATH_RESPONSE
      ...Array.from({ length: 20 }, () => oneRtt('server', NEW, 1400, 'no keys')),
    ].flatMap((p) => a.check(p));
    expect(found).toEqual([]);
  });

  it('is proven when the server went past the limit on a new path before any client packet there could answer', () => {
    const a = new AmplificationAudit();
    const found = [datagram('client', 'initial', 1200), datagram('client', 'handshake', 50), oneRtt('client', NEW, 100, 'no keys'), ...Array.from({ length: 3 }, () => oneRtt('server', NEW, 1400, 'no keys'))].flatMap((p) =>
      a.check(p),
    );
    expect(found.map((f) => [f.code, f.evidence])).toEqual([['amplification_limit_exceeded', 'proven']]);
  });

  it('a read client packet on a new path that holds no PATH_RESPONSE does not lift it', () => {
    const a = new AmplificationAudit();
    const found = [datagram('client', 'initial', 1200), datagram('client', 'handshake', 50), oneRtt('client', NEW, 100, true), oneRtt('server', NEW, 200, true), oneRtt('client', NEW, 100, true), oneRtt('server', NEW, 1400, true)].flatMap((p) =>
      a.check(p),
    );
    expect(found.map((f) => f.code)).toEqual(['amplification_limit_exceeded']);
  });
});
