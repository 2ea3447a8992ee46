import { gunzipSync, gzipSync } from 'node:zlib';
import { PacketTable, type PacketColumns } from './packed-packets.js';

/**
 * The packet table's bytes as the page embeds them: gzip (RFC 1952), then base64, so that
 * the browser's HTML parser walks a few hundred kilobytes instead of megabytes of JSON, and
 * the page inflates them with the browser's own DecompressionStream.
 */
export function embedPacketBytes(columns: PacketColumns): string {
  return gzipSync(columns.bytes, { level: 6 }).toString('base64');
}

/** the table back from what the page embeds (for tools and tests; the page does the same with the browser's APIs) */
export function readEmbeddedPackets(meta: PacketColumns['meta'], base64: string): PacketTable {
  return new PacketTable(meta, new Uint8Array(gunzipSync(Buffer.from(base64, 'base64'))));
}
