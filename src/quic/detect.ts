import { versionInfo } from './versions.js';

/**
 * Whether a UDP payload is QUIC, judged by structure alone so that any port works
 * (RFC 8999 invariants; RFC 9000 §14.1 and §17). `port` hints only loosen the test.
 *
 * - A long header (high bit set) of a version we know, with connection IDs that fit.
 * - Version Negotiation (version 0) offering at least one version we know, or answering a
 *   known endpoint.
 * - A long header of a version we do not know, when the datagram is padded to the 1200
 *   bytes RFC 9000 §14.1 requires of a client's first datagram (that is what draws a
 *   Version Negotiation), or uses a QUIC port (443, 8443 or --port), and its connection
 *   IDs fit in 20 bytes: it is reported as a packet of an unknown version, not skipped.
 * - A short header (high bit clear, fixed bit set) to or from an endpoint already seen
 *   speaking QUIC in long headers. RFC 9287 lets a peer clear the fixed bit; such a short
 *   header counts only where greasing was seen, so zero padding stays padding.
 */
export interface DetectContext {
  /** the endpoint already sent or received QUIC long headers */
  knownEndpoint: boolean;
  /**
   * a short header with the fixed bit clear is QUIC here: the receiver was already sent
   * long headers with the bit greased (RFC 9287), or the DCID is one a peer chose
   */
  greasedFixedBit: boolean;
  /** the datagram uses a port the user named with --port */
  portHint: boolean;
  /** the datagram uses a port where QUIC is commonly served (see QUIC_PORTS) */
  quicPort?: boolean;
  /** a short header's DCID is a connection ID some connection uses */
  knownDcid?: boolean;
}

export function looksLikeQuic(p: Buffer, ctx: DetectContext): boolean {
  if (p.length < 1) return false;
  const first = p[0]!;
  if ((first & 0x80) === 0) {
    // short header: the fixed bit is set (RFC 9000 §17.3.1) unless greased (RFC 9287), and
    // the flow must already be QUIC, or the DCID one we know
    return ((first & 0x40) !== 0 || ctx.greasedFixedBit) && p.length >= 2 && (ctx.knownEndpoint || ctx.portHint || ctx.knownDcid === true);
  }
  if (p.length < 7) return false;
  const version = p.readUInt32BE(1);
  // gQUIC Q044 to Q046: one byte of nibbles for both CID lengths (gquic/public-header.ts)
  if (versionInfo(version).gquic?.header === 'nibbles') return true;
  const dcil = p[5]!;
  if (6 + dcil >= p.length) return false;
  const scil = p[6 + dcil]!;
  if (7 + dcil + scil > p.length) return false;
  const info = versionInfo(version);
  if (version === 0) {
    const rest = p.length - (7 + dcil + scil);
    if (rest === 0 || rest % 4 !== 0 || dcil > 20 || scil > 20) return false;
    if (ctx.knownEndpoint || ctx.portHint) return true;
    for (let o = 7 + dcil + scil; o < p.length; o += 4) {
      if (versionInfo(p.readUInt32BE(o)).longTypes) return true;
    }
    return false;
  }
  if (info.longTypes) return dcil <= info.maxCidLength && scil <= info.maxCidLength;
  if (dcil > 20 || scil > 20) return false;
  return ctx.portHint || ctx.quicPort === true || ctx.knownEndpoint || p.length >= 1200;
}

/** UDP ports where QUIC is served without being asked: HTTP/3's 443 and its 8443 alternative */
export const QUIC_PORTS: ReadonlySet<number> = new Set([443, 8443]);
