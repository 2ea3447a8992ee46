import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { Http3Requests } from '../../src/analysis/http3-requests.js';
import type { Frame } from '../../src/quic/frames/index.js';
import { palette } from '../../src/report/colour.js';
import { requestsText, type AnalysisView } from '../../src/report/summary.js';

// Issue 12 §8: a malformed QPACK Huffman literal is a decode problem the user sees on the
// request, not an error swallowed (nor one that stops the run).

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

/** an HTTP/3 HEADERS frame (RFC 9114 §7.2.2: type 0x01, a length, the field section) */
const headersFrame = (section: Buffer) => Buffer.concat([Buffer.from([0x01, section.length]), section]);

const streamFrame = (id: number, raw: Buffer, fin = true): Frame & { type: 'stream' } => ({ type: 'stream', stream_id: id, offset: 0, length: raw.length, fin, raw });

// RFC 9204 Appendix A static table: 17 :method GET, 23 :scheme https, 1 :path /, 25 :status 200;
// 0x50 a literal with the static name :authority (index 0), 0x51 one with the name :path (index 1)
const GOOD_REQUEST = hex('0000 d1 d7 c1 50 0b');
const AUTHORITY = Buffer.from('example.com');
// a Huffman value (H bit, 4 bytes) of ff ff ff ff: thirty ones is EOS, forbidden in a string (RFC 7541 §5.2)
const BAD_HUFFMAN = hex('51 84 ffffffff');

describe('a QPACK field section that does not decode is said on its request', () => {
  const h = new Http3Requests();
  // stream 0: a good request, a response whose field section carries the bad literal
  h.streamFrame(streamFrame(0, headersFrame(Buffer.concat([GOOD_REQUEST, AUTHORITY]))), 'client', '1RTT', 5);
  h.streamFrame(streamFrame(0, headersFrame(Buffer.concat([hex('0000 d9'), BAD_HUFFMAN]))), 'server', '1RTT', 6);
  // stream 4: the request itself is undecodable; its response decodes
  h.streamFrame(streamFrame(4, headersFrame(Buffer.concat([hex('0000 d1'), BAD_HUFFMAN]))), 'client', '1RTT', 7);
  h.streamFrame(streamFrame(4, headersFrame(hex('0000 d9'))), 'server', '1RTT', 8);
  const [first, second] = h.list();

  it('names the side, the stream, the packet and what was wrong; the fields it held stay unknown', () => {
    expect(first!.method).toBe('GET');
    expect(first!.authority).toBe('example.com');
    expect(first!.status).toBeUndefined();
    expect(first!.problems).toHaveLength(1);
    expect(first!.problems![0]).toMatch(/^response HEADERS on stream 0 \(frame 6\) does not decode: a Huffman-coded string of 4 bytes does not decode \(RFC 7541 Appendix B: .*\), at byte 5 of its field section$/);
    expect(second!.method).toBeUndefined();
    expect(second!.status).toBe(200);
    expect(second!.problems).toEqual([expect.stringMatching(/^request HEADERS on stream 4 \(frame 7\) does not decode: a Huffman-coded string/)]);
  });

  it('a request whose sections decode carries no problems field', () => {
    const ok = new Http3Requests();
    ok.streamFrame(streamFrame(0, headersFrame(Buffer.concat([GOOD_REQUEST, AUTHORITY]))), 'client', '1RTT', 1);
    expect(ok.list()[0]).not.toHaveProperty('problems');
  });

  it('shows in the summary text, and in the JSON (the request object as summary --format json gives it)', () => {
    const conn = { id: 1 } as Connection;
    const view = { connections: [conn], requests: () => [first!, second!] } as unknown as AnalysisView;
    const text = requestsText(view, palette(process.stdout, false));
    expect(text).toContain('  1  stream 0  GET https://example.com/ → status not in the capture');
    expect(text).toMatch(/\n {6}undecodable: response HEADERS on stream 0 \(frame 6\) does not decode: /);
    expect(text).toMatch(/\n {6}undecodable: request HEADERS on stream 4 \(frame 7\) does not decode: /);
    expect(JSON.stringify(first)).toContain('"problems":["response HEADERS on stream 0 (frame 6)');
  });
});
