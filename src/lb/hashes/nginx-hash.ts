import type { Backend } from '../model.js';
import { crc32 } from './crc32.js';

/** nginx gives up on the hash and falls back to round robin after this many tries */
const MAX_TRIES = 20;

/**
 * The peer nginx's `hash KEY` (without `consistent`) picks for a key, as the stream and
 * http upstream hash modules compute it (compatible with Cache::Memcached): each try adds
 * ((crc32(TRY KEY) >> 16) & 0x7fff) to a running sum, with TRY omitted on the first, and
 * walks the peers by weight to sum % total weight. A `down` peer counts in the total
 * weight but is skipped by trying again.
 *
 * Returns the index into `peers`, or -1 when nginx would fall back to round robin (an
 * empty key, every try landing on a down peer), where the backend cannot be known.
 * `key` is the evaluated key, one character per byte (latin1).
 */
export function nginxHashPick(key: string, peers: readonly Backend[]): number {
  if (peers.length === 0 || key.length === 0) return -1;
  if (peers.length === 1) return peers[0]!.down ? -1 : 0;
  const totalWeight = peers.reduce((sum, p) => sum + p.weight, 0);
  let sum = 0;
  for (let attempt = 0; attempt < MAX_TRIES + 1; attempt++) {
    const text = attempt === 0 ? key : `${attempt}${key}`;
    sum += (crc32(text) >>> 16) & 0x7fff;
    let w = sum % totalWeight;
    let index = 0;
    while (w >= peers[index]!.weight) {
      w -= peers[index]!.weight;
      index++;
    }
    if (!peers[index]!.down) return index;
  }
  return -1;
}
