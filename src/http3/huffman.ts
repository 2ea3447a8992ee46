import hpack from 'hpack.js';

/**
 * The Huffman code of RFC 7541 Appendix B, which QPACK uses as HPACK does (RFC 9204
 * §4.1.2). The hpack.js package holds the code table; it decodes HPACK string literals,
 * so the bytes are handed to it framed as one: the H bit and a 7-bit-prefix length
 * (RFC 7541 §5.2), then the octets. Padding that is not the EOS prefix is an error.
 */
export function huffmanDecode(octets: Buffer): string {
  const d = hpack.decoder.create();
  d.push(Buffer.concat([hpackLength(octets.length), octets]));
  const out = d.decodeStr();
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
