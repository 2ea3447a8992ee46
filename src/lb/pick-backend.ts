import type { PacketRecord } from '../analysis/packet-record.js';
import { ipBytes } from '../capture/ip-address.js';
import { formatEndpoint, type Endpoint } from '../capture/types.js';
import { toHex } from '../wire/hex.js';
import { ipvsMhPick, ipvsMhTable } from './hashes/ipvs-mh.js';
import { ipvsShPick, ipvsShTable } from './hashes/ipvs-sh.js';
import { NginxConsistentHash } from './hashes/nginx-chash.js';
import { nginxHashPick } from './hashes/nginx-hash.js';
import { hostOf } from './listen-address.js';
import type { QuicListener } from './model.js';
import { decodeQuicLbCid } from './quic-lb/codec.js';
import type { QuicLbListener } from './quic-lb-listeners.js';

/** A packet whose addresses are known: what a balancer routes (a qlog event may have none). */
export type RoutedPacket = PacketRecord & { src: Endpoint; dst: Endpoint };

export function hasAddresses(p: PacketRecord): p is RoutedPacket {
  return p.src !== null && p.dst !== null;
}

/** Where one packet would go: the backend when the algorithm is public, and the key it was picked by. */
export interface Pick {
  backend: string | null;
  /** the routing key's value for this packet, as text */
  key: string;
  /** why no backend could be found, where one should have been */
  unroutable?: string;
}

/**
 * The value of an nginx hash key for a packet: the client variables nginx would substitute
 * ($binary_remote_addr is the address's bytes, which nginx hashes as they are).
 */
function nginxKey(expr: string, p: RoutedPacket): string {
  return expr.replace(/\$\{?([A-Za-z0-9_]+)\}?/g, (whole, name: string) => {
    switch (name) {
      case 'remote_addr':
      case 'realip_remote_addr':
        return p.src.ip;
      case 'binary_remote_addr':
        return (ipBytes(p.src.ip) ?? Buffer.from(p.src.ip)).toString('latin1');
      case 'remote_port':
      case 'realip_remote_port':
        return String(p.src.port);
      case 'server_addr':
        return p.dst.ip;
      case 'server_port':
        return String(p.dst.port);
      case 'protocol':
        // a stream listener with `udp`: the only kind that carries QUIC
        return 'UDP';
      default:
        return whole;
    }
  });
}

/** what the routing key of a listener reads from a packet */
function keyText(l: QuicListener, p: RoutedPacket): string {
  switch (l.routingKey) {
    case 'connection_id':
      return `connection ${p.connection.id}`;
    case 'quic_lb_server_id':
      return `DCID ${toHex(p.header.dcid)}`;
    case 'source_address':
      return p.src.ip;
    case 'source_address_port':
      return formatEndpoint(p.src);
    case 'four_tuple':
      return `${formatEndpoint(p.src)} → ${formatEndpoint(p.dst)}`;
    case 'random':
      return `packet ${p.frame}`;
  }
}

/** A function from packet to backend for one listener, with its tables built once. */
export function backendPicker(l: QuicListener): (p: RoutedPacket) => Pick {
  const c = l.choice;
  const addresses = l.backends.map((b) => b.address);
  if (l.backends.length === 0) return (p) => ({ backend: null, key: keyText(l, p) });
  // an index of -1: the balancer's own fallback (round robin, a drop) decides, which a replay cannot know
  const named = (index: number, p: RoutedPacket): Pick =>
    index >= 0 ? { backend: addresses[index]!, key: keyText(l, p) } : { backend: null, key: keyText(l, p), unroutable: 'the hash lands on no available server' };
  switch (c.algorithm) {
    case 'nginx_hash': {
      // a server named by host name may resolve to several addresses, each a peer with its own
      // weight: the total weight, and so every pick, is unknown here
      const namedByHost = l.backends.some((b) => !b.address.startsWith('unix:') && ipBytes(hostOf(b.address)) === undefined);
      if (namedByHost) return (p) => ({ backend: null, key: keyText(l, p) });
      return (p) => named(nginxHashPick(nginxKey(c.key, p), l.backends), p);
    }
    case 'nginx_chash': {
      const ring = new NginxConsistentHash(l.backends);
      return (p) => named(ring.pick(nginxKey(c.key, p)), p);
    }
    case 'ipvs_sh': {
      const table = ipvsShTable(l.backends);
      return (p) => named(ipvsShPick(p.src, l.backends, { port: c.port }, table), p);
    }
    case 'ipvs_mh': {
      const table = ipvsMhTable(l.backends);
      return (p) => named(ipvsMhPick(p.src, l.backends, { port: c.port }, table), p);
    }
    case 'quic_lb': {
      const configs = (l as QuicLbListener).quicLb ?? [];
      const bySid = new Map(l.backends.map((b) => [b.serverId, b.address]));
      return (p) => {
        const key = keyText(l, p);
        // a client's first DCIDs are its own random choice: the balancer routes those by its fallback (draft §3)
        if (p.header.form === 'long' && (p.header.type === 'initial' || p.header.type === '0RTT') && toHex(p.header.dcid) === p.connection.originalDcid) {
          return { backend: null, key: 'client-chosen DCID (fallback routing)' };
        }
        const d = decodeQuicLbCid(configs, p.header.dcid);
        if (!d.ok) return { backend: null, key, unroutable: d.reason };
        const sid = toHex(d.serverId);
        const backend = bySid.get(sid);
        return backend ? { backend, key: `server ID ${sid}` } : { backend: null, key: `server ID ${sid}`, unroutable: `server ID ${sid} (config ${d.configId}) belongs to no server in the config` };
      };
    }
    case 'opaque':
      // one backend: every packet reaches it; otherwise only the key can be told
      if (l.backends.length === 1 || l.oneBackend) return (p) => ({ backend: l.oneBackend ? null : addresses[0]!, key: l.oneBackend ? 'fixed key' : keyText(l, p) });
      return (p) => ({ backend: null, key: keyText(l, p) });
  }
}
