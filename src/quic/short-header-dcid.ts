import type { DcidLengthSource } from './packet-header.js';

/**
 * The heuristic behind short-header parsing: a 1-RTT packet does not say how long its
 * Destination Connection ID is (RFC 9000 §17.3.1), so we learn it.
 *
 * - Each Source Connection ID an endpoint puts in a long header is a CID its peer will
 *   send to it; so are CIDs it issues in NEW_CONNECTION_ID frames (fed in once decrypted).
 *   A short header whose first bytes after the flags equal a known CID uses that CID.
 * - Otherwise the CID length the receiving endpoint (address and port) chose in its
 *   long headers applies. This is how zero-length CIDs (Chromium's client) work: the
 *   endpoint chose an empty SCID, so packets to it carry an empty DCID.
 * - Otherwise nothing is known; we guess the most recent non-empty CID length, and say so.
 *
 * Memory is bounded: the oldest CIDs are forgotten past `maxCids`.
 */
export class ShortHeaderDcidResolver {
  /** CID length → CIDs (hex) of that length, each with the version of its connection */
  private readonly byLength = new Map<number, Map<string, number>>();
  /** the keys of byLength, longest first: kept sorted here, not per packet */
  private lengths: number[] = [];
  private readonly endpointCidLength = new Map<string, number>();
  /** endpoints that sent, or were sent, long headers with the fixed bit cleared (RFC 9287) */
  private readonly greased = new Set<string>();
  private cidCount = 0;
  private lastLength: number | null = null;

  constructor(private readonly maxCids = 1_000_000) {}

  /** an endpoint (ip:port text) chose `cid` as its Source CID in a long header of `version` */
  learnEndpointCid(endpoint: string, cid: Buffer, version: number): void {
    this.endpointCidLength.set(endpoint, cid.length);
    if (this.endpointCidLength.size > this.maxCids) this.dropOldest(this.endpointCidLength);
    this.learnCid(cid, version);
  }

  /** a CID that will appear as a DCID in short headers (from a long header or NEW_CONNECTION_ID) */
  learnCid(cid: Buffer, version: number): void {
    if (cid.length === 0) return;
    this.lastLength = cid.length;
    let set = this.byLength.get(cid.length);
    if (!set) {
      set = new Map();
      this.byLength.set(cid.length, set);
      this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
    }
    const key = cid.toString('hex');
    if (!set.has(key)) this.cidCount++;
    set.set(key, version);
    if (this.cidCount > this.maxCids) {
      this.dropOldest(set);
      this.cidCount--;
    }
  }

  /**
   * A long header with the fixed bit clear went from `src` to `dst` (RFC 9287): the sender
   * greases, and its peer accepts greased packets.
   */
  learnGreasing(src: string, dst: string): void {
    if (this.greased.size >= this.maxCids) return;
    this.greased.add(src);
    this.greased.add(dst);
  }

  /** a packet between these endpoints may have its fixed bit greased */
  greasingSeen(src: string, dst: string): boolean {
    return this.greased.has(src) || this.greased.has(dst);
  }

  /** whether anything was learned about this endpoint: it spoke QUIC in a long header */
  knowsEndpoint(endpoint: string): boolean {
    return this.endpointCidLength.has(endpoint);
  }

  /**
   * The DCID length of a short header arriving at `dst`; `afterFlags` is the packet from the
   * byte after the first one.
   */
  resolve(afterFlags: Buffer, dst: string): { length: number; version: number | null; source: DcidLengthSource } {
    // longest match first: a short CID could be a prefix of a longer one's bytes
    for (const len of this.lengths) {
      if (len > afterFlags.length) continue;
      const version = this.byLength.get(len)!.get(afterFlags.toString('hex', 0, len));
      if (version !== undefined) return { length: len, version, source: 'known_cid' };
    }
    const known = this.endpointCidLength.get(dst);
    if (known !== undefined) return { length: known, version: null, source: 'endpoint' };
    return { length: this.lastLength ?? 8, version: null, source: 'guess' };
  }

  private dropOldest(map: Map<string, unknown>): void {
    const first = map.keys().next();
    if (!first.done) map.delete(first.value);
  }
}
