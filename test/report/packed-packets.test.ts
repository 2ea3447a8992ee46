import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePackets, PacketPacker, unpackPacket } from '../../src/report/html/packed-packets.js';
import { packRecords, unpackRecords } from '../../src/report/html/packed-records.js';
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
    const packed = decodePackets(JSON.parse(JSON.stringify(packer.result())));
    expect(packed.rows).toHaveLength(rows.length);
    rows.forEach((p, i) => expect(unpackPacket(packed, packed.rows[i]!)).toEqual(p));
  });

  it('keeps the fields a long header lacks absent, and a reason in decrypted as the reason', () => {
    const packer = new PacketPacker();
    const long = { ...rows[0]!, decrypted: 'no keys', frames: [] };
    packer.add(long);
    const packed = decodePackets(packer.result());
    const back = unpackPacket(packed, packed.rows[0]!);
    expect(back).toEqual(long);
    expect('spinBit' in back).toBe(false);
  });

  it('writes frame and time as differences, and gives back the times to the microsecond', () => {
    const packer = new PacketPacker();
    const times = [0.000001, 0.123456, 0.123456, 7.654321, 2.5];
    times.forEach((time, i) => packer.add({ ...rows[0]!, frame: 100 + i * 2, time }));
    const raw = packer.result();
    expect(raw.rows.map((r) => r[0])).toEqual([100, 2, 2, 2, 2]);
    expect(raw.rows.map((r) => r[1])).toEqual([1, 123455, 0, 7530865, -5154321]);
    const packed = decodePackets(JSON.parse(JSON.stringify(raw)));
    expect(packed.rows.map((r) => unpackPacket(packed, r).time)).toEqual(times);
  });

  it('holds the packets in under half the bytes of the NDJSON', () => {
    const packer = new PacketPacker();
    for (const p of rows) packer.add(p);
    const ndjson = rows.map((p) => JSON.stringify(p)).join('\n').length;
    expect(JSON.stringify(packer.result()).length).toBeLessThan(ndjson / 2);
  });
});

describe('packed records (the recovery lists in the HTML report)', () => {
  it('gives back every object, strings, nulls, nested values, times and frames included', () => {
    const list = [
      { connection: 1, sender: 'server', time: 0.017568, frame: 3, bytes: 460 },
      { connection: 1, sender: 'client', time: 0.0176, frame: 5, bytes: 0 },
      { connection: 1, sender: 'server', pn: 7, where: 'after_capture', frame: null, time: 1.5, retransmission: { frame: 9, pn: 12, time: 1.6 }, streams: [{ id: 0, offset: 5, length: 9 }] },
      { connection: 1, sender: 'server', time: 0.9, frame: 2, bytes: 17 },
    ];
    const packed = JSON.parse(JSON.stringify(packRecords(list)));
    expect(unpackRecords(packed)).toEqual(list);
    expect(packed.strings).toEqual(['server', 'client', 'after_capture']);
  });
});
