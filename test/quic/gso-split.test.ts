import { describe, expect, it } from 'vitest';
import { findSegmentSize } from '../../src/quic/gso-split.js';

const DCID = Buffer.from('71639c8aa9e3b03c', 'hex');
/** a short header (fixed bit set) with DCID and `rest` bytes of protected payload */
const short = (rest: number) => Buffer.concat([Buffer.from([0x41]), DCID, Buffer.alloc(rest, 0x5a)]);

describe('findSegmentSize (the GSO heuristic)', () => {
  it('finds the segment size when the DCID starts every segment', () => {
    const payload = Buffer.concat([short(91), short(91), short(40)]);
    expect(findSegmentSize(payload, 0, DCID)).toBe(100);
  });

  it('a DCID met closer than one whole short packet is padding, not a segment boundary (RFC 9001 §5.4.2)', () => {
    // every 10 bytes a short header with the DCID: it repeats at a fixed stride, but no
    // protected short packet fits in 10 bytes, so these are not segments
    const tiny = Buffer.concat([Buffer.from([0x41]), DCID, Buffer.from([0])]);
    const payload = Buffer.concat([Buffer.from([0x41]), Buffer.alloc(9, 0x33), tiny, tiny, tiny]);
    expect(findSegmentSize(payload, 0, DCID)).toBeNull();
  });

  it('no split when a boundary does not start a short header with the DCID', () => {
    const payload = Buffer.concat([short(91), Buffer.from([0xc1]), DCID, Buffer.alloc(91)]);
    expect(findSegmentSize(payload, 0, DCID)).toBeNull();
  });
});
