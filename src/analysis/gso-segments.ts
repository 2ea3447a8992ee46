import type { Datagram } from '../capture/types.js';
import { formatEndpoint } from '../capture/types.js';

/** segment sizes senders commonly use: QUIC's minimum, and payloads of common path MTUs */
const COMMON_SIZES = [1200, 1232, 1252, 1280, 1350, 1357, 1370, 1400, 1420, 1440, 1450, 1452, 1460, 1472, 1480, 1492];
const REMEMBERED = 8;

/**
 * Candidate GSO segment sizes for a super-datagram the DCID cannot split (a zero-length
 * DCID marks no boundary): the sizes of the datagrams this sender sent on this path
 * before, most recent first, then the common ones. The AEAD decides which, if any, is
 * right: a split counts only when every segment's tag verifies.
 */
export class GsoSegmentSizes {
  private readonly byPath = new Map<string, number[]>();

  /** remember the size of an ordinary (decrypted, whole) datagram */
  observe(d: Datagram): void {
    const key = `${formatEndpoint(d.src)} ${formatEndpoint(d.dst)}`;
    const sizes = this.byPath.get(key) ?? [];
    if (sizes[0] === d.payload.length) return;
    const next = [d.payload.length, ...sizes.filter((s) => s !== d.payload.length)].slice(0, REMEMBERED);
    this.byPath.set(key, next);
    if (this.byPath.size > 100_000) this.byPath.delete(this.byPath.keys().next().value!);
  }

  /** sizes to try for this super-datagram, whose short packet starts at `shortAt` */
  candidates(d: Datagram, shortAt: number): number[] {
    const seen = this.byPath.get(`${formatEndpoint(d.src)} ${formatEndpoint(d.dst)}`) ?? [];
    return [...new Set([...seen, ...COMMON_SIZES])].filter((s) => s > shortAt + 20 && s < d.payload.length);
  }
}
