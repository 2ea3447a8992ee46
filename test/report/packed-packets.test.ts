import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embedPacketBytes, readEmbeddedPackets } from '../../src/report/html/embed-packets.js';
import { PacketPacker, PacketTable } from '../../src/report/html/packed-packets.js';
import { packRecords, unpackRecords } from '../../src/report/html/packed-records.js';
import { REPO } from '../support/captures.js';

function packetsJson(...args: string[]): Record<string, unknown>[] {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'packets', ...args, '--format', 'ndjson'], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

function table(rows: Record<string, unknown>[]): PacketTable {
  const packer = new PacketPacker();
  for (const p of rows) packer.add(p);
  const { meta, bytes } = packer.result();
  // through JSON and a copy of the bytes, as the page reads them
  return new PacketTable(JSON.parse(JSON.stringify(meta)), bytes.slice());
}

describe('the packet table (the HTML report\'s copy of `packets --format json`)', () => {
  // a migration (path frames, NEW_CONNECTION_ID), Initial tokens, coalesced packets, both header forms
  const rows = packetsJson('captures/migration/migration.pcap', '--keylog', 'captures/migration/keys.log');

  it('gives back every packet field for field, and in the order packets prints them', () => {
    const t = table(rows);
    expect(t.count).toBe(rows.length);
    rows.forEach((p, i) => {
      expect(t.packet(i)).toEqual(p);
      expect(Object.keys(t.packet(i))).toEqual(Object.keys(p));
    });
  });

  it('reads the row fields from the columns without unpacking the packet', () => {
    const t = table(rows);
    const i = rows.findIndex((p) => p.form === 'short');
    expect(t.num('frame', i)).toBe(rows[i]!.frame);
    expect(t.num('time', i)).toBe(rows[i]!.time);
    expect(t.str('direction', i)).toBe(rows[i]!.direction);
    expect(t.str('decrypted', i)).toBe('true');
    expect(t.frameTypes(i)).toEqual((rows[i]!.frames as { type: string }[]).map((f) => f.type));
  });

  it('keeps absent fields absent, nulls null, a reason in decrypted, and values a column cannot hold', () => {
    const odd = [
      { ...rows[0]!, decrypted: 'no keys', frames: [] },
      // a time finer than a microsecond, a fractional length, a huge packet number, a string connection: kept as they are
      { ...rows[1]!, time: 0.1234567, length: 12.5, pn: 2 ** 60, connection: 'x', keyPhase: null },
      { frame: 7, frames: 'not a list' },
    ];
    const t = table(odd);
    odd.forEach((p, i) => expect(t.packet(i)).toEqual(p));
    expect('spinBit' in t.packet(0)).toBe(false);
    expect(t.num('length', 1)).toBeNull();
    expect(t.str('decrypted', 0)).toBe('no keys');
  });

  it('writes frame and time as differences, and gives back the times to the microsecond, backwards too', () => {
    const times = [0.000001, 0.123456, 0.123456, 7.654321, 2.5];
    const t = table(times.map((time, i) => ({ ...rows[0]!, frame: 100 - i * 2, time })));
    expect(times.map((_, i) => t.num('time', i))).toEqual(times);
    expect(times.map((_, i) => t.num('frame', i))).toEqual([100, 98, 96, 94, 92]);
  });

  it('holds the packets in a tenth of the bytes of the NDJSON once compressed as the page embeds them', () => {
    const packer = new PacketPacker();
    for (const p of rows) packer.add(p);
    const packed = packer.result();
    const ndjson = rows.map((p) => JSON.stringify(p)).join('\n').length;
    const embedded = embedPacketBytes(packed);
    expect(embedded.length).toBeLessThan(ndjson / 10);
    expect(readEmbeddedPackets(packed.meta, embedded).packet(rows.length - 1)).toEqual(rows.at(-1));
  });

  it('names the section that is cut short', () => {
    const packer = new PacketPacker();
    for (const p of rows) packer.add(p);
    const { meta, bytes } = packer.result();
    expect(() => new PacketTable(meta, bytes.subarray(0, 100))).toThrow(/section frame runs past the data's 100 bytes|section \w+ runs past/);
    expect(() => new PacketTable({ ...meta, format: 'rows' as 'columns-1' }, bytes)).toThrow(/format rows, expected columns-1/);
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
