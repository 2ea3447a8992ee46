import type { Endpoint } from '../../capture/types.js';
import type { Backend } from '../model.js';
import { foldAddress, kernelOrder, type IpvsDest } from './ipvs-address.js';
import { siphash } from './siphash.js';

/** ip_vs_mh.c with the default CONFIG_IP_VS_MH_TAB_INDEX of 12: a prime table of 4093 entries */
const TABLE_SIZE = 4093;
const TABLE_BITS = 6;
/** the scheduler's fixed hsiphash keys (generate_hash_secret), each word repeated */
const HASH1 = 2654435761n;
const HASH2 = 2654446892n;

/** hsiphash (SipHash-1-3 on 64-bit kernels) of (offset + port + folded address) as a 32-bit word, low 32 bits kept */
function mhHash(folded: number, port: number, key: bigint, offset = 0): number {
  const v = Buffer.alloc(4);
  v.writeUInt32LE((offset + port + folded) >>> 0, 0);
  return Number(siphash(v, key, key, 1, 3) & 0xffffffffn);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The Maglev lookup table of IPVS's `mh` scheduler (ip_vs_mh_populate): each real server
 * walks its own permutation of the table (offset and skip from two hashes of its address
 * and port) and claims the next free entry, servers taking turns in list order, a server
 * taking weight/gcd turns (shifted down when weights are large). Entries are indexes into
 * the listener's backends.
 */
export function ipvsMhTable(backends: readonly Backend[]): Int32Array | undefined {
  const dests = kernelOrder(backends);
  if (!dests) return undefined;
  const weights = dests.map((d) => d.weight).filter((w) => w > 0);
  if (weights.length === 0) return undefined;
  const g = weights.reduce(gcd);
  const maxTurns = Math.max(...weights) / g;
  const shift = Math.max(0, 32 - Math.clz32(maxTurns) - TABLE_BITS);
  const setup = dests.map((d: IpvsDest) => {
    const offset = mhHash(d.folded, d.port, HASH1) % TABLE_SIZE;
    const skip = (mhHash(d.folded, d.port, HASH2) % (TABLE_SIZE - 1)) + 1;
    const turns = Math.floor(d.weight / g) >> shift || (d.weight !== 0 ? 1 : 0);
    return { index: d.index, perm: offset, skip, turns };
  });
  const table = new Int32Array(TABLE_SIZE).fill(-1);
  let filled = 0;
  let turn = 0;
  for (;;) {
    for (let s = 0; s < setup.length; ) {
      const ds = setup[s]!;
      if (ds.turns < 1) {
        s++;
        continue;
      }
      while (table[ds.perm] !== -1) {
        ds.perm += ds.skip;
        if (ds.perm >= TABLE_SIZE) ds.perm -= TABLE_SIZE;
      }
      table[ds.perm] = ds.index;
      if (++filled === TABLE_SIZE) return table;
      if (++turn >= ds.turns) {
        turn = 0;
        s++;
      }
    }
  }
}

/**
 * The real server IPVS `mh` sends a source to (by address, and by port too with the
 * mh-port flag): an index into `backends`, or -1 when the entry's server has weight 0 or
 * an address is not IP.
 */
export function ipvsMhPick(src: Endpoint, backends: readonly Backend[], opts: { port: boolean }, table = ipvsMhTable(backends)): number {
  const folded = foldAddress(src.ip);
  if (!table || folded === undefined) return -1;
  const index = table[mhHash(folded, opts.port ? src.port : 0, HASH1) % TABLE_SIZE]!;
  return index >= 0 && backends[index]!.weight > 0 && !backends[index]!.down ? index : -1;
}
