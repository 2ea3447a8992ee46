import { ByteReader } from '../wire/byte-reader.js';
import type { ShortHeader } from './packet-header.js';
import type { ShortHeaderDcidResolver } from './short-header-dcid.js';

/**
 * Reads a short-header (1-RTT) packet, RFC 9000 §17.3.1. It has no length field, so it
 * takes the rest of the datagram. The DCID length comes from the resolver's knowledge.
 */
export function parseShortHeader(r: ByteReader, resolver: ShortHeaderDcidResolver, dst: string): ShortHeader {
  const start = r.offset;
  const firstByte = r.u8('the first byte of a short header');
  const afterFlags = r.buf.subarray(r.offset, r.offset + r.remaining);
  const { length: dcidLength, version, source } = resolver.resolve(afterFlags, dst);
  const dcid = r.bytes(dcidLength, `a Destination Connection ID of ${dcidLength} bytes`);
  const pnOffset = r.offset - start;
  // at least one packet-number byte must follow (RFC 9000 §17.1)
  r.skip(1, 'a packet number after the Destination Connection ID');
  r.rest();
  return {
    form: 'short',
    type: '1RTT',
    offset: start,
    length: r.offset - start,
    firstByte,
    dcid,
    version,
    pnOffset,
    spinBit: (firstByte & 0x20) === 0x20 ? 1 : 0,
    dcidSource: source,
  };
}
