import type { Connection } from './connection.js';
import type { Finding } from './finding.js';

/**
 * Checks of a connection's TLS handshake against what was seen on the wire:
 * - RFC 9000 §7.3: the connection IDs the transport parameters name must be the ones the
 *   packets carried (original_destination_connection_id and retry_source_connection_id
 *   from the server, initial_source_connection_id from each side); a mismatch means a
 *   tampered or broken handshake.
 * - RFC 9001 §4.6.1: a NewSessionTicket that allows 0-RTT must say max_early_data_size
 *   0xffffffff.
 */
export function auditHandshake(c: Connection): Finding[] {
  const out: Finding[] = [];
  const say = (code: string, message: string, severity: Finding['severity'] = 'error') =>
    out.push({ severity, code, connection: c.id, message, evidence: 'proven' });
  const server = c.tls.serverParameters;
  const client = c.tls.clientParameters;
  if (server) {
    if (c.originalDcid !== null && server.original_destination_connection_id !== undefined && server.original_destination_connection_id !== c.originalDcid) {
      say('transport_parameter_mismatch', `the server's original_destination_connection_id ${server.original_destination_connection_id} is not the client's first DCID ${c.originalDcid}`);
    }
    if (c.retryScid !== null && server.retry_source_connection_id !== c.retryScid) {
      say('transport_parameter_mismatch', `after a Retry from ${c.retryScid}, the server's retry_source_connection_id is ${server.retry_source_connection_id ?? 'missing'}`);
    }
    // a log may hold no Retry (a server sends it before the connection exists) or leave its
    // SCID out: only a capture can say none was sent
    if (c.retryScid === null && server.retry_source_connection_id !== undefined && c.roleSource !== 'logged') {
      say('transport_parameter_mismatch', `the server sent retry_source_connection_id ${server.retry_source_connection_id}, but no Retry was seen`, 'warning');
    }
    if (c.serverInitialScid !== null && server.initial_source_connection_id !== undefined && server.initial_source_connection_id !== c.serverInitialScid) {
      say('transport_parameter_mismatch', `the server's initial_source_connection_id ${server.initial_source_connection_id} is not the SCID of its Initial, ${c.serverInitialScid}`);
    }
  }
  if (client && c.clientInitialScid !== null && client.initial_source_connection_id !== undefined && client.initial_source_connection_id !== c.clientInitialScid) {
    say('transport_parameter_mismatch', `the client's initial_source_connection_id ${client.initial_source_connection_id} is not the SCID of its Initial, ${c.clientInitialScid}`);
  }
  for (const t of c.tls.tickets) {
    if (t.maxEarlyDataSize !== undefined && t.maxEarlyDataSize !== 0xffffffff) {
      say('ticket_early_data_size', `a NewSessionTicket allows 0-RTT with max_early_data_size ${t.maxEarlyDataSize}; QUIC requires 0xffffffff (RFC 9001 §4.6.1)`);
    }
  }
  for (const p of c.tls.problems) say('tls_message_unreadable', p, 'warning');
  return out;
}
