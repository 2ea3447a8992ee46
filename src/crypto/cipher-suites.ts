import { getCiphers } from 'node:crypto';

export type HashName = 'sha256' | 'sha384';
/** node:crypto names of the AEADs TLS 1.3 suites use (RFC 9001 §5.3) */
export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
/** node:crypto names of the header-protection ciphers: RFC 9001 §5.4.3 (AES-ECB), §5.4.4 (ChaCha20) */
export type HeaderProtectionCipher = 'aes-128-ecb' | 'aes-256-ecb' | 'chacha20';

/** What QUIC packet protection needs to know about a TLS 1.3 cipher suite (RFC 9001 §5). */
export interface CipherSuite {
  /** the TLS CipherSuite code point (RFC 8446 §B.4) */
  id: number;
  name: string;
  aead: AeadName;
  keyLength: number;
  /** every TLS 1.3 AEAD takes a 12-byte nonce, so every QUIC IV is 12 bytes (RFC 9001 §5.3) */
  ivLength: 12;
  /** the suite's hash drives HKDF; traffic secrets are this long (RFC 8446 §7.1) */
  hash: HashName;
  hashLength: 32 | 48;
  headerProtection: HeaderProtectionCipher;
}

/** RFC 8446 §B.4; TLS_AES_128_CCM_8_SHA256 is left out: RFC 9001 §5.3 forbids it for QUIC */
export const CIPHER_SUITES: readonly CipherSuite[] = [
  { id: 0x1301, name: 'TLS_AES_128_GCM_SHA256', aead: 'aes-128-gcm', keyLength: 16, ivLength: 12, hash: 'sha256', hashLength: 32, headerProtection: 'aes-128-ecb' },
  { id: 0x1302, name: 'TLS_AES_256_GCM_SHA384', aead: 'aes-256-gcm', keyLength: 32, ivLength: 12, hash: 'sha384', hashLength: 48, headerProtection: 'aes-256-ecb' },
  { id: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', aead: 'chacha20-poly1305', keyLength: 32, ivLength: 12, hash: 'sha256', hashLength: 32, headerProtection: 'chacha20' },
  { id: 0x1304, name: 'TLS_AES_128_CCM_SHA256', aead: 'aes-128-ccm', keyLength: 16, ivLength: 12, hash: 'sha256', hashLength: 32, headerProtection: 'aes-128-ecb' },
];

/** Initial packets always use AES-128-GCM with SHA-256 (RFC 9001 §5.2) */
export const INITIAL_SUITE = CIPHER_SUITES[0]!;

export function cipherSuiteById(id: number): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.id === id);
}

/** by the IANA name, e.g. `TLS_AES_128_GCM_SHA256` (as Wireshark and qlog spell it) */
export function cipherSuiteByName(name: string): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => s.name === name);
}

let nodeCiphers: Set<string> | undefined;

/** whether the running Node (its OpenSSL) offers both the suite's AEAD and its header-protection cipher */
export function isSuiteSupported(suite: CipherSuite): boolean {
  nodeCiphers ??= new Set(getCiphers());
  return nodeCiphers.has(suite.aead) && nodeCiphers.has(suite.headerProtection);
}

/** the suites this Node can run, in the order to try them when the suite is not yet known */
export function supportedSuites(): CipherSuite[] {
  return CIPHER_SUITES.filter(isSuiteSupported);
}
