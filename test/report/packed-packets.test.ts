import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketPacker, unpackPacket } from '../../src/report/html/packed-packets.js';
import { REPO } from '../support/captures.js';

function packetsJson(...args: string[]): Record<string, unknown>[] {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'packets', ...args, '--format', 'ndjson'], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('packed packets (the HTML report\'s copy of `packets --format json`)', () => {
  // a migration (path frames, NEW_CONNECTION_ID), Initial tokens, coalesced packets, both header forms
  const rows = packetsJson('captures/migration/migration.pcap', '--keylog', 'captures/migration/keys.log');

  it('gives back every packet field for field', () => {
    const packer = new PacketPacker();
    for (const p of rows) packer.add(p);
    const packed = JSON.parse(JSON.stringify(packer.result()));
    expect(packed.rows).toHaveLength(rows.length);
    rows.forEach((p, i) => expect(unpackPacket(packed, packed.rows[i])).toEqual(p));
  });

  it('keeps the fields a long header lacks absent, and a reason in decrypted as the reason', () => {
    const packer = new PacketPacker();
    const long = { ...rows[0]!, decrypted: 'no keys', frames: [] };
    packer.add(long);
    const back = unpackPacket(packer.result(), packer.result().rows[0]!);
    expect(back).toEqual(long);
    expect('spinBit' in back).toBe(false);
  });

  it('holds the packets in under half the bytes of the NDJSON', () => {
    const packer = new PacketPacker();
    for (const p of rows) packer.add(p);
    const ndjson = rows.map((p) => JSON.stringify(p)).join('\n').length;
    expect(JSON.stringify(packer.result()).length).toBeLessThan(ndjson / 2);
  });
});
