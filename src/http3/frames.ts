import { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';

/**
 * HTTP/3 frames (RFC 9114 §7.2), read from one stream's bytes as they arrive. DATA payloads
 * are counted, not kept; other frames are kept whole up to a limit (a HEADERS or SETTINGS
 * frame is small; anything larger is reported, not buffered).
 */
export type Http3FrameType = 'data' | 'headers' | 'cancel_push' | 'settings' | 'push_promise' | 'goaway' | 'max_push_id' | 'reserved' | 'unknown';

const TYPES: Record<number, Http3FrameType> = {
  0x00: 'data',
  0x01: 'headers',
  0x03: 'cancel_push',
  0x04: 'settings',
  0x05: 'push_promise',
  0x07: 'goaway',
  0x0d: 'max_push_id',
};

export function http3FrameType(code: number | bigint): Http3FrameType {
  const big = BigInt(code);
  // §7.2.8: 0x1f * N + 0x21 are reserved to exercise the rule that unknown types are ignored
  if (big >= 0x21n && (big - 0x21n) % 0x1fn === 0n) return 'reserved';
  return big <= 0xffn ? (TYPES[Number(big)] ?? 'unknown') : 'unknown';
}

export type Http3Event =
  | { kind: 'frame'; type: Http3FrameType; code: number; payload: Buffer }
  | { kind: 'data'; bytes: number };

const MAX_KEPT = 1 << 16;
const NO_BYTES = Buffer.alloc(0);

export class Http3FrameReader {
  private carry: Buffer = NO_BYTES;
  /** bytes of the current DATA (or oversized) frame still to come */
  private skipping = 0;
  private skippingData = false;

  push(bytes: Buffer): Http3Event[] {
    const out: Http3Event[] = [];
    let buf = this.carry.length ? Buffer.concat([this.carry, bytes]) : bytes;
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, buf.length);
        if (this.skippingData && n > 0) out.push({ kind: 'data', bytes: n });
        this.skipping -= n;
        buf = buf.subarray(n);
        if (this.skipping > 0) break;
      }
      // the common end of a push, told without the cost of a reader's error
      if (buf.length === 0) break;
      const r = new ByteReader(buf);
      let code: bigint;
      let length: number;
      try {
        code = r.varintBig('an HTTP/3 frame type');
        length = r.varint('an HTTP/3 frame length');
      } catch (err) {
        if (err instanceof WireError) break; // the frame header is not complete yet
        throw err;
      }
      const type = http3FrameType(code);
      const body = buf.subarray(r.offset);
            if (type === 'data' || length > MAX_KEPT) {
        this.skipping = length;
        this.skippingData = type === 'data';
        if (type !== 'data') out.push({ kind: 'frame', type, code: Number(code), payload: Buffer.alloc(0) });
        buf = body;
        continue;
      }
      if (body.length < length) break;
      out.push({ kind: 'frame', type, code: Number(code), payload: Buffer.from(body.subarray(0, length)) });
      buf = body.subarray(length);
    }
    this.carry = buf.length === 0 ? NO_BYTES : Buffer.from(buf);
    return out;
  }
}
