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

  it.each([
    ['draft 20', 0xff000014],
    ['draft 33', 0xff000021],
    ['Google Q050', 0x51303530],
    ['Google T051', 0x54303531],
    ['a greasing version', 0x1a2a3a4a],
    ['version negotiation', 0],
  ])('%s: unknown', (_n, version) => {
    expect(protectionFor(version)).toBeUndefined();
  });
});
