/**
 * Encoding side of RFC 9000 §16 variable-length integers (reading is ByteReader.varint):
 * the shortest of 1, 2, 4 or 8 bytes that holds the value.
 */
export function encodeVarint(value: number | bigint): Buffer {
  const v = BigInt(value);
  if (v < 0n || v >= 1n << 62n) throw new RangeError(`${v} does not fit a QUIC variable-length integer`);
  const len = v < 64n ? 1 : v < 16384n ? 2 : v < 1073741824n ? 4 : 8;
  const out = Buffer.alloc(len);
  let rest = v;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  out[0]! |= [0, 0x40, 0, 0x80, 0, 0, 0, 0xc0][len - 1]!;
  return out;
}
