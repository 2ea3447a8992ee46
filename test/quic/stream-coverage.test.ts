import { describe, expect, it } from 'vitest';
import { StreamCoverage } from '../../src/quic/stream-coverage.js';

describe('stream coverage: which bytes of a stream the capture held (RFC 9000 §2.2, §4.5)', () => {
  it.each([
    // [fragments (offset, length, fin), seen, first missing, final size]
    ['in order to the FIN', [[0, 10, false], [10, 10, true]], 20, 20, 20],
    ['a hole in the middle', [[0, 10, false], [30, 10, true]], 20, 10, 40],
    ['retransmissions and overlaps count once', [[0, 10, false], [5, 10, false], [0, 15, false], [14, 1, false]], 15, 15, null],
    ['out of order, closing a hole', [[20, 10, false], [0, 10, false], [10, 10, false]], 30, 30, null],
    ['nothing from byte 0', [[100, 50, true]], 50, 0, 150],
    ['a FIN with no data', [[0, 8, false], [8, 0, true]], 8, 8, 8],
  ] as const)('%s', (_name, fragments, seen, firstMissing, finalSize) => {
    const c = new StreamCoverage();
    for (const [offset, length, fin] of fragments) c.add(offset, length, fin);
    expect([c.seen, c.firstMissing, c.finalSize, c.exact]).toEqual([seen, firstMissing, finalSize, true]);
  });

  it('keeps at most its limit of separate ranges, and then says its count is a lower bound', () => {
    const c = new StreamCoverage(4);
    for (let i = 0; i < 10; i++) c.add(i * 10, 5, false);
    expect([c.seen, c.exact]).toEqual([20, false]);
    // a fragment that joins kept ranges is still counted
    c.add(5, 5, false);
    expect(c.seen).toBe(25);
  });
});
