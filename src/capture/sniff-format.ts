/**
 * What kind of input a file is, from its first bytes (inputs are recognised by content,
 * never by name): the pcap magic numbers (both byte orders, microsecond and nanosecond),
 * the pcapng Section Header Block type, or qlog (JSON text, or JSON-SEQ's 0x1E).
 */
export type InputFormat = 'pcap' | 'pcapng' | 'qlog';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAPNG_SHB = 0x0a0d0d0a;

export function sniffFormat(first: Buffer): InputFormat | null {
  if (first.length >= 4) {
    const be = first.readUInt32BE(0);
    const le = first.readUInt32LE(0);
    if (be === PCAP_MAGIC_US || le === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_NS) return 'pcap';
    if (be === PCAPNG_SHB) return 'pcapng';
  }
  let i = 0;
  if (first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < first.length && (first[i] === 0x20 || first[i] === 0x0a || first[i] === 0x0d || first[i] === 0x09)) i++;
  const c = first[i];
  if (c === 0x1e || c === 0x7b /* { */ || c === 0x5b /* [ */) return 'qlog';
  return null;
}
