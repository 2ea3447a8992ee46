/**
 * A listen address as `host:port`, the form the model and the replay compare: a bare port
 * means every IPv4 address (`0.0.0.0:443`), `*` too, IPv6 stays in brackets.
 */
export function listenAddress(spec: string, defaultPort?: number): string | undefined {
  if (/^\d+$/.test(spec)) return `0.0.0.0:${spec}`;
  const v6 = spec.match(/^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/);
  if (v6) return `[${v6[1]!.toLowerCase()}]:${v6[2] ?? defaultPort ?? ''}`.replace(/:$/, '');
  const m = spec.match(/^([^:]+)(?::(\d+))?$/);
  if (!m) return undefined;
  const host = m[1] === '*' ? '0.0.0.0' : m[1]!;
  const port = m[2] ?? (defaultPort === undefined ? undefined : String(defaultPort));
  return port === undefined ? host : `${host}:${port}`;
}

/** the port of a `host:port`, undefined without one */
export function portOf(address: string): number | undefined {
  const m = address.match(/:(\d+)$/);
  return m ? Number(m[1]) : undefined;
}

/** the host of a `host:port`, without IPv6 brackets */
export function hostOf(address: string): string {
  const m = address.match(/^\[(.*)\](?::\d+)?$/);
  if (m) return m[1]!;
  return address.replace(/:\d+$/, '');
}
