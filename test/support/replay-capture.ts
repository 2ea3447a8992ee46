import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A classic pcap (RFC-less libpcap format: 24-byte file header, 16-byte record headers) with
 * a copy of record `frame` (1-based) appended `delaySeconds` after the last record: what a
 * capture shows when an attacker replays a datagram it recorded. Written to `out`.
 */
export function appendReplayedRecord(src: string, frame: number, delaySeconds: number, out: string): void {
  const b = readFileSync(src);
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && b.readUInt32BE(0) !== 0xa1b2c3d4 && b.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${src}: not a classic pcap`);
  const nano = (le ? magic : b.readUInt32BE(0)) === 0xa1b23c4d;
  const u32 = (at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const records: { at: number; end: number; sec: number; frac: number }[] = [];
  for (let at = 24; at + 16 <= b.length; ) {
    const end = at + 16 + u32(at + 8);
    records.push({ at, end, sec: u32(at), frac: u32(at + 4) });
    at = end;
  }
  const copy = Buffer.from(b.subarray(records[frame - 1]!.at, records[frame - 1]!.end));
  const last = records.at(-1)!;
  const unit = nano ? 1e9 : 1e6;
  const t = last.sec * unit + last.frac + Math.round(delaySeconds * unit);
  const write = (v: number, at: number) => (le ? copy.writeUInt32LE(v, at) : copy.writeUInt32BE(v, at));
  write(Math.floor(t / unit), 0);
  write(t % unit, 4);
  writeFileSync(out, Buffer.concat([b, copy]));
}

/**
 * A classic pcap with record `frame` (1-based) sent `copies` more times right after itself,
 * one microsecond apart: what a capture shows when a server repeats its first flight without
 * waiting, as one that ignores the anti-amplification limit would. Written to `out`.
 */
export function repeatRecord(src: string, frame: number, copies: number, out: string): void {
  const b = readFileSync(src);
  if (b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${src}: not a little-endian microsecond pcap`);
  const parts: Buffer[] = [b.subarray(0, 24)];
  let n = 0;
  for (let at = 24; at + 16 <= b.length; ) {
    const end = at + 16 + b.readUInt32LE(at + 8);
    const rec = b.subarray(at, end);
    parts.push(rec);
    if (++n === frame) {
      for (let i = 1; i <= copies; i++) {
        const copy = Buffer.from(rec);
        const us = copy.readUInt32LE(4) + i;
        copy.writeUInt32LE(copy.readUInt32LE(0) + Math.floor(us / 1e6), 0);
        copy.writeUInt32LE(us % 1e6, 4);
        parts.push(copy);
      }
    }
    at = end;
  }
  writeFileSync(out, Buffer.concat(parts));
}
