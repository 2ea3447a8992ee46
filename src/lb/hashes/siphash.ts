/**
 * SipHash with c compression and d finalization rounds over a 128-bit key given as two
 * 64-bit words, returning the 64-bit result. Linux's hsiphash is SipHash-1-3 on 64-bit
 * machines, which is what the IPVS Maglev scheduler hashes with.
 */
const MASK = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK;
}

export function siphash(message: Uint8Array, k0: bigint, k1: bigint, c: number, d: number): bigint {
  let v0 = 0x736f6d6570736575n ^ k0;
  let v1 = 0x646f72616e646f6dn ^ k1;
  let v2 = 0x6c7967656e657261n ^ k0;
  let v3 = 0x7465646279746573n ^ k1;
  const round = () => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const compress = (m: bigint) => {
    v3 ^= m;
    for (let i = 0; i < c; i++) round();
    v0 ^= m;
  };
  const whole = message.length - (message.length % 8);
  const view = Buffer.from(message.buffer, message.byteOffset, message.length);
  for (let i = 0; i < whole; i += 8) compress(view.readBigUInt64LE(i));
  let last = BigInt(message.length & 0xff) << 56n;
  for (let i = whole; i < message.length; i++) last |= BigInt(message[i]!) << BigInt(8 * (i - whole));
  compress(last);
  v2 ^= 0xffn;
  for (let i = 0; i < d; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}
