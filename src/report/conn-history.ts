import type { Role } from '../analysis/connection.js';
import type { HandshakeEventName } from '../analysis/handshake-timeline.js';

/**
 * The letters of the conn log's `history`: one per milestone, in time order, upper case when
 * the client sent the packet that shows it and lower case when the server did (as Zeek's
 * conn and quic logs write theirs). A milestone missing means it is not in what was read:
 * without keys the encrypted ones (H from the client, d, C/c, K/k, N/n) cannot show.
 */
const LETTER: Partial<Record<HandshakeEventName, string>> = {
  client_initial: 'I', // the client's Initial (again after a Retry or Version Negotiation)
  server_initial: 'I', // the server's Initial with its ServerHello
  version_negotiation: 'V', // RFC 9000 §17.2.1, sent by the server
  retry: 'R', // RFC 9000 §17.2.5, sent by the server
  server_handshake: 'H', // the server's Handshake flight (EncryptedExtensions … Finished)
  client_finished: 'H', // the client's Finished, in its Handshake packet
  zero_rtt_sent: 'Z', // the client's first 0-RTT packet
  first_1rtt_client: 'T', // the first 1-RTT packet each way
  first_1rtt_server: 'T',
  handshake_confirmed: 'D', // HANDSHAKE_DONE (RFC 9001 §4.1.2), from the server
  new_token: 'N', // NEW_TOKEN, from the server
  key_update: 'K', // a change of key phase (RFC 9001 §6)
  connection_close: 'C', // CONNECTION_CLOSE
};

export interface HistoryItem {
  time: number;
  frame: number;
  by: Role;
  /** a handshake event's name, or `migration` for a path change */
  event: HandshakeEventName | 'migration';
}

/** the history string of one connection: its milestones (handshake events and migrations) as letters */
export function historyString(items: readonly HistoryItem[]): string {
  return [...items]
    .sort((a, b) => a.time - b.time || a.frame - b.frame)
    .map((e) => {
      // M: a path change; m: the server's move to its preferred address
      const letter = e.event === 'migration' ? 'M' : LETTER[e.event];
      if (letter === undefined) return '';
      return e.by === 'client' ? letter : letter.toLowerCase();
    })
    .join('');
}
