import { createCipheriv, type Cipher } from 'node:crypto';
import type { CipherSuite } from './cipher-suites.js';
import { hkdfExpandLabel } from './hkdf.js';
import { resolveVersion, type VersionLike, type VersionSecrets } from './version-secrets.js';

const NO_CONTEXT = Buffer.alloc(0);
/** RFC 9001 §5.4.2: header protection samples 16 bytes of ciphertext */
export const SAMPLE_LENGTH = 16;
/** one byte for the first byte's low bits, up to four for the packet number */
export const MASK_LENGTH = 5;

/**
 * The keys of one direction at one encryption level (RFC 9001 §5.1): AEAD key and IV, and
 * the header-protection key, derived from a traffic secret with the version's labels.
 *
 * It also owns the header-protection cipher: one AES-ECB context made on first use serves
 * every packet's mask, since ECB keeps no state between blocks and, without padding, turns
 * each 16-byte update into 16 bytes at once. ChaCha20 takes its counter and nonce from
 * the sample, so it needs a fresh context per packet (RFC 9001 §5.4.4).
 */
export class PacketKeys {
  readonly key: Buffer;
  readonly iv: Buffer;
  readonly hp: Buffer;
  private ecb: Cipher | null = null;

  constructor(
    readonly secret: Buffer,
    readonly suite: CipherSuite,
    readonly version: VersionSecrets,
    /** the header-protection key stays the same across key updates (RFC 9001 §6.1) */
    hp?: Buffer,
  ) {
    this.key = hkdfExpandLabel(suite.hash, secret, version.labels.key, NO_CONTEXT, suite.keyLength);
    this.iv = hkdfExpandLabel(suite.hash, secret, version.labels.iv, NO_CONTEXT, suite.ivLength);
    this.hp = hp ?? hkdfExpandLabel(suite.hash, secret, version.labels.hp, NO_CONTEXT, suite.keyLength);
  }

  /** the keys of the next key phase (RFC 9001 §6.1): new secret, key and IV; the same hp */
  next(): PacketKeys {
    return new PacketKeys(nextGenerationSecret(this.secret, this.suite, this.version), this.suite, this.version, this.hp);
  }

  /** RFC 9001 §5.4.3 (AES) and §5.4.4 (ChaCha20): 5 mask bytes from a 16-byte sample */
  mask(sample: Buffer): Buffer {
    if (sample.length !== SAMPLE_LENGTH) throw new RangeError(`a header-protection sample is ${SAMPLE_LENGTH} bytes, got ${sample.length}`);
    if (this.suite.headerProtection === 'chacha20') {
      // the sample is the 4-byte little-endian block counter then the 12-byte nonce, which
      // is exactly the 16-byte IV Node's chacha20 takes; the mask is the keystream on zeros
      return createCipheriv('chacha20', this.hp, sample).update(Buffer.alloc(MASK_LENGTH));
    }
    if (!this.ecb) {
      this.ecb = createCipheriv(this.suite.headerProtection, this.hp, null);
      this.ecb.setAutoPadding(false);
    }
    return this.ecb.update(sample).subarray(0, MASK_LENGTH);
  }
}

/**
 * The keys a traffic secret gives for a version; undefined for a version whose labels we
 * do not know.
 */
export function packetKeys(secret: Buffer, suite: CipherSuite, version: VersionLike): PacketKeys | undefined {
  const v = resolveVersion(version);
  return v && new PacketKeys(secret, suite, v);
}

/**
 * RFC 9001 §6.1: the secret of the next key phase is HKDF-Expand-Label(secret, "quic ku",
 * "", Hash.length); RFC 9369 §3.3.2 makes the label "quicv2 ku" for v2.
 */
export function nextGenerationSecret(secret: Buffer, suite: CipherSuite, version: VersionLike): Buffer {
  const v = resolveVersion(version);
  if (!v) throw new RangeError(`no key-update label known for version ${String(version)}`);
  return hkdfExpandLabel(suite.hash, secret, v.labels.ku, NO_CONTEXT, suite.hashLength);
}
