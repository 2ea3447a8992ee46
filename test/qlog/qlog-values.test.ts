import { describe, expect, it } from 'vitest';
import { kindOfName } from '../../src/qlog/normalise-event.js';
import { alpnOf, frameTypeOf, hexOf, normaliseFrame, packetTypeOf, versionOf } from '../../src/qlog/qlog-values.js';

describe('qlog value spellings', () => {
  it('maps every writer\'s packet type names to ours', () => {
    const written = ['initial', 'INITIAL', 'handshake', '0RTT', 'zerortt', 'ZERORTT', '1RTT', 'onertt', 'ONERTT', 'retry', 'version_negotiation', 'VERSION_NEGOTIATION', 'stateless_reset', 'bogus', 42];
    expect(written.map(packetTypeOf)).toEqual([
      'initial', 'initial', 'handshake', '0RTT', '0RTT', '0RTT', '1RTT', '1RTT', '1RTT', 'retry', 'version_negotiation', 'version_negotiation', 'stateless_reset', 'unknown', 'unknown',
    ]);
  });

  it('maps frame type names, old QUIC draft names included, to RFC 9000 snake_case', () => {
    const written = ['ACK', 'ack_ecn', 'STREAM', 'RST_STREAM', 'MAX_STREAM_ID', 'BLOCKED', 'STREAM_BLOCKED', 'STREAM_ID_BLOCKED', 'NewConnectionID', 'new_connection_id', 'APPLICATION_CLOSE', 'HANDSHAKE_DONE', 'datagram', 'SomeFutureFrame'];
    expect(written.map(frameTypeOf)).toEqual([
      'ack', 'ack', 'stream', 'reset_stream', 'max_streams', 'data_blocked', 'stream_data_blocked', 'streams_blocked', 'new_connection_id', 'new_connection_id', 'connection_close', 'handshake_done', 'datagram', 'some_future_frame',
    ]);
  });

  it('turns draft-01 decimal strings into numbers and draft-00 stream `id` into stream_id', () => {
    expect(normaliseFrame({ frame_type: 'STREAM', id: '4', offset: '100', length: '20', fin: 'true' })).toEqual({ frame_type: 'stream', stream_id: 4, offset: 100, length: 20, fin: true });
    expect(normaliseFrame({ frame_type: 'ACK', ack_delay: '25', acked_ranges: [['0', '3'], ['5']] })).toEqual({ frame_type: 'ack', ack_delay: 25, acked_ranges: [[0, 3], [5]] });
    expect(normaliseFrame({ frame_type: 'RST_STREAM', id: '8', error_code: '2', final_offset: '42' })).toEqual({ frame_type: 'reset_stream', stream_id: 8, error_code: 2, final_size: 42 });
    expect(normaliseFrame({ frame_type: 'connection_close', error_code: 'no_error' }).error_code).toBe('no_error');
  });

  it('writes connection IDs and tokens as bare lowercase hex', () => {
    const f = normaliseFrame({ frame_type: 'new_connection_id', sequence_number: 1, retire_prior_to: 0, connection_id: 'AB:CD', stateless_reset_token: { data: '09F9AD76740906D14D5166B10D9EE376' } });
    expect(f).toEqual({ frame_type: 'new_connection_id', sequence_number: 1, retire_prior_to: 0, connection_id: 'abcd', stateless_reset_token: '09f9ad76740906d14d5166b10d9ee376' });
    expect(normaliseFrame({ frame_type: 'new_token', token: { type: 'retry', raw: { data: 'BEEF' } } }).token).toBe('beef');
    expect(hexOf('b6:90:73')).toBe('b69073');
    expect(hexOf('not hex')).toBe('not hex');
  });

  it('writes versions as eight hex digits and ALPNs as text', () => {
    expect(['0xff00001d', '1', '00000001', 0x6b3343cf].map(versionOf)).toEqual(['ff00001d', '00000001', '00000001', '6b3343cf']);
    expect([alpnOf('h3'), alpnOf({ string_value: 'h3-29' }), alpnOf({ byte_value: '6833' })]).toEqual(['h3', 'h3-29', 'h3']);
  });
});

describe('event names', () => {
  it('gives quic: and the older category names the same kind', () => {
    const pairs: [string, string][] = [
      ['quic:packet_sent', 'transport:packet_sent'],
      ['quic:packet_received', 'transport:packet_received'],
      ['quic:parameters_set', 'transport:parameters_set'],
      ['quic:connection_started', 'connectivity:connection_started'],
      ['quic:connection_id_updated', 'connectivity:connection_id_updated'],
      ['quic:key_updated', 'security:key_updated'],
      ['quic:tuple_assigned', 'connectivity:path_assigned'],
      ['quic:migration_state_updated', 'connectivity:migration_state_updated'],
      ['quic:connection_closed', 'transport:connection_closed'],
      ['quic:version_information', 'transport:version_information'],
      ['quic:alpn_information', 'transport:alpn_information'],
    ];
    for (const [quic, older] of pairs) {
      expect(kindOfName(quic), quic).not.toBe('other');
      expect(kindOfName(older), older).toBe(kindOfName(quic));
    }
  });

  it('reads draft-01 names and capitals', () => {
    expect(['connectivity:connection_new', 'CONNECTIVITY:CONNECTION_ID_UPDATE', 'transport:ALPN_update', 'TRANSPORT:PACKET_SENT', 'connectivity:connection_close'].map(kindOfName)).toEqual([
      'connection_started', 'connection_id_updated', 'alpn_information', 'packet_sent', 'connection_closed',
    ]);
  });

  it('leaves events of other namespaces alone, even with a QUIC event\'s name', () => {
    expect(['http:parameters_set', 'recovery:parameters_set', 'http:packet_lost', 'recovery:packet_dropped', 'transport:metrics_updated'].map(kindOfName)).toEqual(['other', 'other', 'other', 'other', 'other']);
  });

  it('reads the recovery events in every version\'s name', () => {
    expect(['recovery:packet_lost', 'quic:packet_lost', 'RECOVERY:PACKET_LOST', 'packet_lost'].map(kindOfName)).toEqual(['packet_lost', 'packet_lost', 'packet_lost', 'packet_lost']);
    expect(['recovery:metrics_updated', 'quic:recovery_metrics_updated', 'RECOVERY:METRIC_UPDATE', 'recovery:metric_update'].map(kindOfName)).toEqual(['metrics_updated', 'metrics_updated', 'metrics_updated', 'metrics_updated']);
    expect(['transport:packet_dropped', 'quic:packet_dropped', 'TRANSPORT:PACKET_DROPPED'].map(kindOfName)).toEqual(['packet_dropped', 'packet_dropped', 'packet_dropped']);
  });
});
