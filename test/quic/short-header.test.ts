import { describe, expect, it } from 'vitest';
import { parseShortHeader } from '../../src/quic/short-header.js';
import { ShortHeaderDcidResolver } from '../../src/quic/short-header-dcid.js';
import { ByteReader } from '../../src/wire/byte-reader.js';
import { loadVectors } from '../support/vectors.js';

const v1 = loadVectors('rfc9001-appendix-a.json');
const hex = (s: string) => Buffer.from(s, 'hex');

describe('short headers (RFC 9000 §17.3.1): the DCID length comes from what was learned', () => {
  it('reads an 8-byte DCID the server chose (RFC 9001 extra 1-RTT server packet)', () => {
    const resolver = new ShortHeaderDcidResolver();
    // the client chose this SCID in its long headers, so the server sends to it
    resolver.learnEndpointCid('10.0.0.1:50000', hex('b01fd24a586a9cf3'), 1);
    const packet = hex(v1.extra_short_server.protected_packet);
    const h = parseShortHeader(new ByteReader(packet), resolver, '10.0.0.1:50000');
    expect(h.dcid.toString('hex')).toBe('b01fd24a586a9cf3');
    expect(h.dcidSource).toBe('known_cid');
    expect(h.version).toBe(1);
    expect(h.pnOffset).toBe(9);
    expect(h.length).toBe(packet.length);
  });

  it('reads a zero-length DCID for an endpoint that chose an empty SCID (RFC 9001 A.5)', () => {
    const resolver = new ShortHeaderDcidResolver();
    resolver.learnEndpointCid('[::1]:443', Buffer.alloc(0), 1);
    resolver.learnEndpointCid('[::1]:50000', hex('1122334455667788'), 1);
    const h = parseShortHeader(new ByteReader(hex(v1.a5_chacha20_short.protected_packet)), resolver, '[::1]:443');
    expect(h.dcid.length).toBe(0);
    expect(h.dcidSource).toBe('endpoint');
    expect(h.pnOffset).toBe(1);
  });

  it('prefers the longest known CID that matches', () => {
    const resolver = new ShortHeaderDcidResolver();
    resolver.learnCid(hex('aabb'), 1);
    resolver.learnCid(hex('aabbccddeeff0011'), 1);
    const h = parseShortHeader(new ByteReader(hex('40aabbccddeeff0011' + '0102030405')), resolver, 'x');
    expect(h.dcid.toString('hex')).toBe('aabbccddeeff0011');
  });

  it('guesses the last CID length seen, and says it guessed, when nothing matches', () => {
    const resolver = new ShortHeaderDcidResolver();
    resolver.learnCid(hex('0102030405'), 1);
    const h = parseShortHeader(new ByteReader(hex('41' + 'ffffffffff' + '00112233')), resolver, 'unknown:1');
    expect(h.dcid.length).toBe(5);
    expect(h.dcidSource).toBe('guess');
  });

  it('keeps the spin bit, which header protection leaves alone (RFC 9000 §17.4)', () => {
    const resolver = new ShortHeaderDcidResolver();
    expect(parseShortHeader(new ByteReader(hex('60' + '00'.repeat(20))), resolver, 'x').spinBit).toBe(1);
    expect(parseShortHeader(new ByteReader(hex('40' + '00'.repeat(20))), resolver, 'x').spinBit).toBe(0);
  });

  it('forgets the oldest CIDs past its bound', () => {
    const resolver = new ShortHeaderDcidResolver(2);
    resolver.learnCid(hex('0000000001'), 1);
    resolver.learnCid(hex('0000000002'), 1);
    resolver.learnCid(hex('0000000003'), 1);
    expect(resolver.resolve(hex('0000000001ff'), 'x').source).toBe('guess');
    expect(resolver.resolve(hex('0000000003ff'), 'x').source).toBe('known_cid');
  });
});
