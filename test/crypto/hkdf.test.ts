import { describe, expect, it } from 'vitest';
import { hkdfExpand, hkdfExpandLabel, hkdfExtract } from '../../src/crypto/hkdf.js';
import { loadVectors } from '../support/vectors.js';

const hex = (s: string) => Buffer.from(s, 'hex');
const none = Buffer.alloc(0);

describe('HKDF (RFC 5869) and HKDF-Expand-Label (RFC 8446 §7.1)', () => {
  it('RFC 5869 A.1: extract and expand with SHA-256', () => {
    const prk = hkdfExtract('sha256', hex('000102030405060708090a0b0c'), hex('0b'.repeat(22)));
    expect(prk.toString('hex')).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(hkdfExpand('sha256', prk, hex('f0f1f2f3f4f5f6f7f8f9'), 42).toString('hex')).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  const v1 = loadVectors('rfc9001-appendix-a.json');
  it.each([
    ['quic key', 16, v1.a1_keys.client_key],
    ['quic iv', 12, v1.a1_keys.client_iv],
    ['quic hp', 16, v1.a1_keys.client_hp],
  ])('RFC 9001 A.1: "%s" from client_initial_secret', (label, length, expected) => {
    expect(hkdfExpandLabel('sha256', hex(v1.a1_keys.client_initial_secret), label, none, length).toString('hex')).toBe(expected);
  });

  it('draft-ietf-quic-tls-25 §5.8: the Retry key and nonce are "quic key"/"quic iv" of the published secret', () => {
    const secret = hex('656e61e336ae9417f7f0edd8d78d461e2aa7084aba7a14c1e9f726d55709169a');
    expect(hkdfExpandLabel('sha256', secret, 'quic key', none, 16).toString('hex')).toBe('4d32ecdb2a2133c841e4043df27d4430');
    expect(hkdfExpandLabel('sha256', secret, 'quic iv', none, 12).toString('hex')).toBe('4d1611d05513a552c587d575');
  });

  it('expands SHA-384 secrets to 48 bytes, more than one HMAC block for SHA-256', () => {
    const secret = Buffer.alloc(48, 1);
    expect(hkdfExpandLabel('sha384', secret, 'quic ku', none, 48)).toHaveLength(48);
    expect(hkdfExpand('sha256', secret, none, 80)).toHaveLength(80);
    expect(hkdfExpand('sha256', secret, none, 80).subarray(0, 32).equals(hkdfExpand('sha256', secret, none, 32))).toBe(true);
  });
});
