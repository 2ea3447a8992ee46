import type { Connection } from '../analysis/connection.js';
import { formatEndpoint } from '../capture/types.js';

/** where a connection read from a log comes from, in words: "the client's log FILE" */
export function logName(log: NonNullable<Connection['log']>): string {
  return `${log.vantage === 'network' ? 'a network log' : `the ${log.vantage}'s log`} ${log.file}`;
}

/**
 * A connection's heading: its client and server, joined by `between`, or for a log without
 * addresses, the log it was read from.
 */
export function connectionName(conn: Connection, between: (client: string, server: string) => string): string {
  if (!conn.client && !conn.server && conn.log) return `connection ${conn.id}: ${logName(conn.log)} (no addresses logged)`;
  return `connection ${conn.id}: ${between(conn.client ? formatEndpoint(conn.client) : '?', conn.server ? formatEndpoint(conn.server) : '?')}`;
}
