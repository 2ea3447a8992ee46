import { formatEndpoint } from '../capture/types.js';
import type { Connection } from './connection.js';
import type { Finding } from './finding.js';
import type { PacketRecord } from './packet-record.js';

/** RFC 9000 §8.1: three times what was received, until the address is validated */
const FACTOR = 3;

interface PathBudget {
  received: number;
  sent: number;
  validated: boolean;
  flagged: boolean;
}

/**
 * The anti-amplification limit (RFC 9000 §8.1, §9.3.1): before a client address is
 * validated, a server may send at most three times the bytes it received from it. The
 * client's first address counts as validated once the client sends a Handshake packet, or
 * an Initial with a token (from a Retry or NEW_TOKEN); a new path once the client answers
 * a PATH_CHALLENGE on it. Datagrams are counted once, by their UDP payload size.
 */
export class AmplificationAudit {
  private readonly paths = new Map<Connection, Map<string, PathBudget>>();

  check(p: PacketRecord): Finding[] {
    const clientEndpoint = p.direction === 'client' ? p.src : p.dst;
    // without addresses (a qlog) the packets of all paths count as one
    const client = clientEndpoint ? formatEndpoint(clientEndpoint) : 'the client';
    let byPath = this.paths.get(p.connection);
    if (!byPath) this.paths.set(p.connection, (byPath = new Map()));
    let b = byPath.get(client);
    if (!b) byPath.set(client, (b = { received: 0, sent: 0, validated: false, flagged: false }));
    const firstOfDatagram = p.header.offset === 0;
    if (p.direction === 'client') {
      if (firstOfDatagram) b.received += p.datagramBytes;
      const h = p.header;
      if (h.type === 'handshake' || (h.type === 'initial' && h.form === 'long' && h.token !== undefined && h.token.length > 0)) b.validated = true;
      if (p.frames.some((f) => f.type === 'path_response')) b.validated = true;
      return [];
    }
    if (b.validated || !firstOfDatagram) return [];
    b.sent += p.datagramBytes;
    if (b.flagged || b.sent <= FACTOR * b.received) return [];
    b.flagged = true;
    return [
      {
        severity: 'error',
        code: 'amplification_limit_exceeded',
        connection: p.connection.id,
        frame: p.frame,
        message: `the server sent ${b.sent} bytes to ${client} before validating it, more than three times the ${b.received} it received from there (RFC 9000 §8.1)`,
      },
    ];
  }
}
