import type { Endpoint } from '../capture/types.js';
import type { TlsFacts } from './tls-facts.js';

export type Role = 'client' | 'server';

/** A connection attempt the server answered with Version Negotiation. */
export interface AbandonedAttempt {
  firstFrame: number;
  firstTime: number;
  /** the version the client tried */
  version: number | null;
  client: Endpoint | null;
  /** the DCID of its first Initial */
  originalDcid: string | null;
  /** the record of the Version Negotiation packet, and the versions it offered */
  versionNegotiationFrame: number;
  offered: number[];
}

/** how many attempts came before a connection's current one (0 without Version Negotiation) */
export function attemptOf(conn: Connection): number {
  return conn.abandonedAttempts?.length ?? 0;
}

/** What quiclens knows about one QUIC connection so far. */
export interface Connection {
  /** 1-based, in order of first appearance */
  id: number;
  version: number | null;
  /**
   * the version of the client's first long header: the one it offered first, which differs
   * from `version` when Version Negotiation (RFC 9000 §6) or a compatible version change
   * (RFC 9368) moved the connection to another
   */
  firstVersion?: number;
  client: Endpoint | null;
  server: Endpoint | null;
  /** the DCID of the client's first Initial (RFC 9000 §7.2) */
  originalDcid: string | null;
  /** CIDs the client chose (hex): what the server sends to */
  clientCids: Set<string>;
  /** CIDs the server chose, and the client's Initial DCIDs: what the client sends to */
  serverCids: Set<string>;
  firstFrame: number;
  firstTime: number;
  lastTime: number;
  packets: number;
  /** a connection read from a log (qlog): the file and the side that wrote it, or `network` for a log made from a capture */
  log?: {
    file: string;
    vantage: Role | 'network';
    /** how the log says the connection ended (connection_closed), in words */
    closed?: string;
    /** the connection read from the other side's log of the same connection */
    otherSide?: number;
    /** seconds on the log's clock of its input's first event: the zero of this connection's times (another input's zero means nothing here) */
    zero: number;
  };
  /** how the client/server roles were decided; `logged`: an endpoint's log (qlog) says which side it is */
  roleSource: 'first_initial' | 'ports' | 'logged';
  /** the SCIDs of each side's first Initial, and of a Retry: what the transport parameters must repeat (RFC 9000 §7.3) */
  clientInitialScid: string | null;
  serverInitialScid: string | null;
  retryScid: string | null;
  tls: TlsFacts;
  /**
   * The server's Version Negotiation (RFC 9000 §6, §17.2.1) for this connection's latest
   * attempt: where, and the versions it offered. Set until the client's next attempt joins.
   */
  versionNegotiation?: { frame: number; time: number; versions: number[]; packets: number };
  /**
   * Attempts the client abandoned on Version Negotiation (RFC 9000 §6.2), oldest first: it
   * started again in one of the offered versions, from a new port and with new CIDs, and
   * that attempt is this connection's current one
   */
  abandonedAttempts?: AbandonedAttempt[];
  /**
   * a copy of another connection's first flight (its 0-RTT packet byte for byte, after the
   * server had answered it): the id of that connection. Kept apart, never found by CID
   */
  replayOf?: number;
  /** stateless reset tokens (hex) each side issued (RFC 9000 §10.3): the server's transport parameter, NEW_CONNECTION_ID */
  resetTokens: { client: Set<string>; server: Set<string> };
}
