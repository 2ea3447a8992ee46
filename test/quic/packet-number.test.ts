import { describe, expect, it } from 'vitest';
import { decodePacketNumber, packetNumbersNear } from '../../src/quic/packet-number.js';
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

describe('packet numbers near an estimate (re-anchoring after a capture gap)', () => {
  it.each([
    // [truncated, bits, expected, floor, limit, candidates]: nearest to the estimate, then a window up, a window down, …
    [0x04, 8, 700, 331, 5, [772, 1028, 516, 1284, 1540]], // 772 is 72 from 700; 260 is below the floor
    [0x04, 8, 700, 600, 4, [772, 1028, 1284, 1540]], // nothing below the floor
    [0x2c, 8, 10, 0, 3, [44, 300, 556]], // never negative
    [0x0001, 16, 200_000, 0, 3, [196_609, 262_145, 131_073]],
  ])('truncated %d in %d bits near %d (floor %d, %d of them)', (truncated, bits, expected, floor, limit, want) => {
    expect(packetNumbersNear(truncated, bits, expected, floor, limit)).toEqual(want);
  });

  it('each candidate has the truncated low bits, and none repeats', () => {
    const got = packetNumbersNear(0x7f, 8, 5000, 2000, 24);
    expect(got).toHaveLength(24);
    expect(new Set(got).size).toBe(24);
    for (const pn of got) expect([pn % 256, pn >= 2000]).toEqual([0x7f, true]);
  });
});
