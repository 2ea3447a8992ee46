import { quotedText } from '../../wire/quoted-text.js';
import type { ByteReader } from '../../wire/byte-reader.js';
import { transportErrorName } from './error-codes.js';

/**
 * CONNECTION_CLOSE (RFC 9000 §19.19): 0x1c closes with a transport error (and names the
 * frame type that caused it), 0x1d with an application error.
 */
export interface ConnectionCloseFrame {
  type: 'connection_close';
  error_space: 'transport' | 'application';
  raw_error_code: number;
  /** the transport error's name; for application errors the code is the application's own */
  error_code: string | number;
  trigger_frame_type?: number;
  reason: string;
}

export function parseConnectionClose(r: ByteReader, frameType: number): ConnectionCloseFrame {
  const transport = frameType === 0x1c;
  const raw_error_code = r.varint('the error code');
  const trigger_frame_type = transport ? r.varint('the frame type that caused the error') : undefined;
  const length = r.varint('the reason phrase length');
  const reason = r.bytes(length, `a reason phrase of ${length} bytes`).toString('utf8');
  const f: ConnectionCloseFrame = {
    type: 'connection_close',
    error_space: transport ? 'transport' : 'application',
    raw_error_code,
    error_code: transport ? transportErrorName(raw_error_code) : raw_error_code,
    reason,
  };
  if (trigger_frame_type !== undefined) f.trigger_frame_type = trigger_frame_type;
  return f;
}

export const summarizeConnectionClose = (f: ConnectionCloseFrame) =>
  `CONNECTION_CLOSE ${f.error_space === 'application' ? `application ${f.error_code}` : f.error_code}${f.reason ? ` ${quotedText(f.reason)}` : ''}`;
