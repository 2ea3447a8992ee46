import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, the one nginx's ngx_crc32 and zlib compute), continuing from `previous`
 * the way nginx's ngx_crc32_update chains: crc32(b, crc32(a)) === crc32(a ‖ b).
 */
export function crc32(data: Uint8Array | string, previous = 0): number {
  return zlibCrc32(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, previous) >>> 0;
}
