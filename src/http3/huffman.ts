import type HpackPackage from 'hpack.js';
import { lazyPackage } from '../wire/lazy-package.js';
import { QpackError } from './qpack-error.js';

const hpack = lazyPackage<typeof HpackPackage>('hpack.js');

/**
 * The Huffman code of RFC 7541 Appendix B, which QPACK uses as HPACK does (RFC 9204
 * §4.1.2). The hpack.js package holds the code table; it decodes HPACK string literals,
 * so the bytes are handed to it framed as one: the H bit and a 7-bit-prefix length
 * (RFC 7541 §5.2), then the octets. Padding that is not the EOS prefix is an error.
 *
 * hpack.js throws its own plain Error for a string that does not decode; it is caught here,
 * at the package's edge, and becomes our QpackError, which the HTTP/3 reader handles as bad
 * input. `offset` is where the string starts, for the message.
 */
export function huffmanDecode(octets: Buffer, offset = 0): string {
  const d = hpack().decoder.create();
  d.push(Buffer.concat([hpackLength(octets.length), octets]));
  let out: number[] | Buffer;
  try {
    out = d.decodeStr();
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 80) : 'invalid code';
    throw new QpackError(`a Huffman-coded string of ${octets.length} bytes does not decode (RFC 7541 Appendix B: ${why})`, offset);
  }
  return Buffer.from(out).toString('latin1');
}

/** RFC 7541 §5.1 with a 7-bit prefix, the H bit set */
function hpackLength(n: number): Buffer {
  if (n < 127) return Buffer.from([0x80 | n]);
  const bytes = [0x80 | 127];
  let rest = n - 127;
  while (rest >= 128) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
