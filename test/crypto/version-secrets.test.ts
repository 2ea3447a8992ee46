import { describe, expect, it } from 'vitest';
import { protectionFor } from '../../src/crypto/version-secrets.js';
import { loadVectors } from '../support/vectors.js';

interface VersionEntry {
  version: string;
  initial_salt: string;
  labels: string[];
  retry_key?: string;
  retry_nonce?: string;
}

/** "0xff00001d..0xff000020" → each version of the range */
function versionsOf(spec: string): number[] {
  const [from, to = from] = spec.split('..').map(Number) as [number, number?];
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('per-version packet protection constants (test/fixtures/vectors/salts.json)', () => {
  const entries = loadVectors('salts.json').versions as VersionEntry[];
  const rows = entries.flatMap((e) => versionsOf(e.version).map((v) => [`0x${v.toString(16).padStart(8, '0')}`, v, e] as const));

  it.each(rows)('%s: salt, labels, Retry key', (_name, version, e) => {
    const p = protectionFor(version)!;
    expect(p.initialSalt.toString('hex')).toBe(e.initial_salt);
    expect([p.labels.key, p.labels.iv, p.labels.hp, p.labels.ku]).toEqual(e.labels);
    if (e.retry_key) {
      expect(p.retryKey?.toString('hex')).toBe(e.retry_key);
      expect(p.retryNonce?.toString('hex')).toBe(e.retry_nonce);
    }
  });

  it('drafts 25 to 28 tag Retry packets (draft-ietf-quic-tls-25 §5.8); 23 and 24 do not', () => {
    for (let d = 25; d <= 28; d++) expect(protectionFor(0xff000000 + d)?.retryKey?.toString('hex')).toBe('4d32ecdb2a2133c841e4043df27d4430');
    expect(protectionFor(0xff000017)?.retryKey).toBeUndefined();
    expect(protectionFor(0xff000018)?.retryKey).toBeUndefined();
  });

  // values as each project's own source gives them: draft-ietf-quic-tls-33 §5.2, mvfst's
  // getQuicVersionSalt (and MVFST_D24 before its removal), nDPI's and Wireshark's gQUIC salts
  it.each([
    ['draft 33', 0xff000021, '38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'be0c690b9f66575a1d766b54e368c84e'],
    ['draft 34', 0xff000022, '38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'be0c690b9f66575a1d766b54e368c84e'],
    ['mvfst 0xfaceb001 (draft-22 salt)', 0xfaceb001, '7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a', undefined],
    ['mvfst 0xfaceb002 (draft-23 salt)', 0xfaceb002, 'c3eef712c72ebb5a11a7d2432bb46365bef9f502', undefined],
    ['mvfst 0xfaceb00e (draft-23 salt)', 0xfaceb00e, 'c3eef712c72ebb5a11a7d2432bb46365bef9f502', undefined],
    ['mvfst 0xfaceb003 (a v1 alias)', 0xfaceb003, '38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'be0c690b9f66575a1d766b54e368c84e'],
    ['mvfst 0xfaceb014 (its own salt)', 0xfaceb014, 'ca6b74a5ce82fc04436bf2ea75e78c56c8c08d24', undefined],
    ['Google Q050', 0x51303530, '504574efd066fe2f9d945cfcdbd3a7f0d3b56b45', undefined],
    ['Google T050', 0x54303530, '7ff579e5acd072915580304c43a2367c60488310', undefined],
    ['Google T051', 0x54303531, '7a4edef4e7ccee5fa4506c19124fc8ccda6e033d', undefined],
  ])('%s: salt, v1 labels, Retry key', (_n, version, salt, retryKey) => {
    const p = protectionFor(version)!;
    expect(p.initialSalt.toString('hex')).toBe(salt);
    expect(p.labels.key).toBe('quic key');
    expect(p.retryKey?.toString('hex')).toBe(retryKey);
  });

  it.each([
    ['draft 20', 0xff000014],
    ['Google Q046 (gQUIC crypto, not TLS keys)', 0x51303436],
    ['a greasing version', 0x1a2a3a4a],
    ['version negotiation', 0],
  ])('%s: unknown', (_n, version) => {
    expect(protectionFor(version)).toBeUndefined();
  });
});
