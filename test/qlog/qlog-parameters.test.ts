import { describe, expect, it } from 'vitest';
import { transportParametersFromQlog } from '../../src/qlog/qlog-parameters.js';

describe('preferred_address from a qlog parameters_set', () => {
  it('reads the hex addresses ngtcp2 writes as text, and a missing family as all zeros', () => {
    // as captures/preferred-address/qlog logs it
    const p = transportParametersFromQlog({
      preferred_address: { ip_v4: '7f000002', port_v4: 4433, connection_id: '8c09642b181477763f794653304415aca544', stateless_reset_token: { data: '5b4f272380eb655741bd7cf206b3c8cf' } },
    });
    expect(p.preferred_address).toEqual({
      ip_v4: '127.0.0.2',
      port_v4: 4433,
      ip_v6: '::',
      port_v6: 0,
      connection_id: '8c09642b181477763f794653304415aca544',
      stateless_reset_token: '5b4f272380eb655741bd7cf206b3c8cf',
    });
  });

  it('keeps addresses already written as text', () => {
    const p = transportParametersFromQlog({ preferred_address: { ip_v4: '192.0.2.1', port_v4: 443, ip_v6: '2001:db8::1', port_v6: 443, connection_id: 'aa', stateless_reset_token: '00' } });
    expect(p.preferred_address).toMatchObject({ ip_v4: '192.0.2.1', ip_v6: '2001:db8::1' });
  });
});
