import { createHmac } from 'node:crypto';
import type { HashName } from './cipher-suites.js';

/**
 * HKDF (RFC 5869) over Node's HMAC. QUIC needs Expand on its own, from secrets TLS already
 * extracted; Node's hkdfSync always extracts first, so both halves are written out here.
 */
export function hkdfExtract(hash: HashName, salt: Buffer, ikm: Buffer): Buffer {
  return createHmac(hash, salt).update(ikm).digest();
}

/** RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) | info | i), concatenated and cut to length */
export function hkdfExpand(hash: HashName, prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  let produced = 0;
  for (let i = 1; produced < length; i++) {
    if (i > 255) throw new RangeError(`HKDF-Expand cannot produce ${length} bytes with ${hash}`);
    previous = createHmac(hash, prk).update(previous).update(info).update(Buffer.from([i])).digest();
    blocks.push(previous);
    produced += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * HKDF-Expand-Label (RFC 8446 §7.1): the info is the HkdfLabel structure, the output
 * length (2 bytes), "tls13 " + label (1-byte length), context (1-byte length). QUIC uses
 * it with an empty context for every packet-protection key (RFC 9001 §5.1).
 */
export function hkdfExpandLabel(hash: HashName, secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, full.length]),
    full,
    Buffer.from([context.length]),
    context,
  ]);
  return hkdfExpand(hash, secret, info, length);
}
