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
