import { describe, expect, it } from 'vitest';
import { openPayload, sealPayload } from '../../src/crypto/aead.js';
import { cipherSuiteById, supportedSuites } from '../../src/crypto/cipher-suites.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { PacketKeys } from '../../src/crypto/packet-keys.js';
import { versionSecrets } from '../../src/crypto/version-secrets.js';

const SECRET = Buffer.alloc(48, 7);
const keysFor = (suite: number, version = 1) => new PacketKeys(SECRET.subarray(0, suite === 0x1302 ? 48 : 32), cipherSuiteById(suite)!, versionSecrets(version)!);

describe('AEAD (RFC 9001 §5.3)', () => {
  it.each(supportedSuites().map((s) => [s.name, s.id] as const))('%s seals and opens; a wrong packet number fails quietly', (_n, id) => {
    const k = keysFor(id);
    const header = Buffer.from('41aabbccdd01', 'hex');
    const sealed = sealPayload(k, 1, header, Buffer.from('hello'));
    expect(openPayload(k, 1, header, sealed)?.toString()).toBe('hello');
    expect(openPayload(k, 257, header, sealed)).toBeNull();
    const bent = Buffer.from(sealed);
    bent[0] = bent[0]! ^ 1;
    expect(openPayload(k, 1, header, bent)).toBeNull();
  });

  it('forms the nonce from packet numbers above 2^32 exactly', () => {
    const k = keysFor(0x1301);
    const pn = 2 ** 40 + 5;
    const sealed = sealPayload(k, pn, Buffer.alloc(4), Buffer.from('x'));
    expect(openPayload(k, pn, Buffer.alloc(4), sealed)?.toString()).toBe('x');
    expect(openPayload(k, 5, Buffer.alloc(4), sealed)).toBeNull();
  });

  it('knows AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305 here', () => {
    expect(supportedSuites().map((s) => s.id)).toEqual(expect.arrayContaining([0x1301, 0x1302, 0x1303]));
  });
});

describe('key update (RFC 9001 §6.1)', () => {
  it('derives a new secret, key and IV with "quic ku", keeping the header-protection key', () => {
    const k0 = keysFor(0x1301);
    const k1 = k0.next();
    expect(k1.secret.equals(k0.secret)).toBe(false);
    expect(k1.key.equals(k0.key)).toBe(false);
    expect(k1.hp.equals(k0.hp)).toBe(true);
    expect(k0.next().key.equals(k1.key)).toBe(true);
  });

  it('uses "quicv2 ku" for QUIC v2', () => {
    expect(keysFor(0x1301, 0x6b3343cf).next().secret.equals(keysFor(0x1301, 1).next().secret)).toBe(false);
  });
});

describe('key logs (NSS key log format)', () => {
  const R1 = 'aa'.repeat(32);
  const R2 = 'bb'.repeat(32);
  it('reads both label styles, skips comments, names bad lines, and merges logs', () => {
    const log = new KeyLog();
    const problems = log.add(
      [
        '# written by ngtcp2',
        `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${R1} ${'01'.repeat(32)}`,
        `SERVER_TRAFFIC_SECRET_0 ${R1.toUpperCase()} ${'02'.repeat(32)}`,
        `QUIC_CLIENT_TRAFFIC_SECRET_0 ${R2} ${'03'.repeat(48)}`,
        `CLIENT_RANDOM ${R1} ${'04'.repeat(48)}`,
        `CLIENT_TRAFFIC_SECRET_0 zz ${'05'.repeat(32)}`,
        `FANCY_SECRET ${R1} 00`,
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([
      { line: 6, message: "expected a 64-digit hex client random, found 'zz'" },
      { line: 7, message: "unknown label 'FANCY_SECRET'" },
    ]);
    log.add(`CLIENT_EARLY_TRAFFIC_SECRET ${R1} ${'06'.repeat(32)}\n`);
    const s1 = log.lookup(Buffer.from(R1, 'hex'))!;
    expect(s1.clientHandshake?.toString('hex')).toBe('01'.repeat(32));
    expect(s1.server0?.toString('hex')).toBe('02'.repeat(32));
    expect(s1.clientEarly?.toString('hex')).toBe('06'.repeat(32));
    expect(log.lookup(Buffer.from(R2, 'hex'))?.client0?.length).toBe(48);
    expect(log.size).toBe(2);
  });
});
