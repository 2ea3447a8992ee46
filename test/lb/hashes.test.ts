import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipBytes } from '../../src/capture/ip-address.js';
import type { Endpoint } from '../../src/capture/types.js';
import { ipvsMhTable, ipvsMhPick } from '../../src/lb/hashes/ipvs-mh.js';
import { ipvsShBucket, ipvsShTable } from '../../src/lb/hashes/ipvs-sh.js';
import { siphash } from '../../src/lb/hashes/siphash.js';
import type { Backend } from '../../src/lb/model.js';
import { backendPicker, type RoutedPacket } from '../../src/lb/pick-backend.js';
import { readLbConfig } from '../../src/lb/read-config.js';

const fixtures = join(__dirname, 'fixtures');

function endpoint(text: string): Endpoint {
  const colon = text.lastIndexOf(':');
  return { ip: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

/** just what a picker reads from a packet */
function packetFrom(src: Endpoint, dst: Endpoint): RoutedPacket {
  return { frame: 1, src, dst, connection: { id: 1 }, header: { form: 'short', dcid: Buffer.alloc(0) } } as unknown as RoutedPacket;
}

describe('nginx hash and hash consistent, held to what nginx 1.22 did (scripts/record-nginx-hashes.mjs)', () => {
  const recorded = JSON.parse(readFileSync(join(fixtures, 'nginx-hash-picks.json'), 'utf8')) as {
    picks: { client: string; listen: number; backend: string }[];
  };
  const config = readLbConfig(join(fixtures, 'nginx-hashes.conf'));
  for (const listen of [5601, 5602, 5603, 5604]) {
    it(`every client of 127.0.0.1:${listen} lands where nginx sent it`, () => {
      const listener = config.listeners.find((l) => l.listen === `127.0.0.1:${listen}`)!;
      expect(listener.choice.algorithm).toBe(listen === 5601 || listen === 5604 ? "nginx_hash" : "nginx_chash");
      const pick = backendPicker(listener);
      const picks = recorded.picks.filter((p) => p.listen === listen);
      expect(picks.length).toBe(120);
      const ours = picks.map((p) => ({ client: p.client, backend: pick(packetFrom(endpoint(p.client), { ip: '127.0.0.1', port: listen })).backend }));
      expect(ours).toEqual(picks.map((p) => ({ client: p.client, backend: p.backend })));
      // the hash spreads clients over every server that is up, never to one that is down
      expect(new Set(ours.map((o) => o.backend)).size).toBe(listener.backends.filter((b) => !b.down).length);
    });
  }
});

describe('SipHash (the hsiphash of IPVS mh)', () => {
  const key = Buffer.from([...Array(16).keys()]);
  const k0 = key.readBigUInt64LE(0);
  const k1 = key.readBigUInt64LE(8);
  it('SipHash-2-4 gives the reference outputs of the SipHash paper (Aumasson and Bernstein, appendix A and vectors.h)', () => {
    expect(siphash(Buffer.from([...Array(15).keys()]), k0, k1, 2, 4)).toBe(0xa129ca6149be45e5n);
    expect(siphash(Buffer.alloc(0), k0, k1, 2, 4)).toBe(0x726fdb47dd0e0e31n);
  });
});

describe('IPVS sh', () => {
  const backends: Backend[] = [
    { address: '10.0.0.1:443', weight: 1 },
    { address: '10.0.0.2:443', weight: 3 },
  ];
  it('deals the 256 buckets in the kernel list order (the reverse of the file), weight buckets at a time', () => {
    const table = ipvsShTable(backends)!;
    expect(table).toHaveLength(256);
    expect(table.slice(0, 8)).toEqual([1, 1, 1, 0, 1, 1, 1, 0]);
    expect(table.filter((i) => i === 1)).toHaveLength(192);
  });
  it('hashes the source with hash_32 (golden ratio 0x61C88647), the port only with sh-port', () => {
    // 10.1.2.3 = 0x0a010203; 0x0a010203 × 0x61c88647 mod 2^32 = 0x02ad20d5 → top 8 bits 0x02
    expect(ipvsShBucket({ ip: '10.1.2.3', port: 5000 }, false)).toBe(0x02);
    expect(ipvsShBucket({ ip: '10.1.2.3', port: 5000 }, true)).not.toBe(ipvsShBucket({ ip: '10.1.2.3', port: 5001 }, true));
    // IPv6 folds its four words by XOR: ::1 folds to 1
    expect(ipvsShBucket({ ip: '::1', port: 0 }, false)).toBe(ipvsShBucket({ ip: '0.0.0.1', port: 0 }, false));
  });
});

describe('IPVS mh (Maglev)', () => {
  const backends: Backend[] = [
    { address: '10.0.0.1:443', weight: 1 },
    { address: '10.0.0.2:443', weight: 1 },
    { address: '10.0.0.3:443', weight: 2 },
  ];
  it('fills all 4093 entries, each server in proportion to its weight', () => {
    const table = ipvsMhTable(backends)!;
    const counts = [0, 1, 2].map((i) => table.filter((x) => x === i).length);
    expect(counts.reduce((a, b) => a + b)).toBe(4093);
    expect(Math.abs(counts[2]! - 2 * counts[0]!)).toBeLessThanOrEqual(2);
    expect(Math.abs(counts[0]! - counts[1]!)).toBeLessThanOrEqual(1);
  });
  it('moves few clients when a server goes: only those of the server that went', () => {
    const before = ipvsMhTable(backends)!;
    const after = ipvsMhTable([backends[0]!, backends[2]!].map((b) => ({ ...b })))!;
    let moved = 0;
    for (let i = 0; i < 4093; i++) {
      const was = before[i]!;
      const now = after[i] === 0 ? 0 : 2;
      if (was !== 1 && was !== now) moved++;
    }
    // Maglev's promise is minimal disruption, not none: a small share of the other servers' entries move
    expect(moved / 4093).toBeLessThan(0.1);
  });
  it('picks by source address, and by port too with mh-port', () => {
    const a = ipvsMhPick({ ip: '192.0.2.7', port: 1000 }, backends, { port: false });
    expect(ipvsMhPick({ ip: '192.0.2.7', port: 2000 }, backends, { port: false })).toBe(a);
    const byPort = new Set(Array.from({ length: 40 }, (_, i) => ipvsMhPick({ ip: '192.0.2.7', port: 1000 + i }, backends, { port: true })));
    expect(byPort.size).toBe(3);
  });
});

describe('ipBytes', () => {
  it('reads IPv4, IPv6 with ::, and IPv6 with a dotted quad', () => {
    expect(ipBytes('10.0.0.1')).toEqual(Buffer.from([10, 0, 0, 1]));
    expect(ipBytes('2001:db8::1')!.toString('hex')).toBe('20010db8000000000000000000000001');
    expect(ipBytes('::ffff:192.0.2.1')!.toString('hex')).toBe('00000000000000000000ffffc0000201');
    expect(ipBytes('1:2:3:4:5:6:7:8')!.toString('hex')).toBe('00010002000300040005000600070008');
    expect(ipBytes('10.0.0.256')).toBeUndefined();
    expect(ipBytes('1::2::3')).toBeUndefined();
    expect(ipBytes('app-1')).toBeUndefined();
  });
});
