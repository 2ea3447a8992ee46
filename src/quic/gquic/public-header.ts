import { ByteReader } from '../../wire/byte-reader.js';
import { WireError } from '../../wire/wire-error.js';
import type { LongHeader } from '../packet-header.js';
import { gquicLayout } from '../versions.js';

/**
 * The gQUIC public header of Q043 and before (Chromium's "QUIC Wire Layout";
 * quic_framer's public header). Its first byte is a set of flags, not a long-header form
 * bit, so RFC 8999's invariants do not find it:
 *
 *   flags(1) [connection ID(8) if 0x08] [version(4) if 0x01]
 *   [diversification nonce(32) if 0x04, server only] packet number (1, 2, 4 or 6 bytes: bits 0x30)
 *
 * Only a client's packet carries the version (a server's carries it in Version
 * Negotiation only), so a header read here is always the client's, and its payload is the
 * 12-byte message hash and the frames (null encryption) until the handshake is done.
 */
const FLAG_VERSION = 0x01;
const FLAG_RESET = 0x02;
const FLAG_CID = 0x08;
const PN_LENGTHS = [1, 2, 4, 6] as const;

/** whether `p` starts with a gQUIC public header that carries a public-header version */
export function isGquicPublicHeader(p: Buffer): boolean {
  if (p.length < 14) return false;
  const flags = p[0]!;
  // 0x80 is unused and must be 0; a packet with a version has its CID too
  if ((flags & 0x80) !== 0 || (flags & FLAG_RESET) !== 0 || (flags & (FLAG_VERSION | FLAG_CID)) !== (FLAG_VERSION | FLAG_CID)) return false;
  return gquicLayout(p.readUInt32BE(9))?.header === 'public';
}

/**
 * Reads a public header with a version. The packet takes the rest of the datagram (gQUIC
 * does not coalesce). It is given as a long header of type `initial` (the packet that
 * carries the client's hello), with the connection ID as DCID and an empty SCID.
 */
export function parseGquicPublicHeader(r: ByteReader): LongHeader {
  const start = r.offset;
  const firstByte = r.u8('the gQUIC public flags');
  const dcid = r.bytes(8, 'the 8-byte gQUIC connection ID');
  const version = r.u32('the gQUIC version');
  // flag 0x04 announces the server's diversification nonce; clients set the bit too
  // (Wireshark's gQUIC dissector reads a nonce only from a server), and a header with a
  // version is a client's, so no nonce follows here
  const pnOffset = r.offset - start;
  const pnLength = PN_LENGTHS[(firstByte >> 4) & 0x03]!;
  if (r.remaining < pnLength) throw new WireError(`expected a ${pnLength}-byte gQUIC packet number`, r.absoluteOffset);
  const payloadLength = r.remaining;
  r.rest();
  return { form: 'long', type: 'initial', offset: start, firstByte, version, dcid, scid: Buffer.alloc(0), pnOffset, payloadLength, length: r.offset - start };
}

/** gQUIC packet numbers are big-endian from Q039 on; their length is in the flags */
export function gquicPacketNumberLength(h: LongHeader): number {
  return gquicLayout(h.version)?.header === 'public' ? PN_LENGTHS[(h.firstByte >> 4) & 0x03]! : (h.firstByte & 0x03) + 1;
}

/**
 * Q044 to Q046 (Chromium's "IETF invariant header" of those versions): the long header of
 * IETF drafts before 22. One byte holds both connection ID lengths in its nibbles, each 0
 * or 3 + the nibble; the packet number (1 to 4 bytes, from the low bits of the first byte)
 * is not protected; no token and no Length field, so the packet runs to the datagram's end.
 */
export function parseGquicNibbleHeader(r: ByteReader, types: readonly LongHeader['type'][]): LongHeader {
  const start = r.offset;
  const firstByte = r.u8('the first byte of a long header');
  const version = r.u32('the 32-bit version of a long header');
  const lengths = r.u8('the connection ID lengths');
  const cidLength = (n: number) => (n === 0 ? 0 : n + 3);
  const dcid = r.bytes(cidLength(lengths >> 4), 'the Destination Connection ID');
  const scid = r.bytes(cidLength(lengths & 0x0f), 'the Source Connection ID');
  const pnOffset = r.offset - start;
  const pnLength = (firstByte & 0x03) + 1;
  if (r.remaining < pnLength) throw new WireError(`expected a ${pnLength}-byte packet number`, r.absoluteOffset);
  const payloadLength = r.remaining;
  r.rest();
  const type = types[(firstByte >> 4) & 0x03]!;
  return { form: 'long', type, offset: start, firstByte, version, dcid, scid, pnOffset, payloadLength, length: r.offset - start };
}
