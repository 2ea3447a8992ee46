import { describe, expect, it } from 'vitest';
import { readIpv4, readIpv6 } from '../../src/capture/ip.js';
import { ByteReader } from '../../src/wire/byte-reader.js';
import { ipv4, ipv6, udp } from './build-capture.js';

// RFC 3168 §5: the ECN field is the low two bits of IPv4's TOS byte and of IPv6's traffic class
describe('the ECN field of the IP header', () => {
  it.each([0, 1, 2, 3])('IPv4 TOS 0xb8 | %i', (ecn) => {
    const p = ipv4('10.0.0.1', '10.0.0.2', udp(1, 2, Buffer.from('x')));
    p[1] = 0xb8 | ecn; // DSCP EF (46) above the ECN bits
    expect(readIpv4(new ByteReader(p)).ecn).toBe(ecn);
  });

  it.each([0, 1, 2, 3])('IPv6 traffic class 0xb8 | %i', (ecn) => {
    const p = ipv6('::1', '::2', 17, Buffer.alloc(0), udp(1, 2, Buffer.from('x')));
    const tc = 0xb8 | ecn;
    // version (4 bits), traffic class (8), flow label (20)
    p.writeUInt32BE(((6 << 28) | (tc << 20) | 0x12345) >>> 0, 0);
    expect(readIpv6(new ByteReader(p)).ecn).toBe(ecn);
  });
});
