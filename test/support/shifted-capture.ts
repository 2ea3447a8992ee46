import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A classic little-endian microsecond pcap with every record's time moved `seconds` later,
 * written to `out`: the same packets in a file with other bytes (another content hash, so
 * another capture id) and, moved by whole days, another capture date.
 */
export function shiftedCapture(src: string, seconds: number, out: string): void {
  const b = Buffer.from(readFileSync(src));
  if (b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${src}: not a little-endian microsecond pcap`);
  for (let at = 24; at + 16 <= b.length; at += 16 + b.readUInt32LE(at + 8)) b.writeUInt32LE(b.readUInt32LE(at) + seconds, at);
  writeFileSync(out, b);
}
