/** IPv4 dotted quad */
export function ipv4Text(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** IPv6 in RFC 5952 form: lowercase, no leading zeros, the longest run of zero groups as "::" */
export function ipv6Text(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * The bytes of an address in text form, the inverse of ipv4Text and ipv6Text: 4 bytes for a
 * dotted quad, 16 for IPv6 (with "::" and a trailing dotted quad allowed); undefined when
 * the text is neither.
 */
export function ipBytes(text: string): Buffer | undefined {
  const v4 = text.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    return octets.every((o) => o <= 255) ? Buffer.from(octets) : undefined;
  }
  if (!text.includes(':')) return undefined;
  let body = text;
  const tail: number[] = [];
  const quad = body.match(/^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/);
  if (quad) {
    const b = ipBytes(quad[2]!);
    if (!b) return undefined;
    tail.push(b.readUInt16BE(0), b.readUInt16BE(2));
    body = quad[1]!.endsWith('::') ? quad[1]! : quad[1]!.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const all = [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
  if (all.some((g) => Number.isNaN(g))) return undefined;
  const b = Buffer.alloc(16);
  all.forEach((g, i) => b.writeUInt16BE(g, i * 2));
  return b;
}
