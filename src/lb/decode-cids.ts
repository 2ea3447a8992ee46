import type { Connection } from '../analysis/connection.js';
import { formatEndpoint } from '../capture/types.js';
import { fromHex, toHex } from '../wire/hex.js';
import type { QuicListener } from './model.js';
import { decodeQuicLbCid } from './quic-lb/codec.js';
import type { QuicLbListener } from './quic-lb-listeners.js';

/** What a QUIC-LB balancer reads from one connection ID (draft-ietf-quic-load-balancers §3, §5). */
export interface CidReading {
  cid: string;
  configId: number | null;
  serverId: string | null;
  nonce: string | null;
  /** the backend the config maps that server ID to */
  backend: string | null;
  /** the first octet's low bits give the CID's length (§3.1) */
  lengthEncoded: boolean | null;
  /** why no server ID could be read, or why it leads nowhere */
  problem: string | null;
  /** the text is no connection ID at all (not hex, too long): bad input rather than a CID that leads nowhere */
  malformed?: true;
}

/** The QUIC-LB listeners among a config's listeners. */
export function quicLbListeners(listeners: readonly QuicListener[]): QuicLbListener[] {
  return listeners.filter((l): l is QuicLbListener => 'quicLb' in l);
}

/** Reads one CID (hex, with or without colons) the way the listener's balancer would. */
export function readCid(l: QuicLbListener, text: string): CidReading {
  const hex = text.replace(/[:\s]/g, '').replace(/^0x/i, '').toLowerCase();
  const none = { cid: hex, configId: null, serverId: null, nonce: null, backend: null, lengthEncoded: null };
  if (!/^([0-9a-f]{2})*$/.test(hex)) return { ...none, problem: `'${text}' is not a connection ID in hex (two hex digits per byte)`, malformed: true };
  if (hex.length > 40) return { ...none, problem: `a connection ID is at most 20 bytes (RFC 9000 §17.2); this one has ${hex.length / 2}`, malformed: true };
  const d = decodeQuicLbCid(l.quicLb, fromHex(hex));
  if (!d.ok) return { ...none, problem: d.reason };
  const serverId = toHex(d.serverId);
  const backend = l.backends.find((b) => b.serverId === serverId)?.address ?? null;
  return {
    cid: hex,
    configId: d.configId,
    serverId,
    nonce: toHex(d.nonce),
    backend,
    lengthEncoded: d.lengthEncoded,
    problem: backend ? null : `server ID ${serverId} (config ${d.configId}) belongs to no server in the config`,
  };
}

/** Whether every CID the server of one connection issued leads a QUIC-LB balancer back to one server. */
export interface ConnectionCids {
  id: number;
  client: string | null;
  server: string | null;
  /** the CIDs the server chose (its Initial and Retry SCIDs, NEW_CONNECTION_ID), in the order seen */
  cids: CidReading[];
  /** the distinct backends (or server IDs, where no backend owns them) the CIDs decode to */
  servers: string[];
  verdict: 'one_server' | 'several_servers' | 'undecodable' | 'no_cids';
}

/**
 * The CIDs a connection's server issued, read through the listener: a client that moves
 * to any of them must reach the same server. The client's own first DCID is left out: it
 * is random, and the balancer routes it by its fallback (§3.2).
 */
export function connectionCids(l: QuicLbListener, conn: Connection): ConnectionCids {
  const issued = [...conn.serverCids].filter((c) => c !== '' && c !== conn.originalDcid);
  const cids = issued.map((c) => readCid(l, c));
  const servers = [...new Set(cids.filter((r) => r.serverId !== null).map((r) => r.backend ?? `server ID ${r.serverId}`))];
  const verdict =
    cids.length === 0 ? 'no_cids' : servers.length > 1 ? 'several_servers' : cids.some((r) => r.problem !== null) ? 'undecodable' : 'one_server';
  return {
    id: conn.id,
    client: conn.client ? formatEndpoint(conn.client) : null,
    server: conn.server ? formatEndpoint(conn.server) : null,
    cids,
    servers,
    verdict,
  };
}
