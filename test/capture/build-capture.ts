import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Byte builders for synthetic captures: every header written out by hand, per its spec. */

const u16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
const u32be = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};

export function udp(srcPort: number, dstPort: number, payload: Buffer, lengthField = payload.length + 8): Buffer {
  return Buffer.concat([u16(srcPort), u16(dstPort), u16(lengthField), u16(0), payload]);
}

/** RFC 791: 20-byte header plus `options` (a multiple of 4 bytes) */
export function ipv4(
  src: string,
  dst: string,
  body: Buffer,
  o: { protocol?: number; id?: number; mf?: boolean; offset?: number; options?: Buffer; totalLength?: number } = {},
): Buffer {
  const options = o.options ?? Buffer.alloc(0);
  const ihl = (20 + options.length) / 4;
  const h = Buffer.alloc(20);
  h[0] = 0x40 | ihl;
  h.writeUInt16BE(o.totalLength ?? 20 + options.length + body.length, 2);
  h.writeUInt16BE(o.id ?? 1, 4);
  h.writeUInt16BE((o.mf ? 0x2000 : 0) | ((o.offset ?? 0) / 8), 6);
  h[8] = 64;
  h[9] = o.protocol ?? 17;
  src.split('.').forEach((x, i) => (h[12 + i] = Number(x)));
  dst.split('.').forEach((x, i) => (h[16 + i] = Number(x)));
  return Buffer.concat([h, options, body]);
}

function v6bytes(a: string): Buffer {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const hs = head ? head.split(':') : [];
  const ts = tail ? tail.split(':') : [];
  const groups = [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
  return Buffer.concat(groups.map((g) => u16(parseInt(g, 16))));
}

/** RFC 8200: fixed header, then `ext` (already-encoded extension headers), then body */
export function ipv6(src: string, dst: string, nextHeader: number, ext: Buffer, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(0x60000000);
  h.writeUInt16BE(ext.length + body.length, 4);
  h[6] = nextHeader;
  h[7] = 64;
  return Buffer.concat([h, v6bytes(src), v6bytes(dst), ext, body]);
}

/** an 8-byte IPv6 extension header (hop-by-hop or destination options) of padding */
export const v6Options = (next: number) => Buffer.from([next, 0, 1, 4, 0, 0, 0, 0]);
/** RFC 8200 §4.5 fragment header */
export function v6Fragment(next: number, offset: number, more: boolean, id: number): Buffer {
  return Buffer.concat([Buffer.from([next, 0]), u16(offset | (more ? 1 : 0)), u32be(id)]);
}

export function ethernet(etherType: number, payload: Buffer, vlans: number[] = []): Buffer {
  const tags = vlans.map((tpid, i) => Buffer.concat([u16(tpid), u16(100 + i)]));
  return Buffer.concat([Buffer.alloc(12, 0xaa), ...tags, u16(etherType), payload]);
}
export const sll = (proto: number, p: Buffer) => Buffer.concat([Buffer.alloc(14, 0), u16(proto), p]);
export const sll2 = (proto: number, p: Buffer) => Buffer.concat([u16(proto), Buffer.alloc(18, 0), p]);
export function nullLoopback(family: number, p: Buffer, littleEndian: boolean): Buffer {
  const h = Buffer.alloc(4);
  if (littleEndian) h.writeUInt32LE(family);
  else h.writeUInt32BE(family);
  return Buffer.concat([h, p]);
}

export interface Rec {
  time: number;
  data: Buffer;
  originalLength?: number;
}

/** classic pcap (draft-ietf-opsawg-pcap): either byte order, µs or ns */
export function pcapFile(linkType: number, records: Rec[], o: { littleEndian?: boolean; nanos?: boolean } = {}): Buffer {
  const le = o.littleEndian ?? true;
  const w32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const w16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const head = Buffer.alloc(24);
  w32(head, o.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(head, 2, 4);
  w16(head, 4, 6);
  w32(head, 65535, 16);
  w32(head, linkType, 20);
  const parts: Uint8Array[] = [head];
  for (const r of records) {
    const h = Buffer.alloc(16);
    const sec = Math.floor(r.time);
    w32(h, sec, 0);
    w32(h, Math.round((r.time - sec) * (o.nanos ? 1e9 : 1e6)), 4);
    w32(h, r.data.length, 8);
    w32(h, r.originalLength ?? r.data.length, 12);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

/** pcapng blocks (draft-ietf-opsawg-pcapng), in one byte order per section */
export class PcapngWriter {
  private readonly parts: Uint8Array[] = [];
  private le = true;

  private block(type: number, body: Buffer): this {
    const pad = Buffer.alloc((4 - (body.length % 4)) % 4);
    const len = 12 + body.length + pad.length;
    const head = Buffer.alloc(8);
    const tail = Buffer.alloc(4);
    if (this.le) {
      head.writeUInt32LE(type, 0);
      head.writeUInt32LE(len, 4);
      tail.writeUInt32LE(len);
    } else {
      head.writeUInt32BE(type, 0);
      head.writeUInt32BE(len, 4);
      tail.writeUInt32BE(len);
    }
    this.parts.push(head, body, pad, tail);
    return this;
  }

  private u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  }

  private u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }

  section(littleEndian = true): this {
    this.le = littleEndian;
    const body = Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), Buffer.alloc(8, 0xff)]);
    return this.block(0x0a0d0d0a, body);
  }

  /** an Interface Description Block; `tsresol` as the if_tsresol option byte */
  iface(linkType: number, tsresol?: number): this {
    const opts =
      tsresol === undefined
        ? Buffer.alloc(0)
        : Buffer.concat([this.u16(9), this.u16(1), Buffer.from([tsresol, 0, 0, 0]), this.u16(0), this.u16(0)]);
    return this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(262144), opts]));
  }

  /** an Enhanced Packet Block; `ts` in the interface's units */
  packet(ifId: number, ts: bigint, data: Buffer, originalLength = data.length): this {
    return this.block(
      6,
      Buffer.concat([this.u32(ifId), this.u32(Number(ts >> 32n)), this.u32(Number(ts & 0xffffffffn)), this.u32(data.length), this.u32(originalLength), data]),
    );
  }

  simplePacket(data: Buffer): this {
    return this.block(3, Buffer.concat([this.u32(data.length), data]));
  }

  secrets(type: number, data: Buffer): this {
    return this.block(0x0a, Buffer.concat([this.u32(type), this.u32(data.length), data]));
  }

  custom(type: number, body: Buffer): this {
    return this.block(type, body);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'quiclens-test-'));
let n = 0;
/** writes bytes to a fresh temp file and returns its path */
export function tempFile(bytes: Buffer | string, ext = 'bin'): string {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, bytes);
  return p;
}
