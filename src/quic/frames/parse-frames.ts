import { ByteReader } from '../../wire/byte-reader.js';
import { WireError } from '../../wire/wire-error.js';
import type { Frame } from './frame.js';
import { frameCodec } from './registry.js';

export interface ParsedFrames {
  frames: Frame[];
  /** a frame that could not be read: where (absolute offset) and what was expected */
  error?: { offset: number; message: string };
  /** bytes after an unknown frame type or an error, left unread */
  undecodableBytes: number;
}

/**
 * The frames of a decrypted payload, in order (RFC 9000 §12.4). An unknown frame type ends
 * the reading: its length is unknowable, so the rest of the payload is reported as
 * undecodable rather than guessed at.
 */
export function parseFrames(payload: Buffer, base = 0): ParsedFrames {
  const r = new ByteReader(payload, base);
  const frames: Frame[] = [];
  while (!r.atEnd) {
    const start = r.offset;
    try {
      const code = r.varint('a frame type');
      const c = frameCodec(code);
      if (!c) {
        frames.push({ type: 'unknown', frame_type_value: code });
        return { frames, undecodableBytes: r.remaining };
      }
      frames.push(c.parse(r, code));
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      return { frames, error: { offset: err.offset, message: err.message }, undecodableBytes: payload.length - start };
    }
  }
  return { frames, undecodableBytes: 0 };
}
