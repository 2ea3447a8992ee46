import type { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';

/**
 * An integer with an N-bit prefix (RFC 7541 §5.1, used by QPACK, RFC 9204 §4.1.1): the low
 * N bits of `first`; all ones means more bytes follow, 7 bits each, least significant first.
 */
export function readPrefixInteger(r: ByteReader, first: number, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  let value = first & max;
  if (value < max) return value;
  let shift = 0;
  for (;;) {
    const b = r.u8('a continuation byte of a prefixed integer');
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return value;
    if (shift > 56) throw new WireError('a prefixed integer longer than 62 bits', r.absoluteOffset);
  }
}

/** a string literal (RFC 9204 §4.1.2): a Huffman flag bit, then an N-bit-prefix length */
export function readStringLiteral(r: ByteReader, first: number, prefixBits: number, huffman: (b: Buffer, offset: number) => string): string {
  const isHuffman = (first & (1 << prefixBits)) !== 0;
  const length = readPrefixInteger(r, first, prefixBits);
  const at = r.absoluteOffset;
  const bytes = r.bytes(length, `a string literal of ${length} bytes`);
  return isHuffman ? huffman(bytes, at) : bytes.toString('latin1');
}
