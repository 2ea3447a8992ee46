import { ByteReader } from '../../wire/byte-reader.js';
import { WireError } from '../../wire/wire-error.js';
import type { Frame } from '../frames/frame.js';
import type { ParsedFrames } from '../frames/parse-frames.js';
import type { GquicLayout } from '../versions.js';

/**
 * gQUIC frames (Chromium quic_framer), as far as a client's first packets need them:
 * PADDING (0x00: the rest of the packet), PING (0x07), CRYPTO (0x08, Q050 and T05x: two
 * varints, offset and length, then the handshake bytes), and STREAM (type 1fdooossB): for
 * Q043 to Q046 the handshake travels on stream 1, which is read here as CRYPTO data since
 * that is what it is. Any other type ends the reading, as an unknown frame does in IETF
 * QUIC: its layout differs by version and its length cannot be guessed.
 */
const CRYPTO_STREAM = 1;

export function parseGquicFrames(payload: Buffer, layout: GquicLayout, base = 0): ParsedFrames {
  const r = new ByteReader(payload, base);
  const frames: Frame[] = [];
  while (!r.atEnd) {
    const start = r.offset;
    try {
      const type = r.u8('a gQUIC frame type');
      if (type === 0x00) {
        frames.push({ type: 'padding', length: 1 + r.rest().length });
      } else if (type === 0x07) {
        frames.push({ type: 'ping' });
      } else if (type === 0x08 && layout.header === 'ietf') {
        const offset = r.varint('the CRYPTO offset');
        const length = r.varint('the CRYPTO length');
        frames.push({ type: 'crypto', offset, length, raw: r.bytes(length, `${length} bytes of CRYPTO data`) });
      } else if ((type & 0x80) !== 0) {
        const f = readStream(r, type);
        if (f.streamId !== CRYPTO_STREAM) {
          frames.push({ type: 'unknown', frame_type_value: type });
          return { frames, undecodableBytes: r.remaining };
        }
        frames.push({ type: 'crypto', offset: f.offset, length: f.data.length, raw: f.data });
      } else {
        frames.push({ type: 'unknown', frame_type_value: type });
        return { frames, undecodableBytes: r.remaining };
      }
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      return { frames, error: { offset: err.offset, message: err.message }, undecodableBytes: payload.length - start };
    }
  }
  return { frames, undecodableBytes: 0 };
}

/** gQUIC STREAM: FIN 0x40, data length present 0x20, offset length 0x1c, stream ID length 0x03 */
function readStream(r: ByteReader, type: number): { streamId: number; offset: number; data: Buffer } {
  const idLength = (type & 0x03) + 1;
  const o = (type >> 2) & 0x07;
  const offsetLength = o === 0 ? 0 : o + 1;
  const streamId = r.uint(idLength, 'the gQUIC stream ID');
  // up to 8 bytes: read in two parts, since one read takes at most 6
  const high = offsetLength > 6 ? r.uint(offsetLength - 6, 'the gQUIC stream offset') : 0;
  const low = offsetLength === 0 ? 0 : r.uint(Math.min(offsetLength, 6), 'the gQUIC stream offset');
  const offset = high * 2 ** 48 + low;
  const length = (type & 0x20) !== 0 ? r.u16('the gQUIC stream data length') : r.remaining;
  return { streamId, offset, data: r.bytes(length, `${length} bytes of gQUIC stream data`) };
}
