import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_QLOG_NESTING } from '../../src/qlog/json-limits.js';
import { kindOfName } from '../../src/qlog/normalise-event.js';
import { frameTypeOf, normaliseFrame, packetTypeOf } from '../../src/qlog/qlog-values.js';
import { collect } from './collect.js';

const dir = mkdtempSync(join(tmpdir(), 'quiclens-hostile-qlog-'));
let n = 0;
function file(text: string, ext = 'sqlog'): string {
  const p = join(dir, `q${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}
const HEADER = '\x1e{"qlog_version":"0.3","qlog_format":"JSON-SEQ","trace":{"vantage_point":{"type":"client"}}}\n';
const deepArray = (depth: number, leaf: string) => '['.repeat(depth) + leaf + ']'.repeat(depth);

describe('qlog names that are members of Object (issue 12 §8)', () => {
  it.each(['__proto__', 'constructor', 'toString', 'quic:constructor', 'transport:__proto__', 'hasOwnProperty'])('an event named %s is an event of no kind we know', (name) => {
    expect(kindOfName(name)).toBe('other');
    expect(packetTypeOf(name)).toBe('unknown');
  });

  it('a frame type or field named like an Object member stays data', () => {
    expect(frameTypeOf('constructor')).toBe('constructor');
    const f = JSON.parse('{"frame_type":"toString","__proto__":{"polluted":1},"constructor":2}');
    const out = normaliseFrame(f);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['frame_type', '__proto__', 'constructor']);
    expect((out as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a JSON-SEQ log of such events is read through', async () => {
    const events = ['__proto__', 'constructor', 'toString'].map((name, i) => `\x1e{"time":${i},"name":"${name}","data":{"frames":[{"frame_type":"${name}"}]}}\n`);
    const got = await collect(file(HEADER + events.join('')));
    expect(got.problems).toEqual([]);
    expect(got.events.map((e) => [e.name, e.kind])).toEqual([
      ['__proto__', 'other'],
      ['constructor', 'other'],
      ['toString', 'other'],
    ]);
  });
});

describe('qlog nesting and size limits (issue 12 §8)', () => {
  it('an event_fields array nested 5,000 deep: the trace is skipped with a short message, no recursion', async () => {
    const text = `{"qlog_version":"draft-01","traces":[{"event_fields":${deepArray(5000, '"time"')},"events":[[1,"transport","packet_sent",{}]]}]}`;
    const got = await collect(file(text, 'qlog'));
    expect(got.events).toEqual([]);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]!.message).toBe(`trace 0 nests arrays and objects more than ${MAX_QLOG_NESTING} deep outside its events: skipped`);
  });

  it('an event nested 5,000 deep in a JSON document is skipped, the others read', async () => {
    const text = `{"qlog_version":"0.3","traces":[{"events":[{"time":1,"name":"quic:packet_sent","data":{"x":${deepArray(5000, '1')}}},{"time":2,"name":"quic:packet_sent","data":{"header":{"packet_type":"initial"}}}]}]}`;
    const got = await collect(file(text, 'qlog'));
    expect(got.events.map((e) => e.position)).toEqual([2]);
    expect(got.problems.map((p) => p.message)).toEqual([`trace 0, event 1 nests arrays and objects more than ${MAX_QLOG_NESTING} deep: skipped`]);
  });

  it('a JSON-SEQ record nested 5,000 deep is skipped with a message that does not quote it', async () => {
    const got = await collect(file(`${HEADER}\x1e{"time":1,"name":"quic:packet_sent","data":{"x":${deepArray(5000, '0')}}}\n\x1e{"time":2,"name":"quic:packet_sent","data":{}}\n`));
    expect(got.events).toHaveLength(1);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ frame: 2, fatal: true });
    expect(got.problems[0]!.message.length).toBeLessThan(200);
  });

  it('a record over the record size limit is skipped unread', async () => {
    const big = `\x1e{"time":1,"name":"quic:packet_sent","data":{"pad":"${'x'.repeat(5000)}"}}\n`;
    const got = await collect(file(`${HEADER}${big}\x1e{"time":2,"name":"quic:packet_sent","data":{}}\n`), { maxRecordBytes: 4096 });
    expect(got.events.map((e) => e.position)).toEqual([3]);
    expect(got.problems.map((p) => p.message)).toEqual(['record 2 is 5055 bytes, more than the 4096-byte limit for one record: skipped']);
  });

  it('a JSON document over the document size limit is refused before it is read', async () => {
    const got = await collect(file(`{"qlog_version":"0.3","traces":[{"events":[],"pad":"${'x'.repeat(3000)}"}]}`, 'qlog'), { maxDocumentBytes: 2048 });
    expect(got.traces).toEqual([]);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]!.message).toMatch(/^a qlog JSON document of 3\d{3} bytes is more than the 2048 bytes quiclens reads whole: write the log as JSON-SEQ/);
  });
});

describe('JSON syntax errors: line, column and a short quote (issue 12 §8)', () => {
  it('in a JSON document', async () => {
    const got = await collect(file('{"qlog_version": "0.3",\n  "traces": [\n    {"events": [ tru ]}\n  ]\n}', 'qlog'));
    expect(got.problems).toEqual([
      expect.objectContaining({ line: 3, column: 18, fatal: true, message: 'not valid JSON (expected a value (an object, array, string, number, true, false or null), found "tru ]}\\n  ]\\n}"): expected one qlog JSON document' }),
    ]);
  });

  it('in a JSON-SEQ record: the record\'s line, the quote on one line', async () => {
    const got = await collect(file(`${HEADER}\x1e{"time":1,"name":"quic:packet_sent","data":{"a":1,}}\n`));
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ line: 2, column: 52, frame: 2 });
    expect(got.problems[0]!.message).toBe('record 2 is not valid JSON (expected a quoted key, found "}}"): expected one JSON object per record (RFC 7464)');
  });
});
