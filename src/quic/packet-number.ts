/**
 * Packet number recovery, RFC 9000 Appendix A.3: the sender truncates the packet number to
 * pnNbits; the receiver picks the value closest to one more than the largest packet number
 * it has seen in that packet-number space.
 */
export function decodePacketNumber(largestPn: number, truncatedPn: number, pnNbits: number): number {
  const expected = largestPn + 1;
  const win = 2 ** pnNbits;
  const hwin = win / 2;
  // `& mask` is unsafe beyond 32 bits in JavaScript, so clear the low bits arithmetically
  const candidate = expected - (expected % win) + truncatedPn;
  if (candidate <= expected - hwin && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + hwin && candidate >= win) return candidate - win;
  return candidate;
}

/**
 * The packet numbers a truncated one may stand for when the largest seen is no guide (a
 * capture that lost a long run of packets): the value with these low bits nearest
 * `expected` (RFC 9000 A.3's rule, centred on an estimate instead of largest + 1), then one
 * window above and below, two windows, and so on, never below `floor`, at most `limit`.
 */
export function packetNumbersNear(truncatedPn: number, pnNbits: number, expected: number, floor: number, limit: number): number[] {
  const win = 2 ** pnNbits;
  const nearest = decodePacketNumber(Math.max(expected, 0) - 1, truncatedPn, pnNbits);
  const out: number[] = [];
  // below `floor` on one side ends that side; the other goes on until the limit
  for (let i = 0, downOpen = true; out.length < limit && i <= limit; i++) {
    const up = nearest + i * win;
    if (up >= floor) out.push(up);
    if (i === 0 || out.length >= limit) continue;
    const down = nearest - i * win;
    if (downOpen && down >= floor) out.push(down);
    else downOpen = false;
  }
  return out;
}
