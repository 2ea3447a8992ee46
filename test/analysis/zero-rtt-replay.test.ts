import { describe, expect, it } from 'vitest';
import type { Connection, Role } from '../../src/analysis/connection.js';
import type { PacketRecord } from '../../src/analysis/packet-record.js';
import { emptyTlsFacts } from '../../src/analysis/tls-facts.js';
import { ZeroRttReplays } from '../../src/analysis/zero-rtt-replay.js';
import type { Datagram } from '../../src/capture/types.js';
import type { ClientHello } from '../../src/tls/client-hello.js';
import type { LongHeader } from '../../src/quic/packet-header.js';

const CLIENT = { ip: '192.0.2.7', port: 50000 };
const SERVER = { ip: '198.51.100.1', port: 443 };
/** a datagram holding one 0-RTT packet: 100 bytes, all `fill` */
const payload = (fill: number) => Buffer.alloc(100, fill);
const zeroRtt: LongHeader = { form: 'long', type: '0RTT', version: 1, dcid: Buffer.alloc(8, 1), scid: Buffer.alloc(8, 2), offset: 0, length: 100, firstByte: 0xd0 };

function conn(id: number, binders: string[] = [], replayOf?: number): Connection {
  const tls = emptyTlsFacts();
  tls.clientHello = { pskBinders: binders } as unknown as ClientHello;
  return { id, tls, ...(replayOf ? { replayOf } : {}) } as unknown as Connection;
}
function datagram(frame: number, bytes: Buffer): Datagram {
  return { frame, time: frame / 10, src: CLIENT, dst: SERVER, ipVersion: 4, payload: bytes, truncated: false };
}
function record(c: Connection, frame: number, from: Role, header: PacketRecord['header'] = zeroRtt): PacketRecord {
  return { frame, time: frame / 10, connection: c, direction: from, src: null, dst: null, datagramBytes: 100, header, pn: 0, keyPhase: null, decrypted: true, frames: [] };
}
const oneRtt: PacketRecord['header'] = { form: 'short', type: '1RTT', version: 1, dcid: Buffer.alloc(8, 2), offset: 0, length: 40, firstByte: 0x40, pnOffset: 9, spinBit: 0, dcidSource: 'known_cid' };

describe('0-RTT replays (RFC 9001 §9.2)', () => {
  it('a copy before the server answered is the same flight seen twice (a proxy leg), not a replay', () => {
    const r = new ZeroRttReplays();
    const a = conn(1);
    r.observe(record(a, 1, 'client'), payload(7));
    expect(r.replayed(datagram(2, payload(7)), [zeroRtt])).toBeNull();
  });

  it('a copy after the server answered is a replay; other bytes are not', () => {
    const r = new ZeroRttReplays();
    const a = conn(1);
    r.observe(record(a, 1, 'client'), payload(7));
    r.observe(record(a, 2, 'server', oneRtt), payload(9));
    expect(r.replayed(datagram(3, payload(8)), [zeroRtt])).toBeNull();
    expect(r.replayed(datagram(3, payload(7)), [zeroRtt])).toMatchObject({ connection: a, frame: 1, answered: true });
    r.observe(record(conn(2, [], 1), 3, 'client'), payload(7));
    expect(r.findings()).toMatchObject([{ code: 'zero_rtt_replay', connection: 2, frame: 3, severity: 'warning' }]);
  });

  it('the same PSK binder in two connections is one ClientHello sent twice', () => {
    const r = new ZeroRttReplays();
    r.observe(record(conn(1, ['aa'.repeat(32)]), 1, 'client', oneRtt), payload(1));
    r.observe(record(conn(2, ['bb'.repeat(32)]), 2, 'client', oneRtt), payload(2));
    expect(r.findings()).toEqual([]);
    r.observe(record(conn(3, ['aa'.repeat(32)]), 3, 'client', oneRtt), payload(3));
    expect(r.findings()).toMatchObject([{ code: 'psk_binder_reused', connection: 3, frame: 3, message: expect.stringContaining('connection 1') }]);
  });

  it('a ClientHello resent in its own connection reuses nothing', () => {
    const r = new ZeroRttReplays();
    const a = conn(1, ['aa'.repeat(32)]);
    r.observe(record(a, 1, 'client', oneRtt), payload(1));
    r.observe(record(a, 2, 'client', oneRtt), payload(1));
    expect(r.findings()).toEqual([]);
  });
});
