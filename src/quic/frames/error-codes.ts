/** Transport error codes (RFC 9000 §20.1), by the names qlog uses. */
const TRANSPORT_ERRORS: Record<number, string> = {
  0x00: 'no_error',
  0x01: 'internal_error',
  0x02: 'connection_refused',
  0x03: 'flow_control_error',
  0x04: 'stream_limit_error',
  0x05: 'stream_state_error',
  0x06: 'final_size_error',
  0x07: 'frame_encoding_error',
  0x08: 'transport_parameter_error',
  0x09: 'connection_id_limit_error',
  0x0a: 'protocol_violation',
  0x0b: 'invalid_token',
  0x0c: 'application_error',
  0x0d: 'crypto_buffer_exceeded',
  0x0e: 'key_update_error',
  0x0f: 'aead_limit_reached',
  0x10: 'no_viable_path',
};

/** TLS alerts (RFC 8446 §6), which QUIC carries as crypto_error 0x0100 + alert (RFC 9001 §4.8) */
const TLS_ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

export function transportErrorName(code: number): string {
  if (code >= 0x0100 && code <= 0x01ff) {
    const alert = code - 0x0100;
    return `crypto_error (${TLS_ALERTS[alert] ?? `TLS alert ${alert}`})`;
  }
  return TRANSPORT_ERRORS[code] ?? `unknown (0x${code.toString(16)})`;
}
