import { describe, expect, it } from 'vitest';
import { looksLikeQuic } from '../../src/quic/detect.js';
import { loadVectors } from '../support/vectors.js';

const v1 = loadVectors('rfc9001-appendix-a.json');
const v2 = loadVectors('rfc9369-appendix-a.json');
const hex = (s: string) => Buffer.from(s, 'hex');
const none = { knownEndpoint: false, portHint: false, greasedFixedBit: false };

describe('recognising QUIC by structure, on any port (RFC 8999, RFC 9000 §14.1)', () => {
  it.each([
    ['a v1 client Initial', v1.a2_client_initial.protected_packet],
    ['a v2 server Initial', v2.a3_server_initial.protected_packet],
    ['a Version Negotiation offering v1', '80' + '00000000' + '0411223344' + '00' + '00000001'],
    ['an unknown version padded to 1200 bytes', 'c0' + '1a2a3a4a' + '08' + '11'.repeat(8) + '00' + '00'.repeat(1186)],
  ])('accepts %s with no hint', (_n, packet) => {
    expect(looksLikeQuic(hex(packet), none)).toBe(true);
  });

  it.each([
    ['a DNS query', '1234012000010000000000010377777706676f6f676c6503636f6d0000010001'],
    ['a short unknown-version datagram', 'c0' + '1a2a3a4a' + '0411223344' + '00' + 'ffff'],
    ['a CID length past the end', 'c0' + '00000001' + '14' + '11'],
    ['a Version Negotiation offering nothing known', '80' + '00000000' + '00' + '00' + '1a2a3a4a'],
    ['a 1-byte datagram', '40'],
  ])('rejects %s', (_n, packet) => {
    expect(looksLikeQuic(hex(packet), none)).toBe(false);
  });

  it('accepts a short long header of an unknown version on a QUIC port (443, 8443, --port), not elsewhere', () => {
    const unknown = hex('c6' + '10010000' + '01' + '00' + '00' + '0000000000000132');
    expect(looksLikeQuic(unknown, none)).toBe(false);
    expect(looksLikeQuic(unknown, { ...none, quicPort: true })).toBe(true);
    expect(looksLikeQuic(unknown, { ...none, portHint: true })).toBe(true);
    // CIDs longer than any version allows stay out, whatever the port
    expect(looksLikeQuic(hex('c6' + '10010000' + '40' + '00'.repeat(70)), { ...none, quicPort: true })).toBe(false);
  });

  it('accepts a short header only on a flow already known as QUIC, or on a --port', () => {
    const short = hex(v1.extra_short_server.protected_packet);
    expect(looksLikeQuic(short, none)).toBe(false);
    expect(looksLikeQuic(short, { knownEndpoint: true, portHint: false, greasedFixedBit: false })).toBe(true);
    expect(looksLikeQuic(short, { knownEndpoint: false, portHint: true, greasedFixedBit: false })).toBe(true);
    // fixed bit clear: not QUIC v1 whatever the hint
    expect(looksLikeQuic(hex('00' + '11'.repeat(20)), { knownEndpoint: true, portHint: true, greasedFixedBit: false })).toBe(false);
  });
});
