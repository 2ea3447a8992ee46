import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { isPreferredAddress, preferredAddresses } from '../../src/analysis/preferred-address.js';
import { emptyTlsFacts } from '../../src/analysis/tls-facts.js';
import type { TransportParameters } from '../../src/quic/transport-parameters.js';

const CID = '8c09642b181477763f794653304415aca544';
const TOKEN = '00112233445566778899aabbccddeeff';

function conn(params?: TransportParameters): Connection {
  const tls = emptyTlsFacts();
  if (params) tls.serverParameters = params;
  return { id: 1, tls } as unknown as Connection;
}

describe('the preferred_address transport parameter (RFC 9000 §18.2)', () => {
  it('is unknown until the server parameters were read', () => {
    expect(preferredAddresses(conn())).toBeNull();
    expect(isPreferredAddress(conn(), { ip: '127.0.0.2', port: 4433 })).toBeNull();
  });

  it('offers nothing when the server sent no preferred_address', () => {
    expect(preferredAddresses(conn({ max_idle_timeout: 30000 }))).toEqual([]);
    expect(isPreferredAddress(conn({}), { ip: '127.0.0.2', port: 4433 })).toBe(false);
  });

  it('skips the all-zero family and compares IPv6 by bytes, not text', () => {
    const c = conn({ preferred_address: { ip_v4: '0.0.0.0', port_v4: 0, ip_v6: '2001:db8:0:0:0:0:0:1', port_v6: 8443, connection_id: CID, stateless_reset_token: TOKEN } });
    expect(preferredAddresses(c)).toEqual([{ ip: '2001:db8:0:0:0:0:0:1', port: 8443 }]);
    expect(isPreferredAddress(c, { ip: '2001:db8::1', port: 8443 })).toBe(true);
    expect(isPreferredAddress(c, { ip: '2001:db8::1', port: 443 })).toBe(false);
    expect(isPreferredAddress(c, { ip: '0.0.0.0', port: 0 })).toBe(false);
  });

  it('matches the IPv4 address and port the server offered', () => {
    const c = conn({ preferred_address: { ip_v4: '127.0.0.2', port_v4: 4433, ip_v6: '0:0:0:0:0:0:0:0', port_v6: 0, connection_id: CID, stateless_reset_token: TOKEN } });
    expect(preferredAddresses(c)).toEqual([{ ip: '127.0.0.2', port: 4433 }]);
    expect(isPreferredAddress(c, { ip: '127.0.0.2', port: 4433 })).toBe(true);
    expect(isPreferredAddress(c, { ip: '127.0.0.1', port: 4433 })).toBe(false);
  });
});
