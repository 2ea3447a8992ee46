import { describe, expect, it } from 'vitest';
import { aeadNonce, openPayload, sealPayload } from '../../src/crypto/aead.js';
import { CIPHER_SUITES, cipherSuiteById } from '../../src/crypto/cipher-suites.js';
import { packetKeys } from '../../src/crypto/packet-keys.js';

const keysFor = (id: number, version = 1) => packetKeys(Buffer.alloc(cipherSuiteById(id)!.hashLength, 7), cipherSuiteById(id)!, version)!;
const HEADER = Buffer.from('41aabbccdd01', 'hex');

describe('AEAD (RFC 9001 §5.3)', () => {
  it.each(CIPHER_SUITES.map((s) => [s.name, s.id] as const))('%s: seals and opens; a wrong packet number or a flipped byte gives null', (_n, id) => {
    const k = keysFor(id);
    const sealed = sealPayload(k, 1, HEADER, Buffer.from('hello'));
    expect(sealed).toHaveLength(5 + 16);
    expect(openPayload(k, 1, HEADER, sealed)?.toString()).toBe('hello');
    expect(openPayload(k, 257, HEADER, sealed)).toBeNull();
    for (const at of [0, sealed.length - 1]) {
      const bent = Buffer.from(sealed);
      bent[at] = bent[at]! ^ 1;
      expect(openPayload(k, 1, HEADER, bent)).toBeNull();
    }
    const otherHeader = Buffer.from(HEADER);
    otherHeader[0] = 0x45;
    expect(openPayload(k, 1, otherHeader, sealed)).toBeNull();
    expect(openPayload(k, 1, HEADER, sealed.subarray(0, 15))).toBeNull();
  });

  it('an empty payload is only a tag', () => {
    const k = keysFor(0x1304);
    const sealed = sealPayload(k, 9, HEADER, Buffer.alloc(0));
    expect(sealed).toHaveLength(16);
    expect(openPayload(k, 9, HEADER, sealed)).toEqual(Buffer.alloc(0));
  });

  it('forms the nonce from packet numbers above 2^32 exactly', () => {
    const iv = Buffer.from('000102030405060708090a0b', 'hex');
    expect(aeadNonce(iv, 2 ** 40 + 5).toString('hex')).toBe('000102030405070708090a0e');
    expect(aeadNonce(iv, 2n ** 62n - 1n).toString('hex')).toBe('000102033bfaf9f8f7f6f5f4');
    expect(aeadNonce(iv, 2 ** 53 - 1).equals(aeadNonce(iv, 2n ** 53n - 1n))).toBe(true);
    expect(iv.toString('hex')).toBe('000102030405060708090a0b'); // the IV is not changed
    expect(() => aeadNonce(iv, 2n ** 62n)).toThrow(RangeError);
    expect(() => aeadNonce(iv, -1)).toThrow(RangeError);

    const k = keysFor(0x1301);
    const pn = 2 ** 40 + 5;
    const sealed = sealPayload(k, pn, HEADER, Buffer.from('x'));
    expect(openPayload(k, pn, HEADER, sealed)?.toString()).toBe('x');
    expect(openPayload(k, BigInt(pn), HEADER, sealed)?.toString()).toBe('x');
    expect(openPayload(k, 5, HEADER, sealed)).toBeNull();
    expect(() => openPayload(k, -1, HEADER, sealed)).toThrow(RangeError); // a caller's mistake, not a failed tag
  });

  it('leaves Error.stackTraceLimit as it was, after a failed tag too', () => {
    const before = Error.stackTraceLimit;
    const k = keysFor(0x1301);
    openPayload(k, 0, HEADER, Buffer.alloc(32));
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('v1 and v2 keys from the same secret differ', () => {
    const sealed = sealPayload(keysFor(0x1301, 1), 0, HEADER, Buffer.from('x'));
    expect(openPayload(keysFor(0x1301, 0x6b3343cf), 0, HEADER, sealed)).toBeNull();
  });
});
