import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import type { Http3Request } from '../../src/analysis/http3-requests.js';
import { emptyTlsFacts } from '../../src/analysis/tls-facts.js';
import { auditZeroRtt } from '../../src/analysis/zero-rtt.js';

const conn = { id: 7, tls: emptyTlsFacts() } as unknown as Connection;
const request = (method: string, zeroRtt: boolean, status = 200): Http3Request => ({
  stream: 4,
  method,
  path: '/x',
  status,
  zeroRtt,
  frame: 12,
  requestBodyBytes: 0,
  responseBodyBytes: 0,
  contentLength: null,
  responseComplete: true,
  responseStreamBytes: { seen: 20, finalSize: 20 },
});

describe('0-RTT audit (RFC 9001 §9.2, RFC 8470)', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'BREW'])('flags %s in 0-RTT: it can be replayed', (m) => {
    expect(auditZeroRtt(conn, [request(m, true)]).map((f) => [f.code, f.severity, f.frame])).toEqual([['zero_rtt_non_idempotent', 'warning', 12]]);
  });

  it.each(['GET', 'HEAD', 'OPTIONS'])('lets %s through', (m) => {
    expect(auditZeroRtt(conn, [request(m, true)])).toEqual([]);
  });

  it('says nothing of a POST sent after the handshake', () => {
    expect(auditZeroRtt(conn, [request('POST', false)])).toEqual([]);
  });

  it('notes a 425 Too Early answer', () => {
    expect(auditZeroRtt(conn, [request('GET', true, 425)]).map((f) => f.code)).toEqual(['zero_rtt_too_early']);
  });
});
