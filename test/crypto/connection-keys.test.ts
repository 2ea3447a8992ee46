import { describe, expect, it } from 'vitest';
import { sealPayload } from '../../src/crypto/aead.js';
import { cipherSuiteById } from '../../src/crypto/cipher-suites.js';
import { ConnectionKeys } from '../../src/crypto/connection-keys.js';
import { applyHeaderProtection } from '../../src/crypto/header-protection.js';
import { PacketKeys } from '../../src/crypto/packet-keys.js';
import { protectionFor } from '../../src/crypto/version-secrets.js';
import type { ShortHeader } from '../../src/quic/packet-header.js';

const SECRET = Buffer.alloc(32, 0x5a);
const DCID = Buffer.from('0102030405060708', 'hex');
const k0 = new PacketKeys(SECRET, cipherSuiteById(0x1301)!, protectionFor(1)!);

/** a protected 1-RTT packet as a sender would build it (RFC 9000 §17.3.1, RFC 9001 §5) */
function shortPacket(pn: number, pnLength: number, keys: PacketKeys, phase: 0 | 1): { header: ShortHeader; bytes: Buffer } {
  const pnBytes = Buffer.alloc(pnLength);
  pnBytes.writeUIntBE(pn % 2 ** (8 * pnLength), 0, pnLength);
  const header = Buffer.concat([Buffer.from([0x40 | (phase << 2) | (pnLength - 1)]), DCID, pnBytes]);
  const payload = Buffer.concat([Buffer.from([0x01]), Buffer.alloc(30)]); // PING + PADDING
  const bytes = applyHeaderProtection(Buffer.concat([header, sealPayload(keys, pn, header, payload)]), 1 + DCID.length, keys);
  const h: ShortHeader = { form: 'short', type: '1RTT', offset: 0, length: bytes.length, firstByte: bytes[0]!, dcid: DCID, version: 1, pnOffset: 9, spinBit: 0, dcidSource: 'known_cid' };
  return { header: h, bytes };
}

function connection(): ConnectionKeys {
  const c = new ConnectionKeys();
  c.setSecrets({ server0: SECRET });
  c.setSuite(cipherSuiteById(0x1301)!);
  return c;
}

describe('packet numbers across lost packets (RFC 9000 A.3, and beyond its window)', () => {
  it('finds a 1-byte packet number after a gap of 300 lost packets by trying the next windows', () => {
    const c = connection();
    for (let pn = 0; pn <= 5; pn++) {
      const p = shortPacket(pn, 1, k0, 0);
      expect(c.open(p.header, p.bytes, 'server', 1)).toMatchObject({ pn, pnSearched: false });
    }
    // 300 is sent as 0x2c; the nearest candidate to 6 is 44, whose tag fails
    const late = shortPacket(300, 1, k0, 0);
    expect(c.open(late.header, late.bytes, 'server', 1)).toMatchObject({ pn: 300, pnSearched: true });
    const next = shortPacket(301, 1, k0, 0);
    expect(c.open(next.header, next.bytes, 'server', 1)).toMatchObject({ pn: 301, pnSearched: false });
  });

  it('gives up with "aead failed" on a packet no candidate opens', () => {
    const c = connection();
    const p = shortPacket(0, 1, new PacketKeys(Buffer.alloc(32, 1), cipherSuiteById(0x1301)!, protectionFor(1)!), 0);
    expect(c.open(p.header, p.bytes, 'server', 1)).toBe('aead failed');
    expect(new ConnectionKeys().open(p.header, p.bytes, 'server', 1)).toBe('no keys');
  });

  it('passes over candidates no packet number can be (a corrupt ACK\'s largest past 2^53) and still opens the true one', () => {
    // found by the fuzzer (seed 23): a mutated ACK sent the gap search to 117854154539735310
    const c = connection();
    const p = shortPacket(7, 1, k0, 0);
    expect(c.open(p.header, p.bytes, 'server', 1, () => [117854154539735310, 2 ** 62, 7])).toMatchObject({ pn: 7 });
    expect(connection().open(p.header, p.bytes, 'server', 1, () => [2 ** 60])).toBe('aead failed');
  });
});

describe('key updates (RFC 9001 §6)', () => {
  it('follows the key phase to the next generation and opens a packet reordered across the update', () => {
    const c = connection();
    const k1 = k0.next();
    const steps: [number, PacketKeys, 0 | 1, number][] = [
      [0, k0, 0, 0],
      [1, k0, 0, 0],
      [3, k1, 1, 1], // the update
      [2, k0, 0, 0], // sent before it, arrives after
      [4, k1, 1, 1],
    ];
    for (const [pn, keys, phase, generation] of steps) {
      const p = shortPacket(pn, 2, keys, phase);
      expect(c.open(p.header, p.bytes, 'server', 1)).toMatchObject({ pn, keyPhase: phase, keyGeneration: generation });
    }
  });
});
