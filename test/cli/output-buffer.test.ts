import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';

/** a stream that keeps each chunk it is given, as bytes */
function collector(highWaterMark = 1 << 16) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  return { stream, chunks };
}

describe('Output: text encoded into buffers as it comes', () => {
  // ASCII, 2-, 3- and 4-byte UTF-8 (a surrogate pair), a lone surrogate, and strings longer than a buffer
  const texts = ['{"a":1}\n', 'café ', '€uro ', '😀 ', '\ud800 lone ', 'x'.repeat(300), '—'.repeat(200), '\n'];

  for (const chunkSize of [16, 64, 1 << 16]) {
    it(`chunk size ${chunkSize}: the bytes written are the text's UTF-8, and every chunk is whole characters`, async () => {
      const { stream, chunks } = collector(32);
      const out = new Output(stream, chunkSize);
      let all = '';
      for (let i = 0; i < 40; i++) {
        const t = texts[i % texts.length]!;
        out.write(t);
        all += t;
        if (i % 7 === 0) await out.drain();
      }
      await out.flush();
      expect(Buffer.concat(chunks)).toEqual(Buffer.from(all, 'utf8'));
      // a chunk never ends inside a character: each decodes alone to what it encodes
      for (const c of chunks) expect(Buffer.from(c.toString('utf8'), 'utf8')).toEqual(c);
      // nothing is written before a flush or a full chunk, and no chunk is empty
      expect(chunks.every((c) => c.length > 0)).toBe(true);
    });
  }

  it('drain writes only once a chunk\'s worth waits, and then waits for the stream', async () => {
    const { stream, chunks } = collector(8);
    const out = new Output(stream, 100);
    out.write('a'.repeat(50));
    await out.drain();
    expect(chunks).toHaveLength(0);
    out.write('b'.repeat(60));
    await out.drain();
    expect(Buffer.concat(chunks).toString()).toBe('a'.repeat(50) + 'b'.repeat(60));
  });
});
