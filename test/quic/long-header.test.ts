import { describe, expect, it } from 'vitest';
import { parseLongHeader } from '../../src/quic/long-header.js';
import { ByteReader } from '../../src/wire/byte-reader.js';
import { WireError } from '../../src/wire/wire-error.js';
import { loadVectors } from '../support/vectors.js';

const v1 = loadVectors('rfc9001-appendix-a.json');
const v2 = loadVectors('rfc9369-appendix-a.json');
const salts = loadVectors('salts.json');
const hex = (s: string) => Buffer.from(s, 'hex');

describe('long headers (RFC 9000 §17.2, RFC 9369 §3.2)', () => {
  // the long-header fields up to the packet number are not protected, so the protected
  // sample packets of the RFCs' appendices parse as they are
  it.each([
    ['v1 client Initial (RFC 9001 A.2)', v1.a2_client_initial.protected_packet, 1, 'initial', '8394c8f03e515708', '', 1200],
    ['v1 server Initial (RFC 9001 A.3)', v1.a3_server_initial.protected_packet, 1, 'initial', '', 'f067a5502a4262b5', 135],
    ['v2 client Initial (RFC 9369 A.2)', v2.a2_client_initial.protected_packet, 0x6b3343cf, 'initial', '8394c8f03e515708', '', 1200],
    ['v2 server Initial (RFC 9369 A.3)', v2.a3_server_initial.protected_packet, 0x6b3343cf, 'initial', '', 'f067a5502a4262b5', 135],
  ])('%s', (_name, packet: string, version, type, dcid, scid, length) => {
    const bytes = hex(packet);
    const r = new ByteReader(bytes);
    const h = parseLongHeader(r);
    expect(h.version).toBe(version);
    expect(h.type).toBe(type);
    expect(h.dcid.toString('hex')).toBe(dcid);
    expect(h.scid.toString('hex')).toBe(scid);
    expect(h.token?.length).toBe(0);
    expect(h.length).toBe(length);
    expect(h.length).toBe(bytes.length);
    // Length covers packet number and payload; the PN starts right after it
    expect(h.pnOffset! + h.payloadLength!).toBe(bytes.length);
    expect(r.atEnd).toBe(true);
  });

  it('reads the v1 and v2 Retry sample packets with token and integrity tag', () => {
    for (const vec of salts.retry_vectors as { version: string; packet: string }[]) {
      const h = parseLongHeader(new ByteReader(hex(vec.packet)));
      expect(h.type).toBe('retry');
      expect(h.version).toBe(Number(vec.version));
      expect(h.scid.toString('hex')).toBe('f067a5502a4262b5');
      expect(h.token!.toString('latin1')).toBe('token');
      expect(h.integrityTag!.length).toBe(16);
    }
  });

  it('maps the type bits differently for v1 and v2', () => {
    // type bits 0b01: 0-RTT in v1, Initial in v2; 0b00: Initial in v1, Retry in v2
    const packet = (first: number, version: string) => hex(`${first.toString(16)}${version}0000` + '0101');
    expect(parseLongHeader(new ByteReader(packet(0xd0, '00000001'))).type).toBe('0RTT');
    expect(parseLongHeader(new ByteReader(packet(0xe0, '00000001'))).type).toBe('handshake');
    expect(parseLongHeader(new ByteReader(packet(0xe0, '6b3343cf'))).type).toBe('0RTT');
    expect(parseLongHeader(new ByteReader(packet(0xf0, '6b3343cf'))).type).toBe('handshake');
  });

  it('reads the versions a Version Negotiation packet offers (RFC 9000 §17.2.1)', () => {
    const vn = hex('80' + '00000000' + '04a1b2c3d4' + '081122334455667788' + '000000016b3343cf1a2a3a4a');
    const h = parseLongHeader(new ByteReader(vn));
    expect(h.type).toBe('version_negotiation');
    expect(h.dcid.toString('hex')).toBe('a1b2c3d4');
    expect(h.scid.toString('hex')).toBe('1122334455667788');
    expect(h.supportedVersions).toEqual([1, 0x6b3343cf, 0x1a2a3a4a]);
  });

  it('splits coalesced packets: each stops where its Length says', () => {
    const initial = hex(v1.a3_server_initial.protected_packet);
    const handshake = hex('e000000001' + '00' + '08f067a5502a4262b5' + '05' + 'aabbccddee');
    const r = new ByteReader(Buffer.concat([initial, handshake]));
    expect(parseLongHeader(r).type).toBe('initial');
    const h = parseLongHeader(r);
    expect(h.type).toBe('handshake');
    expect(h.offset).toBe(initial.length);
    expect(h.length).toBe(handshake.length);
    expect(r.atEnd).toBe(true);
  });

  it('takes the rest of the datagram for a version it cannot parse (RFC 8999 §5.1)', () => {
    const h = parseLongHeader(new ByteReader(hex('c0' + 'abcdef01' + '0411223344' + '00' + 'deadbeef')));
    expect(h.type).toBe('unknown');
    expect(h.version).toBe(0xabcdef01);
    expect(h.dcid.toString('hex')).toBe('11223344');
    expect(h.length).toBe(15);
  });

  it.each([
    ['a CID over 20 bytes in v1', 'c000000001' + '15' + '00'.repeat(21) + '00', 5, 'Destination Connection ID length 21 is over the 20 bytes'],
    ['a Length past the end', 'c000000001' + '00' + '00' + '00' + '4100' + 'aa', 8, 'the Length field says 256 bytes'],
    ['a token cut short', 'c000000001' + '00' + '00' + '10' + 'aa', 8, 'expected an Initial token of 16 bytes'],
    ['a Retry without its tag', 'f000000001' + '00' + '00' + 'aabb', 7, 'expected a Retry integrity tag of 16 bytes'],
  ])('rejects %s with the offset and what was expected', (_n, packet, offset, message) => {
    try {
      parseLongHeader(new ByteReader(hex(packet)));
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(WireError);
      expect((e as WireError).offset).toBe(offset);
      expect((e as WireError).message).toContain(message);
    }
  });
});
