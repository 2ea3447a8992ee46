import type { Http3Request } from '../http3-requests.js';
import type { ZeroRttStatus } from '../zero-rtt.js';
import type { EarlyDataReport } from './stream-types.js';

/** RFC 8470 §5.2: 425 Too Early */
const TOO_EARLY = 425;

/**
 * 0-RTT against the limit the resumed session's ticket set: max_early_data_size in the
 * NewSessionTicket's early_data extension (RFC 8446 §4.6.1; in QUIC it must be 0xffffffff
 * and the real bound is the remembered flow-control limits, RFC 9001 §4.6.1), and the
 * requests the server answered 425 Too Early.
 */
export function earlyData(status: ZeroRttStatus, requests: readonly Http3Request[]): EarlyDataReport {
  const max = status.maxEarlyDataSize;
  return {
    attempted: status.attempted,
    accepted: status.accepted,
    bytes: status.bytes,
    maxEarlyDataSize: max,
    withinLimit: max === null ? null : status.bytes <= max,
    limit:
      max !== null
        ? { evidence: 'proven', reason: `the NewSessionTicket an earlier connection to this server received allows ${max} bytes of early data` }
        : status.attempted
          ? { evidence: 'unknown', reason: 'the NewSessionTicket this session resumed was not in the capture (or not decrypted), so the early-data limit is unknown' }
          : { evidence: 'unknown', reason: 'no 0-RTT was attempted' },
    requests: [...status.requests],
    tooEarly: requests.filter((r) => r.zeroRtt && r.status === TOO_EARLY).map((r) => r.stream),
  };
}
