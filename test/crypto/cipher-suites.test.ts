import { describe, expect, it } from 'vitest';
import { CIPHER_SUITES, cipherSuiteById, cipherSuiteByName, INITIAL_SUITE, isSuiteSupported, supportedSuites } from '../../src/crypto/cipher-suites.js';

describe('TLS 1.3 cipher suites for QUIC (RFC 9001 §5, RFC 8446 §B.4)', () => {
  it.each([
    [0x1301, 'TLS_AES_128_GCM_SHA256', 'aes-128-gcm', 16, 'sha256', 32, 'aes-128-ecb'],
    [0x1302, 'TLS_AES_256_GCM_SHA384', 'aes-256-gcm', 32, 'sha384', 48, 'aes-256-ecb'],
    [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'chacha20-poly1305', 32, 'sha256', 32, 'chacha20'],
    [0x1304, 'TLS_AES_128_CCM_SHA256', 'aes-128-ccm', 16, 'sha256', 32, 'aes-128-ecb'],
  ] as const)('0x%s %s', (id, name, aead, keyLength, hash, hashLength, headerProtection) => {
    const s = cipherSuiteById(id);
    expect(s).toEqual({ id, name, aead, keyLength, ivLength: 12, hash, hashLength, headerProtection });
    expect(cipherSuiteByName(name)).toBe(s);
  });

  it('knows no other suite: CCM_8 is not allowed in QUIC (RFC 9001 §5.3)', () => {
    expect(cipherSuiteById(0x1305)).toBeUndefined();
    expect(cipherSuiteByName('TLS_AES_128_CCM_8_SHA256')).toBeUndefined();
    expect(CIPHER_SUITES).toHaveLength(4);
  });

  it('protects Initial packets with AES-128-GCM and SHA-256 (RFC 9001 §5.2)', () => {
    expect(INITIAL_SUITE.id).toBe(0x1301);
  });

  it('this Node runs all four suites', () => {
    expect(supportedSuites().map((s) => s.id)).toEqual([0x1301, 0x1302, 0x1303, 0x1304]);
    expect(CIPHER_SUITES.every(isSuiteSupported)).toBe(true);
  });
});
