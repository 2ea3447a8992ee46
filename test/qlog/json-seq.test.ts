import { describe, expect, it } from 'vitest';
import { splitJsonSeq, type JsonSeqRecord } from '../../src/qlog/json-seq.js';

const RS = '\x1e';

async function split(chunks: (string | Buffer)[], maxRecordBytes?: number): Promise<JsonSeqRecord[]> {
  async function* source() {
    for (const c of chunks) yield typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
  }
  const out: JsonSeqRecord[] = [];
  for await (const r of splitJsonSeq(source(), { maxRecordBytes })) out.push(r);
  return out;
}

/** the same bytes, one byte per chunk: every record boundary falls between chunks */
const bytewise = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => Buffer.from([b]));

describe('splitJsonSeq', () => {
  const seq = `${RS}{"a":1}\n${RS}{"b":\n 2}\n${RS}  {"c":3}\n`;

  it('splits at 0x1E and reports each record with its number, line, offset and line feed', async () => {
    const records = await split([seq]);
    expect(records.map((r) => r.text)).toEqual(['{"a":1}', '{"b":\n 2}', '{"c":3}']);
    expect(records.map((r) => r.recordNumber)).toEqual([1, 2, 3]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
    // offsets of the first non-blank byte after each 0x1E
    expect(records.map((r) => r.offset)).toEqual([1, 10, 23]);
    expect(records.every((r) => r.terminated && !r.oversize)).toBe(true);
    expect(records.map((r) => r.final)).toEqual([false, false, true]);
  });

  it('gives the same records when every byte arrives in its own chunk', async () => {
    expect(await split(bytewise(seq))).toEqual(await split([seq]));
  });

  it('gives the same records however the bytes are chunked', async () => {
    // a small deterministic generator, so a failure can be replayed
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = [RS, '\n', ' ', '\r\n', '{"a":1}', '{"s":"x\\ny"}', '[1,\n2]', '"é"', RS + RS];
    for (let round = 0; round < 50; round++) {
      let text = rand(2) ? RS : '';
      for (let n = rand(30); n > 0; n--) text += pieces[rand(pieces.length)];
      const bytes = Buffer.from(text, 'utf8');
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const len = 1 + rand(12);
        chunks.push(bytes.subarray(at, at + len));
        at += len;
      }
      expect(await split(chunks), JSON.stringify(text)).toEqual(await split([bytes]));
    }
  });

  it('does not count empty sequence elements (RFC 7464 allows several RS in a row)', async () => {
    const records = await split([`${RS}${RS}\n${RS}{"a":1}\n${RS}   \n${RS}{"b":2}\n`]);
    expect(records.map((r) => [r.recordNumber, r.text])).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });

  it('marks a last record without its line feed as not terminated (cut short)', async () => {
    const records = await split([`${RS}{"a":1}\n${RS}{"b":`]);
    expect(records).toHaveLength(2);
    expect(records[0]!.terminated).toBe(true);
    expect(records[1]).toMatchObject({ recordNumber: 2, text: '{"b":', terminated: false, final: true });
  });

  it('splits newline-delimited JSON (no 0x1E) at line feeds, skipping blank lines', async () => {
    const records = await split(bytewise('{"a":1}\n\n  {"b":2}\r\n{"c":3}'));
    expect(records.map((r) => [r.recordNumber, r.line, r.text])).toEqual([
      [1, 1, '{"a":1}'],
      [2, 3, '{"b":2}'],
      [3, 4, '{"c":3}'],
    ]);
    expect(records.map((r) => r.terminated)).toEqual([true, true, false]);
  });

  it('skips a record larger than the limit, reports its size and reads on', async () => {
    const big = `{"pad":"${'x'.repeat(200)}"}`;
    const records = await split([`${RS}{"a":1}\n${RS}${big}\n${RS}{"b":2}\n`], 100);
    expect(records.map((r) => [r.recordNumber, r.oversize, r.text])).toEqual([
      [1, false, '{"a":1}'],
      [2, true, ''],
      [3, false, '{"b":2}'],
    ]);
    // the record's bytes up to its separator, blank bytes after the text included
    expect(records[1]!.byteLength).toBe(big.length + 1);
  });

  it('drops a UTF-8 byte order mark and decodes characters split across chunks', async () => {
    const text = `\ufeff${RS}{"s":"é€😀"}\n`;
    const records = await split(bytewise(text));
    expect(records).toHaveLength(1);
    expect(JSON.parse(records[0]!.text)).toEqual({ s: 'é€😀' });
  });

  it('keeps a record spread over many chunks whole', async () => {
    const payload = 'y'.repeat(300_000);
    const text = `${RS}{"big":"${payload}"}\n${RS}{"after":true}\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 4096) chunks.push(text.slice(i, i + 4096));
    const records = await split(chunks);
    expect(records).toHaveLength(2);
    expect((JSON.parse(records[0]!.text) as { big: string }).big).toHaveLength(300_000);
    expect(records[1]!.text).toBe('{"after":true}');
  });
});
