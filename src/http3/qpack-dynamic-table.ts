import { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';
import { huffmanDecode } from './huffman.js';
import { QpackError } from './qpack-error.js';
import { readPrefixInteger, readStringLiteral } from './prefix-integer.js';
import { QPACK_STATIC_TABLE } from './qpack-static-table.js';

/** the longest encoder instruction waited for; real header fields are a few KiB at most */
const MAX_PENDING = 64 * 1024;

/**
 * A QPACK dynamic table rebuilt from the peer's encoder stream (RFC 9204 §3.2, §4.3).
 * Entries are kept by absolute index; the oldest are evicted past the capacity the encoder
 * set, as the decoder would (entry size: name + value + 32 bytes, §3.2.1).
 */
export class QpackDynamicTable {
  private readonly entries = new Map<number, [string, string]>();
  private inserted = 0;
  private oldest = 0;
  private size = 0;
  private capacity = 0;
  private pending: Buffer = Buffer.alloc(0);
  /**
   * The encoder stream held bytes that cannot be an instruction (a Huffman string that does
   * not decode, or an instruction longer than MAX_PENDING): every later byte would be read
   * out of step, so the rest of the stream is ignored and later references stay unresolved.
   */
  private broken = false;

  get insertCount(): number {
    return this.inserted;
  }

  /** the entry at an absolute index, or undefined when it was never seen or was evicted */
  get(absolute: number): [string, string] | undefined {
    return this.entries.get(absolute);
  }

  /** encoder-stream bytes, in order; an instruction split across calls waits for the rest */
  encoderInstructions(bytes: Buffer): void {
    if (this.broken) return;
    let buf = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    for (;;) {
      const r = new ByteReader(buf);
      if (r.atEnd) break;
      try {
        this.instruction(r);
      } catch (err) {
        if (err instanceof QpackError) {
          this.broken = true;
          this.pending = Buffer.alloc(0);
          return;
        }
        if (!(err instanceof WireError)) throw err;
        break; // incomplete: wait for more bytes
      }
      buf = buf.subarray(r.offset);
    }
    if (buf.length > MAX_PENDING) {
      // no real field line is this long: a corrupt length, not one still arriving
      this.broken = true;
      this.pending = Buffer.alloc(0);
      return;
    }
    this.pending = Buffer.from(buf);
  }

  private instruction(r: ByteReader): void {
    const first = r.u8('an encoder instruction');
    if (first & 0x80) {
      // Insert with Name Reference (§4.3.2): T bit, 6-bit name index, then the value
      const index = readPrefixInteger(r, first, 6);
      const name = first & 0x40 ? QPACK_STATIC_TABLE[index]?.[0] : this.get(this.inserted - 1 - index)?.[0];
      const value = readStringLiteral(r, r.u8('a value'), 7, huffmanDecode);
      this.insert(name ?? `<unknown name ${index}>`, value);
    } else if (first & 0x40) {
      // Insert with Literal Name (§4.3.3): H bit, 5-bit name length, name, value
      const name = readStringLiteral(r, first, 5, huffmanDecode);
      const value = readStringLiteral(r, r.u8('a value'), 7, huffmanDecode);
      this.insert(name, value);
    } else if (first & 0x20) {
      // Set Dynamic Table Capacity (§4.3.1)
      this.capacity = readPrefixInteger(r, first, 5);
      this.evict();
    } else {
      // Duplicate (§4.3.4)
      const entry = this.get(this.inserted - 1 - readPrefixInteger(r, first, 5));
      this.insert(entry?.[0] ?? '<evicted>', entry?.[1] ?? '');
    }
  }

  private insert(name: string, value: string): void {
    this.entries.set(this.inserted++, [name, value]);
    this.size += name.length + value.length + 32;
    this.evict();
  }

  private evict(): void {
    while (this.size > this.capacity && this.oldest < this.inserted) {
      const e = this.entries.get(this.oldest);
      if (e) this.size -= e[0].length + e[1].length + 32;
      this.entries.delete(this.oldest++);
    }
  }
}
