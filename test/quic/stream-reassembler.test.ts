import { describe, expect, it } from 'vitest';
import { StreamReassembler } from '../../src/quic/stream-reassembler.js';

const bytes = (from: number, n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) & 0xff));

describe('StreamReassembler', () => {
  it('delivers each byte once, in order, across reordering, overlap and repeats', () => {
    for (const views of [false, true]) {
      const r = new StreamReassembler(undefined, views);
      const out: Buffer[] = [];
      const push = (offset: number, n: number) => out.push(r.push(offset, bytes(offset, n)));
      push(0, 10);
      push(20, 10); // ahead: held
      push(5, 10); // overlaps what was delivered, fills 10..15
      push(15, 5); // fills the gap: 15..30 now contiguous
      push(0, 30); // a repeat of it all: nothing new
      push(30, 4);
      expect(Buffer.concat(out)).toEqual(bytes(0, 34));
      expect(out.map((b) => b.length)).toEqual([10, 0, 5, 15, 0, 4]);
      expect(r.offset).toBe(34);
    }
  });

  it('copies what it delivers unless asked for views, and then only bytes that came in order with nothing waiting', () => {
    const copied = new StreamReassembler();
    const viewed = new StreamReassembler(undefined, true);
    const first = bytes(0, 8);
    const a = copied.push(0, first);
    const b = viewed.push(0, first);
    first.fill(0xee);
    // the copy keeps the bytes as they came; the view is the caller's own buffer
    expect(a).toEqual(bytes(0, 8));
    expect(b.buffer).toBe(first.buffer);
    // out of order: held as a copy even with views, since it outlives the call
    const later = bytes(12, 4);
    expect(viewed.push(12, later)).toHaveLength(0);
    later.fill(0xee);
    expect(viewed.push(8, bytes(8, 4))).toEqual(bytes(8, 8));
  });

  it('drops data further ahead than it may hold', () => {
    const r = new StreamReassembler(100);
    expect(r.push(200, bytes(200, 10))).toHaveLength(0);
    expect(r.push(0, bytes(0, 10))).toEqual(bytes(0, 10));
    expect(r.offset).toBe(10);
  });
});
