import { formatEndpoint } from '../capture/types.js';
import type { Connection } from './connection.js';
import type { Finding } from './finding.js';
import type { PacketRecord } from './packet-record.js';

/** RFC 9000 §8.1: three times what was received, until the address is validated */
const FACTOR = 3;

interface PathBudget {
  received: number;
  sent: number;
  /**
   * Counting stops here: the address was validated, or a packet that may have validated it
   * could not be read (a client 1-RTT packet on a new path may hold the PATH_RESPONSE)
   */
  done: boolean;
  /** the server has sent on this path: a client packet after that may answer its PATH_CHALLENGE */
  serverSent: boolean;
  /**
   * the client sent an Initial here: the path carried the handshake (the first path, or
   * each leg a proxy in the middle shows), so the handshake validates it
   */
  handshake: boolean;
}

/** What the audit counted on one client address of a connection (RFC 9000 §8.1). */
export interface AmplificationBudget {
  /** the client's address, or `the client` for an input without addresses */
  client: string;
  /** UDP payload bytes received from there, and sent there, while counting */
  received: number;
  sent: number;
  /** counting stopped: the address was validated, may have been by a packet not read, or the limit was broken */
  stopped: boolean;
}

/**
 * The anti-amplification limit (RFC 9000 §8.1, §9.3.1): before a client address is
 * validated, a server may send at most three times the bytes it received from it. The limit
 * is judged only up to the first client packet that proves validation, or may have proved
 * it unseen:
 * - an address the handshake ran on (the first, or a proxy's second leg): its Handshake packet (§8.1: it could only be built from the
 *   server's Initial), an Initial with a token (from a Retry or NEW_TOKEN), or any 1-RTT
 *   packet from it there (it holds keys only a client that received the server's flight
 *   has), all readable from the header alone;
 * - a new path: the client's PATH_RESPONSE there (§8.2.2); without the keys to read it, the
 *   client's first packet there after the server sent there, which may be that response.
 * Datagrams are counted once, by their UDP payload size. A finding is therefore proven:
 * the bytes it counts all went out before any packet that could have validated the address.
 */
export class AmplificationAudit {
  private readonly paths = new Map<Connection, Map<string, PathBudget>>();

  /** per client address of the connection, what was counted before validation */
  budgets(conn: Connection): AmplificationBudget[] {
    return [...(this.paths.get(conn) ?? [])].map(([client, b]) => ({ client, received: b.received, sent: b.sent, stopped: b.done }));
  }

  check(p: PacketRecord): Finding[] {
    const clientEndpoint = p.direction === 'client' ? p.src : p.dst;
    // without addresses (a qlog) the packets of all paths count as one
    const client = clientEndpoint ? formatEndpoint(clientEndpoint) : 'the client';
    let byPath = this.paths.get(p.connection);
    if (!byPath) this.paths.set(p.connection, (byPath = new Map()));
    let b = byPath.get(client);
    if (!b) byPath.set(client, (b = { received: 0, sent: 0, done: false, serverSent: false, handshake: false }));
    if (b.done) return [];
    const firstOfDatagram = p.header.offset === 0;
    const h = p.header;
    if (p.direction === 'client') {
      if (firstOfDatagram) b.received += p.datagramBytes;
      if (h.type === 'initial') b.handshake = true;
      if (h.type === 'handshake' || (h.type === '1RTT' && b.handshake) || (h.type === 'initial' && h.form === 'long' && h.token !== undefined && h.token.length > 0)) b.done = true;
      if (p.frames.some((f) => f.type === 'path_response')) b.done = true;
      if (!b.handshake && b.serverSent && p.decrypted !== true) b.done = true;
      return [];
    }
    if (!firstOfDatagram) return [];
    b.serverSent = true;
    b.sent += p.datagramBytes;
    if (b.sent <= FACTOR * b.received) return [];
    b.done = true;
    return [
      {
        severity: 'error',
        code: 'amplification_limit_exceeded',
        connection: p.connection.id,
        frame: p.frame,
        message: `the server sent ${b.sent} bytes to ${client} before validating it, more than three times the ${b.received} it received from there (RFC 9000 §8.1)`,
        evidence: 'proven',
      },
    ];
  }
}
