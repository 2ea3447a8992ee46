import type { TransportParameters } from '../quic/transport-parameters.js';
import { ipv4Text, ipv6Text } from '../capture/ip-address.js';
import { hexOf, integer, isObject } from './qlog-values.js';

const INTEGERS = [
  'max_idle_timeout',
  'max_udp_payload_size',
  'initial_max_data',
  'initial_max_stream_data_bidi_local',
  'initial_max_stream_data_bidi_remote',
  'initial_max_stream_data_uni',
  'initial_max_streams_bidi',
  'initial_max_streams_uni',
  'ack_delay_exponent',
  'max_ack_delay',
  'active_connection_id_limit',
  'max_datagram_frame_size',
  'min_ack_delay',
] as const;

const CIDS = ['original_destination_connection_id', 'initial_source_connection_id', 'retry_source_connection_id', 'stateless_reset_token'] as const;

/**
 * The transport parameters of a parameters_set event (quic-events §parameters_set, which
 * names them as RFC 9000 §18.2 does) in the shape a decoded ClientHello or
 * EncryptedExtensions gives, so that the audits read them alike. TLS settings logged in the
 * same event (ALPN, resumption) are left to other events.
 */
export function transportParametersFromQlog(params: Record<string, unknown>): TransportParameters {
  const p: TransportParameters = {};
  for (const k of INTEGERS) {
    const v = integer(params[k]);
    if (v !== undefined) p[k] = v;
  }
  for (const k of CIDS) {
    const v = hexOf(params[k]);
    if (v !== undefined) p[k] = v;
  }
  if (params.disable_active_migration === true || params.disable_active_migration === 'true') p.disable_active_migration = true;
  if (params.grease_quic_bit === true) p.grease_quic_bit = true;
  const pa = params.preferred_address;
  if (isObject(pa)) {
    p.preferred_address = {
      ip_v4: address(pa.ip_v4, 4),
      port_v4: integer(pa.port_v4) ?? 0,
      ip_v6: address(pa.ip_v6, 16),
      port_v6: integer(pa.port_v6) ?? 0,
      connection_id: hexOf(pa.connection_id) ?? '',
      stateless_reset_token: hexOf(pa.stateless_reset_token) ?? '',
    };
  }
  return p;
}

/**
 * qlog's IPAddress is text or the address bytes in hex (ngtcp2 writes `"7f000002"`): the
 * hex form becomes text, so that it compares with the addresses of a capture. Absent: the
 * all-zero address, as RFC 9000 §18.2 sends for a family it does not offer.
 */
function address(v: unknown, bytes: 4 | 16): string {
  if (typeof v !== 'string') return bytes === 4 ? '0.0.0.0' : '::';
  if (v.length === bytes * 2 && /^[0-9a-f]+$/i.test(v)) {
    const b = Buffer.from(v, 'hex');
    return bytes === 4 ? ipv4Text(b) : ipv6Text(b);
  }
  return v;
}
