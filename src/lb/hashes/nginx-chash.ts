import type { Backend } from '../model.js';
import { crc32 } from './crc32.js';

/** points per unit of weight on nginx's ring */
const POINTS_PER_WEIGHT = 160;
const MAX_TRIES = 20;

interface Point {
  hash: number;
  /** the server as the config writes it: peers with the same text share points */
  server: string;
}

/**
 * nginx's `hash KEY consistent` (ketama, compatible with Cache::Memcached::Fast): each
 * server line puts weight × 160 points on a ring, point n at crc32(HOST \0 PORT ‖ point
 * n-1 as four little-endian bytes); a key goes to the first point at or after crc32(KEY),
 * wrapping, and to the next point while that server is down.
 */
export class NginxConsistentHash {
  private readonly points: Point[];

  constructor(private readonly peers: readonly Backend[]) {
    const points: Point[] = [];
    for (const peer of peers) {
      const base = crc32(hostNulPort(peer.address));
      const previous = Buffer.alloc(4);
      for (let n = 0; n < peer.weight * POINTS_PER_WEIGHT; n++) {
        const hash = crc32(previous, base);
        points.push({ hash, server: peer.address });
        previous.writeUInt32LE(hash, 0);
      }
    }
    points.sort((a, b) => a.hash - b.hash);
    // nginx keeps one point per hash value
    this.points = points.filter((p, i) => i === 0 || p.hash !== points[i - 1]!.hash);
  }

  /** the index into the peers for an evaluated key (latin1), -1 where nginx falls back to round robin */
  pick(key: string): number {
    if (this.points.length === 0) return -1;
    let at = this.firstPointAtOrAfter(crc32(key));
    for (let tries = 0; tries <= MAX_TRIES; tries++, at++) {
      const server = this.points[at % this.points.length]!.server;
      // several peers can share a server text (a name that resolves to several addresses); nginx then
      // balances among them by weight, which a single packet cannot show, so the first one stands
      const index = this.peers.findIndex((p) => p.address === server && !p.down);
      if (index >= 0) return index;
    }
    return -1;
  }

  private firstPointAtOrAfter(hash: number): number {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const h = this.points[mid]!.hash;
      if (hash > h) lo = mid + 1;
      else if (hash < h) hi = mid;
      else return mid;
    }
    return lo;
  }
}

/** `host\0port` from a server's text, split at its last colon; `unix:` paths have no port */
function hostNulPort(server: string): Buffer {
  if (server.toLowerCase().startsWith('unix:')) return Buffer.concat([Buffer.from(server.slice(5), 'latin1'), Buffer.from([0])]);
  const colon = server.lastIndexOf(':');
  const host = colon < 0 ? server : server.slice(0, colon);
  const port = colon < 0 ? '' : server.slice(colon + 1);
  return Buffer.concat([Buffer.from(host, 'latin1'), Buffer.from([0]), Buffer.from(port, 'latin1')]);
}
