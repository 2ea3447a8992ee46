import { createCipheriv, createDecipheriv, type CipherCCM, type DecipherCCM } from 'node:crypto';
import type { PacketKeys } from './packet-keys.js';

/** every TLS 1.3 AEAD QUIC allows has a 16-byte tag (RFC 9001 §5.3 excludes CCM_8) */
export const AEAD_TAG_LENGTH = 16;
const MAX_PN = 2n ** 62n;

/**
 * RFC 9001 §5.3: the nonce is the IV XORed with the packet number, left-padded to the IV's
 * 12 bytes. Packet numbers reach 2^62: as a number they are split into two 32-bit halves
 * (exact up to 2^53); a bigint covers the whole range.
 */
export function aeadNonce(iv: Buffer, pn: number | bigint): Buffer {
  let high: number;
  let low: number;
  if (typeof pn === 'bigint') {
    if (pn < 0n || pn >= MAX_PN) throw new RangeError(`packet number ${pn} is outside 0..2^62-1`);
    high = Number(pn >> 32n);
    low = Number(pn & 0xffffffffn);
  } else {
    if (!Number.isSafeInteger(pn) || pn < 0) throw new RangeError(`packet number ${pn} is not a non-negative safe integer`);
    high = Math.floor(pn / 2 ** 32);
    low = pn >>> 0;
  }
  const n = Buffer.from(iv);
  n.writeUInt32BE((n.readUInt32BE(4) ^ high) >>> 0, 4);
  n.writeUInt32BE((n.readUInt32BE(8) ^ low) >>> 0, 8);
  return n;
}

/**
 * Opens a packet's payload (RFC 9001 §5.3): `header` is the unprotected header (the AAD),
 * `sealed` the ciphertext with its tag. null when the tag does not verify: callers try
 * other packet numbers or keys with it, so a failure is an answer, not an error.
 */
export function openPayload(keys: PacketKeys, pn: number | bigint, header: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < AEAD_TAG_LENGTH) return null;
  const ciphertext = sealed.subarray(0, sealed.length - AEAD_TAG_LENGTH);
  // outside the try: a packet number out of range is the caller's mistake, not a failed tag
  const nonce = aeadNonce(keys.iv, pn);
  // Node has no boolean check of the tag: a mismatch is a throw, which becomes null here.
  // Packet-number and key-phase searches fail often, and most of a throw's cost is the
  // stack trace nobody reads, so none is captured while the tag is checked.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // typed as CCM, whose interface is the widest: GCM and ChaCha20-Poly1305 ignore the
    // plaintextLength that CCM needs before its AAD
    const d = createDecipheriv(keys.suite.aead as 'aes-128-ccm', keys.key, nonce, {
      authTagLength: AEAD_TAG_LENGTH,
    }) as DecipherCCM;
    d.setAuthTag(sealed.subarray(sealed.length - AEAD_TAG_LENGTH));
    d.setAAD(header, { plaintextLength: ciphertext.length });
    const head = d.update(ciphertext);
    const tail = d.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return null;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** The sender's side, for tests: the payload sealed, with its 16-byte tag appended. */
export function sealPayload(keys: PacketKeys, pn: number | bigint, header: Buffer, payload: Buffer): Buffer {
  const c = createCipheriv(keys.suite.aead as 'aes-128-ccm', keys.key, aeadNonce(keys.iv, pn), {
    authTagLength: AEAD_TAG_LENGTH,
  }) as CipherCCM;
  c.setAAD(header, { plaintextLength: payload.length });
  return Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
}
