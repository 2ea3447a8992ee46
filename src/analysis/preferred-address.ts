import type { Endpoint } from '../capture/types.js';
import { ipBytes } from '../capture/ip-address.js';
import type { Connection } from './connection.js';

/**
 * The addresses a server offered in its preferred_address transport parameter (RFC 9000
 * §18.2): one per address family, an all-zero address with port 0 meaning none for that
 * family. `null` while the server's transport parameters were not read (they travel in
 * EncryptedExtensions, under Handshake keys): then nobody knows what it offered.
 */
export function preferredAddresses(conn: Connection): Endpoint[] | null {
  const params = conn.tls.serverParameters;
  if (!params) return null;
  const pa = params.preferred_address;
  if (!pa) return [];
  const out: Endpoint[] = [];
  const offered = (ip: string, port: number) => {
    const bytes = ipBytes(ip);
    if (bytes && (port !== 0 || bytes.some((b) => b !== 0))) out.push({ ip, port });
  };
  offered(pa.ip_v4, pa.port_v4);
  offered(pa.ip_v6, pa.port_v6);
  return out;
}

/** whether `server` is an address the server offered as preferred; `null` when its transport parameters are unknown */
export function isPreferredAddress(conn: Connection, server: Endpoint): boolean | null {
  const offered = preferredAddresses(conn);
  if (offered === null) return null;
  const ip = ipBytes(server.ip);
  return offered.some((e) => e.port === server.port && ip !== undefined && ipBytes(e.ip)?.equals(ip) === true);
}
