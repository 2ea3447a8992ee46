import { describe, expect, it } from 'vitest';
import { decodePacketNumber } from '../../src/quic/packet-number.js';
import { loadVectors } from '../support/vectors.js';

const examples = loadVectors('rfc9000-examples.json') as {
  packet_number_decoding: { largest_pn: string; truncated_pn: string; pn_nbits: number; decoded: string }[];
};

describe('packet number decoding (RFC 9000 Appendix A.3)', () => {
  it.each(examples.packet_number_decoding)('$truncated_pn after $largest_pn is $decoded', (v) => {
    expect(decodePacketNumber(Number(v.largest_pn), Number(v.truncated_pn), v.pn_nbits)).toBe(Number(v.decoded));
  });

  it.each([
    // [largest seen, truncated, bits, expected]: the closest candidate to largest+1 wins
    [-1, 0, 8, 0], // nothing seen yet
    [254, 0xff, 8, 255],
    [255, 0x00, 8, 256], // wraps forward
    [300, 0xfe, 8, 254], // a late packet from before the window
    [0x1ff, 0x01, 8, 0x201],
    [2 ** 40, 0x0001, 16, 2 ** 40 + 1], // beyond 32 bits, where bit masks would overflow
  ])('after %d, truncated %d in %d bits is %d', (largest, truncated, bits, want) => {
    expect(decodePacketNumber(largest, truncated, bits)).toBe(want);
  });
});
