import { createCipheriv, type Cipher } from 'node:crypto';
import type { CipherSuite } from './cipher-suites.js';
import { hkdfExpandLabel } from './hkdf.js';
import type { VersionSecrets } from './version-secrets.js';

/**
 * The keys of one direction at one encryption level (RFC 9001 §5.1): AEAD key and IV, and
 * the header-protection key, derived from a traffic secret with the version's labels. One
 * AES-ECB context serves every packet's header-protection mask.
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
    const empty = Buffer.alloc(0);
    this.key = hkdfExpandLabel(suite.hash, secret, version.labels.key, empty, suite.keyLength);
    this.iv = hkdfExpandLabel(suite.hash, secret, version.labels.iv, empty, 12);
    this.hp = hp ?? hkdfExpandLabel(suite.hash, secret, version.labels.hp, empty, suite.keyLength);
  }

  /** the keys of the next key phase (RFC 9001 §6.1): a new secret via "quic ku" */
  next(): PacketKeys {
    const hashLength = this.suite.hash === 'sha384' ? 48 : 32;
    const secret = hkdfExpandLabel(this.suite.hash, this.secret, this.version.labels.ku, Buffer.alloc(0), hashLength);
    return new PacketKeys(secret, this.suite, this.version, this.hp);
  }

  /** RFC 9001 §5.4.3 (AES) and §5.4.4 (ChaCha20): 5 mask bytes from a 16-byte sample */
  mask(sample: Buffer): Buffer {
    if (this.suite.headerProtection === 'chacha20') {
      // the sample is the 4-byte little-endian block counter and the 12-byte nonce, which is
      // exactly the 16-byte IV Node's chacha20 takes
      return createCipheriv('chacha20', this.hp, sample).update(Buffer.alloc(5));
    }
    if (!this.ecb) {
      this.ecb = createCipheriv(this.suite.headerProtection, this.hp, null);
      this.ecb.setAutoPadding(false);
    }
    return this.ecb.update(sample).subarray(0, 5);
  }
}
