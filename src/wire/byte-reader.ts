import { WireError } from './wire-error.js';

/**
 * The one way quiclens reads wire bytes: a cursor over a Buffer. Every read checks the
 * bounds first, so a short buffer becomes a WireError naming the absolute offset and what
 * was expected, never a read past the end.
 *
 * `base` is the absolute position of `buf[0]` in the input (file offset, or offset within
 * a datagram) so that error messages point at the right byte.
 */
export class ByteReader {
  private pos: number;

  constructor(
    readonly buf: Buffer,
    readonly base = 0,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** position relative to `buf` */
  get offset(): number {
    return this.pos;
  }

  /** position in the input, for messages */
  get absoluteOffset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new WireError(
        `expected ${what} (${n} byte${n === 1 ? '' : 's'}), found ${Math.max(0, this.end - this.pos)}`,
        this.base + this.pos,
      );
    }
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  peekU8(what = 'a byte'): number {
    this.need(1, what);
    return this.buf[this.pos]!;
  }

  u16(what = 'a 16-bit integer', littleEndian = false): number {
    this.need(2, what);
    const v = littleEndian ? this.buf.readUInt16LE(this.pos) : this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(what = 'a 24-bit integer'): number {
    this.need(3, what);
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32(what = 'a 32-bit integer', littleEndian = false): number {
    this.need(4, what);
    const v = littleEndian ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** an unsigned big-endian integer of 1 to 6 bytes (packet numbers, odd-sized fields) */
  uint(n: number, what = `a ${n}-byte integer`): number {
    this.need(n, what);
    const v = this.buf.readUIntBE(this.pos, n);
    this.pos += n;
    return v;
  }

  /**
   * A QUIC variable-length integer (RFC 9000 §16): the two high bits of the first byte give
   * the length (1, 2, 4 or 8 bytes). Values above 2^53 lose precision as a number; use
   * `varintBig` where such values are meaningful.
   */
  varint(what = 'a variable-length integer'): number {
    return Number(this.varintBig(what));
  }

  varintBig(what = 'a variable-length integer'): bigint {
    const first = this.peekU8(what);
    const len = 1 << (first >> 6);
    this.need(len, what);
    let v = BigInt(first & 0x3f);
    for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(this.buf[this.pos + i]!);
    this.pos += len;
    return v;
  }

  /** a view of the next n bytes (no copy) */
  bytes(n: number, what = `${n} bytes`): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** a view of everything up to the end of this reader (no copy) */
  rest(): Buffer {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }

  skip(n: number, what = `${n} bytes`): void {
    this.need(n, what);
    this.pos += n;
  }

  /** a reader over the next n bytes, advancing this one past them */
  sub(n: number, what = `${n} bytes`): ByteReader {
    this.need(n, what);
    const r = new ByteReader(this.buf, this.base, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}
