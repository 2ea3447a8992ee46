import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeIntoSeq } from '../../src/qlog/merge-seq.js';

const dir = mkdtempSync(join(tmpdir(), 'quiclens-merge-'));
const seq = (records: object[]) => records.map((r) => `\x1e${JSON.stringify(r)}\n`).join('');
const read = (path: string) => readFileSync(path, 'utf8').split('\x1e').filter(Boolean).map((r) => JSON.parse(r));

describe('mergeIntoSeq', () => {
  it('puts each event after the records of its time and before later ones; the header stays first', () => {
    const path = join(dir, 'a.sqlog');
    writeFileSync(path, seq([{ qlog_version: '0.3' }, { time: 1, name: 'p', data: {} }, { time: 2, name: 'q', data: {} }, { time: 5, name: 'r', data: {} }]));
    mergeIntoSeq(path, [
      { time: 0.5, name: 'x', data: {} },
      { time: 2, name: 'y', data: {} },
      { time: 9, name: 'z', data: {} },
    ]);
    expect(read(path).map((r) => r.name ?? 'header')).toEqual(['header', 'x', 'p', 'q', 'y', 'r', 'z']);
  });

  it('keeps text of several bytes whole where a 64 KiB chunk ends inside it', () => {
    const path = join(dir, 'b.sqlog');
    // "é" is 2 bytes: a 65,535-byte prefix makes one straddle the first chunk's end
    const filler = 'a'.repeat(65_536 - 1 - '{"time":1,"name":"p","data":{"s":"'.length - 1);
    const reason = `${filler}é${'é'.repeat(10)}`;
    writeFileSync(path, seq([{ time: 1, name: 'p', data: { s: reason } }]));
    mergeIntoSeq(path, [{ time: 3, name: 'x', data: {} }]);
    const back = read(path);
    expect(back[0].data.s).toBe(reason);
    expect(back.map((r) => r.name)).toEqual(['p', 'x']);
  });
});
