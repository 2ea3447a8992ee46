import { describe, expect, it } from 'vitest';
import { CaseEvidenceCollector } from '../../../src/analysis/conformance/case-evidence.js';
import type { Connection, Role } from '../../../src/analysis/connection.js';
import type { PacketRecord } from '../../../src/analysis/packet-record.js';
import type { Frame } from '../../../src/quic/frames/index.js';

const SERVER = { ip: '198.51.100.1', port: 443 };
const conn = { id: 1 } as unknown as Connection;

function packet(frame: number, from: Role, clientPort: number, o: { ecn?: number; offset?: number; frames?: Frame[]; decrypted?: PacketRecord['decrypted'] } = {}): PacketRecord {
  const client = { ip: '192.0.2.10', port: clientPort };
  return {
    frame,
    time: frame / 1000,
    connection: conn,
    direction: from,
    src: from === 'client' ? client : SERVER,
    dst: from === 'client' ? SERVER : client,
    datagramBytes: 100,
    ...(o.ecn === undefined ? {} : { ecn: o.ecn }),
    header: { form: 'short', type: '1RTT', version: 1, offset: o.offset ?? 0, length: 100, firstByte: 0x40, dcid: Buffer.alloc(8), pnOffset: 9, spinBit: 0, dcidSource: 'known_cid' },
    pn: frame,
    keyPhase: 0,
    decrypted: o.decrypted ?? true,
    frames: o.frames ?? [],
  };
}

const challenge: Frame = { type: 'path_challenge', data: '0102030405060708' } as Frame;

describe('CaseEvidence', () => {
  it('counts the IP ECN field once per datagram, per sender (RFC 3168 §5)', () => {
    const c = new CaseEvidenceCollector();
    [packet(1, 'client', 5000, { ecn: 2 }), packet(1, 'client', 5000, { ecn: 2, offset: 100 }), packet(2, 'client', 5000, { ecn: 0 }), packet(3, 'server', 5000, { ecn: 3 }), packet(4, 'server', 5000)].forEach((p) => c.observe(p));
    const e = c.of(conn);
    expect(e.ecn).toEqual({ client: [1, 0, 1, 0], server: [0, 0, 0, 1] });
    expect(e.ecnUnknown).toEqual({ client: 0, server: 1 });
  });

  it("keeps the server's first packet on each path it had not sent on, and whether it challenged the path", () => {
    const c = new CaseEvidenceCollector();
    [
      packet(1, 'server', 5000),
      packet(2, 'client', 6000),
      packet(3, 'server', 6000, { frames: [challenge] }), // new path, challenged
      packet(4, 'server', 5000), // back to the first path: not new
      packet(5, 'server', 7000), // new path, a coalesced packet of the same datagram has the challenge
      packet(5, 'server', 7000, { offset: 50, frames: [challenge] }),
      packet(6, 'server', 8000, { decrypted: 'no keys' }), // new path, not readable
      packet(7, 'server', 9000), // new path, no challenge
    ].forEach((p) => c.observe(p));
    expect(c.of(conn).serverNewPaths).toEqual([
      { frame: 3, path: '198.51.100.1:443>192.0.2.10:6000', challenge: true, unreadReason: null },
      { frame: 5, path: '198.51.100.1:443>192.0.2.10:7000', challenge: true, unreadReason: null },
      { frame: 6, path: '198.51.100.1:443>192.0.2.10:8000', challenge: null, unreadReason: 'no keys' },
      { frame: 7, path: '198.51.100.1:443>192.0.2.10:9000', challenge: false, unreadReason: null },
    ]);
  });
});
