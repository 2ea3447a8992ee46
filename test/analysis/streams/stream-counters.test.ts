import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/quic/frames/index.js';
import { MAX_STREAMS, StreamCounters } from '../../../src/analysis/streams/stream-counters.js';
import { streamDirectionality, streamOpener } from '../../../src/analysis/streams/stream-id.js';

const stream = (id: number, offset: number, length: number, fin = false): Frame => ({ type: 'stream', stream_id: id, offset, length, fin, raw: Buffer.alloc(length) });

describe('stream IDs (RFC 9000 §2.1)', () => {
  it.each([
    [0, 'client', 'bidi'],
    [1, 'server', 'bidi'],
    [2, 'client', 'uni'],
    [3, 'server', 'uni'],
    [8, 'client', 'bidi'],
    [15, 'server', 'uni'],
  ])('stream %i: opened by the %s, %s', (id, opener, dir) => {
    expect(streamOpener(id)).toBe(opener);
    expect(streamDirectionality(id)).toBe(dir);
  });
});

describe('StreamCounters', () => {
  it('counts distinct bytes, bytes seen again, times, FIN, RESET_STREAM and STOP_SENDING per direction', () => {
    const c = new StreamCounters();
    c.observe([stream(4, 0, 100)], 'server', 0.1, 1);
    c.observe([stream(4, 50, 100)], 'server', 0.2, 2);
    c.observe([stream(4, 150, 10, true)], 'server', 0.3, 3);
    c.observe([{ type: 'stop_sending', stream_id: 4, error_code: 0x10c }], 'client', 0.25, 4);
    c.observe([{ type: 'reset_stream', stream_id: 4, error_code: 0x10c, final_size: 160 }], 'client', 0.26, 5);
    expect(c.report(4, 'server')).toEqual({
      bytes: 160,
      retransmittedBytes: 50,
      firstTime: 0.1,
      lastTime: 0.3,
      fin: true,
      finalSize: 160,
      reset: null,
      // the client asked the server to stop sending on stream 4
      stopSending: { errorCode: 0x10c, frame: 4 },
      exact: true,
    });
    expect(c.report(4, 'client')).toMatchObject({ bytes: 0, firstTime: null, reset: { errorCode: 0x10c, finalSize: 160, frame: 5 }, finalSize: 160 });
  });

  it('follows at most MAX_STREAMS streams and counts the frames of the rest', () => {
    const c = new StreamCounters();
    for (let i = 0; i < MAX_STREAMS + 3; i++) c.observe([stream(i * 4, 0, 1)], 'client', 0, i);
    expect(c.ids()).toHaveLength(MAX_STREAMS);
    expect(c.untracked).toBe(3);
    expect(c.has(0)).toBe(true);
    expect(c.has((MAX_STREAMS + 1) * 4)).toBe(false);
  });
});
