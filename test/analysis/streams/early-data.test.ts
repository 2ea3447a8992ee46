import { describe, expect, it } from 'vitest';
import type { Http3Request } from '../../../src/analysis/http3-requests.js';
import type { ZeroRttStatus } from '../../../src/analysis/zero-rtt.js';
import { earlyData } from '../../../src/analysis/streams/early-data.js';

const status = (over: Partial<ZeroRttStatus>): ZeroRttStatus => ({
  attempted: true,
  accepted: true,
  packets: 2,
  bytes: 3000,
  maxEarlyDataSize: 0xffffffff,
  requests: [0, 4],
  facts: { accepted: { evidence: 'proven', reason: '' } },
  ...over,
});
const request = (stream: number, zeroRtt: boolean, status?: number): Http3Request => ({
  stream,
  zeroRtt,
  status,
  requestBodyBytes: 0,
  responseBodyBytes: 0,
  contentLength: null,
  responseComplete: true,
  responseStreamBytes: { seen: 0, finalSize: null },
  frame: 1,
});

describe('0-RTT early data against max_early_data_size (RFC 8446 §4.6.1) and 425 Too Early (RFC 8470 §5.2)', () => {
  it('names the 0-RTT requests the server answered 425, and only those', () => {
    const e = earlyData(status({}), [request(0, true, 425), request(4, true, 200), request(8, false, 425)]);
    expect(e.tooEarly).toEqual([0]);
    expect(e.requests).toEqual([0, 4]);
  });

  it('judges the bytes against the ticket\'s limit, over it when larger', () => {
    expect(earlyData(status({ bytes: 3000, maxEarlyDataSize: 2048 }), [])).toMatchObject({ withinLimit: false, limit: { evidence: 'proven' } });
    expect(earlyData(status({ bytes: 2048, maxEarlyDataSize: 2048 }), [])).toMatchObject({ withinLimit: true });
  });

  it('says the limit is unknown, and why, when the ticket was not read', () => {
    const e = earlyData(status({ maxEarlyDataSize: null }), []);
    expect(e).toMatchObject({ maxEarlyDataSize: null, withinLimit: null, limit: { evidence: 'unknown' } });
    expect(e.limit.reason).toMatch(/NewSessionTicket .* not in the capture/);
  });
});
