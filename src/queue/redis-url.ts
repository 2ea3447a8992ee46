/**
 * The problem with a `--redis` URL, or undefined when it is one ioredis can use:
 * redis:// or rediss:// (TLS), a host, an optional port and database number.
 */
export function redisUrlProblem(url: string): string | undefined {
  const expected = 'expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS)';
  // host:port alone is the usual slip
  if (!url.includes('://')) return `${expected}, got '${url}' (no scheme: put redis:// in front)`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${expected}, got '${url}'`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `${expected}, got the scheme '${parsed.protocol.replace(/:$/, '')}'`;
  if (parsed.hostname === '') return `${expected}, got no host`;
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,5}$/.test(db)) return `${expected}: the database after the '/' is a number, got '${db}'`;
  return undefined;
}

/** the URL without its password, to name in messages and logs */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
