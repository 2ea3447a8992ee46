const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000 };

/**
 * Seconds from a duration as configs write them: nginx `10m`, `1h30m`, `500ms`, a bare
 * number of seconds; Envoy and protobuf JSON `60s`, `0.25s`. undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const parts = text.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)/g);
  if (!parts || parts.join('') !== text) return undefined;
  return parts.reduce((sum, p) => {
    const [, n, unit] = p.match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)$/)!;
    return sum + Number(n) * UNITS[unit!]!;
  }, 0);
}
