import { getCiphers } from 'node:crypto';

/** What QUIC packet protection needs to know about a TLS 1.3 cipher suite (RFC 9001 §5). */
export interface CipherSuite {
  id: number;
  name: string;
  /** node:crypto AEAD name */
  aead: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
  keyLength: number;
  hash: 'sha256' | 'sha384';
  /** RFC 9001 §5.4.3 (AES-ECB) or §5.4.4 (ChaCha20) */
  headerProtection: 'aes-128-ecb' | 'aes-256-ecb' | 'chacha20';
}

const SUITES: CipherSuite[] = [
  { id: 0x1301, name: 'TLS_AES_128_GCM_SHA256', aead: 'aes-128-gcm', keyLength: 16, hash: 'sha256', headerProtection: 'aes-128-ecb' },
  { id: 0x1302, name: 'TLS_AES_256_GCM_SHA384', aead: 'aes-256-gcm', keyLength: 32, hash: 'sha384', headerProtection: 'aes-256-ecb' },
  { id: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', aead: 'chacha20-poly1305', keyLength: 32, hash: 'sha256', headerProtection: 'chacha20' },
  { id: 0x1304, name: 'TLS_AES_128_CCM_SHA256', aead: 'aes-128-ccm', keyLength: 16, hash: 'sha256', headerProtection: 'aes-128-ecb' },
];

/** Initial packets always use AES-128-GCM with SHA-256 (RFC 9001 §5.2) */
export const INITIAL_SUITE = SUITES[0]!;

export function cipherSuiteById(id: number): CipherSuite | undefined {
  return SUITES.find((s) => s.id === id);
}

/** the suites this Node can run, in the order to try them when the suite is not yet known */
export function supportedSuites(): CipherSuite[] {
  const have = new Set(getCiphers());
  return SUITES.filter((s) => have.has(s.aead) && (s.headerProtection === 'chacha20' ? have.has('chacha20') : have.has(s.headerProtection)));
}
