import { ByteReader } from '../wire/byte-reader.js';
import { WireError } from '../wire/wire-error.js';

/**
 * gQUIC's crypto handshake messages (Chromium "QUIC Crypto" design document; quic
 * crypto_framer): a 4-byte tag ("CHLO", "REJ\0", "SHLO"), a little-endian u16 count of
 * entries, two bytes of padding, then per entry a 4-byte tag and the little-endian u32
 * offset where its value ends, then the values back to back. The CHLO carries the server
 * name (SNI), the user agent (UAID) and the version (VER) in plaintext.
 */
export interface GquicMessage {
  tag: string;
  /** entries in wire order; values are views into the message */
  entries: { tag: string; value: Buffer }[];
}

/** What a gQUIC client hello says, in the words of Wireshark's gQUIC dissector. */
export interface GquicClientHello {
  serverName?: string;
  userAgent?: string;
  /** the VER tag: the version the client speaks (ASCII, e.g. "Q046") */
  version?: string;
  /** every tag present, in order */
  tags: string[];
}

/** a message header is 8 bytes; no real message has more entries than this */
const MAX_ENTRIES = 512;

const tagText = (b: Buffer) => b.toString('latin1').replace(/\0+$/, '');

/**
 * Splits a handshake stream into messages. Bytes that do not hold a whole message yet are
 * kept for the next push (a CHLO may span packets); bounded at `maxMessage`.
 */
export class GquicMessageFramer {
  private carry = Buffer.alloc(0);
  private broken = false;

  constructor(private readonly maxMessage = 1 << 16) {}

  push(bytes: Buffer): GquicMessage[] {
    if (this.broken) return [];
    let buf = this.carry.length === 0 ? bytes : Buffer.concat([this.carry, bytes]);
    const out: GquicMessage[] = [];
    while (buf.length >= 8) {
      const count = buf.readUInt16LE(4);
      const header = 8 + 8 * count;
      if (count > MAX_ENTRIES) return this.fail(out);
      if (buf.length < header) break;
      const size = header + (count === 0 ? 0 : buf.readUInt32LE(header - 4));
      if (size > this.maxMessage) return this.fail(out);
      if (buf.length < size) break;
      out.push(parseGquicMessage(buf.subarray(0, size)));
      buf = buf.subarray(size);
    }
    this.carry = Buffer.from(buf);
    return out;
  }

  private fail(out: GquicMessage[]): GquicMessage[] {
    this.broken = true;
    this.carry = Buffer.alloc(0);
    return out;
  }
}

/** one whole message; end offsets that go backwards or past the end are an error */
export function parseGquicMessage(bytes: Buffer, base = 0): GquicMessage {
  const r = new ByteReader(bytes, base);
  const tag = tagText(r.bytes(4, 'the message tag'));
  const count = r.u16('the number of entries', true);
  r.skip(2, 'the message padding');
  const index: { tag: string; end: number; at: number }[] = [];
  for (let i = 0; i < count; i++) {
    const t = tagText(r.bytes(4, 'an entry tag'));
    const at = r.absoluteOffset;
    index.push({ tag: t, end: r.u32('an entry end offset', true), at });
  }
  const values = r.rest();
  const entries: GquicMessage['entries'] = [];
  let from = 0;
  for (const e of index) {
    if (e.end < from || e.end > values.length) {
      throw new WireError(`entry ${e.tag} ends at ${e.end}, outside ${from}..${values.length}`, e.at);
    }
    entries.push({ tag: e.tag, value: values.subarray(from, e.end) });
    from = e.end;
  }
  return { tag, entries };
}

export function gquicClientHello(m: GquicMessage): GquicClientHello {
  const value = (t: string) => m.entries.find((e) => e.tag === t)?.value;
  const hello: GquicClientHello = { tags: m.entries.map((e) => e.tag) };
  const sni = value('SNI');
  if (sni) hello.serverName = sni.toString('latin1');
  const uaid = value('UAID');
  if (uaid) hello.userAgent = uaid.toString('latin1');
  const ver = value('VER');
  if (ver) hello.version = ver.toString('latin1');
  return hello;
}
