import { createCipheriv, createDecipheriv, type CipherCCM, type DecipherCCM } from 'node:crypto';
import type { PacketKeys } from './packet-keys.js';

const TAG_LENGTH = 16;

/** RFC 9001 §5.3: the nonce is the IV XORed with the packet number, left-padded to 12 bytes */
function nonce(iv: Buffer, pn: number): Buffer {
  const n = Buffer.from(iv);
  // packet numbers reach 2^62: two 32-bit halves keep plain numbers exact
  const high = Math.floor(pn / 2 ** 32);
  const low = pn >>> 0;
  n.writeUInt32BE((n.readUInt32BE(4) ^ high) >>> 0, 4);
  n.writeUInt32BE((n.readUInt32BE(8) ^ low) >>> 0, 8);
  return n;
}

/**
 * Opens a packet's payload (RFC 9001 §5.3). null when the tag does not verify: callers try
 * other packet numbers or keys with it, so a failure is an answer, not an error.
 */
export function openPayload(keys: PacketKeys, pn: number, header: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < TAG_LENGTH) return null;
  const ciphertext = sealed.subarray(0, sealed.length - TAG_LENGTH);
  try {
    // CCM's interface covers GCM and ChaCha20-Poly1305 too (they ignore plaintextLength)
    const d = createDecipheriv(keys.suite.aead as 'aes-128-ccm', keys.key, nonce(keys.iv, pn), { authTagLength: TAG_LENGTH }) as DecipherCCM;
    d.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
    d.setAAD(header, { plaintextLength: ciphertext.length });
    const head = d.update(ciphertext);
    const tail = d.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return null;
  }
}

/** The sender's side, for tests: the payload sealed, with its 16-byte tag. */
export function sealPayload(keys: PacketKeys, pn: number, header: Buffer, payload: Buffer): Buffer {
  const c = createCipheriv(keys.suite.aead as 'aes-128-ccm', keys.key, nonce(keys.iv, pn), { authTagLength: TAG_LENGTH }) as CipherCCM;
  c.setAAD(header, { plaintextLength: payload.length });
  return Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
}
