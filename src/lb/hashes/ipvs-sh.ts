import type { Endpoint } from '../../capture/types.js';
import type { Backend } from '../model.js';
import { foldAddress, kernelOrder } from './ipvs-address.js';

/** ip_vs_sh.c: 2^8 buckets */
const TABLE_BITS = 8;
const TABLE_SIZE = 1 << TABLE_BITS;
/** the kernel's hash_32 multiplier (include/linux/hash.h) */
const GOLDEN_RATIO_32 = 0x61c88647;

/**
 * The bucket table of IPVS's source-hashing scheduler: 256 buckets dealt to the real
 * servers in list order, each server taking as many consecutive buckets as its weight.
 * Entries are indexes into the listener's backends.
 */
export function ipvsShTable(backends: readonly Backend[]): number[] | undefined {
  const dests = kernelOrder(backends);
  if (!dests || dests.length === 0) return undefined;
  const table: number[] = [];
  let d = 0;
  let dealt = 0;
  for (let i = 0; i < TABLE_SIZE; i++) {
    table.push(dests[d]!.index);
    if (++dealt >= dests[d]!.weight) {
      d = (d + 1) % dests.length;
      dealt = 0;
    }
  }
  return table;
}

/** hash_32(port + address, 8): the bucket a source falls in */
export function ipvsShBucket(src: Endpoint, usePort: boolean): number | undefined {
  const folded = foldAddress(src.ip);
  if (folded === undefined) return undefined;
  const value = ((usePort ? src.port : 0) + folded) >>> 0;
  return Math.imul(value, GOLDEN_RATIO_32) >>> (32 - TABLE_BITS);
}

/**
 * The real server IPVS `sh` sends a source to (by address, and by port too with the
 * sh-port flag): an index into `backends`, or -1 when the bucket's server has weight 0
 * (IPVS then drops the packet, or with sh-fallback looks further) or an address is not IP.
 */
export function ipvsShPick(src: Endpoint, backends: readonly Backend[], opts: { port: boolean }, table = ipvsShTable(backends)): number {
  const bucket = ipvsShBucket(src, opts.port);
  if (!table || bucket === undefined) return -1;
  const index = table[bucket]!;
  return backends[index]!.weight > 0 && !backends[index]!.down ? index : -1;
}
