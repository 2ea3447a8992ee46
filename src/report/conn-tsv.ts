import type { ConnRecord } from './conn-log.js';

/**
 * `summary --format conn`: the conn log as tab-separated values under a header block in the
 * style of Zeek's ASCII logs (`#separator`, `#fields`, `#types`, …), so tools that read
 * Zeek logs read this one. `-` is a value that is unknown (not in what was read), `(empty)`
 * one that was read and is absent or an empty set.
 */

type Column = { name: keyof ConnRecord; type: string };

/** the columns, in order; the types are Zeek's names for them */
const COLUMNS: Column[] = [
  { name: 'start', type: 'time' },
  { name: 'uid', type: 'string' },
  { name: 'connection', type: 'count' },
  { name: 'clientAddr', type: 'addr' },
  { name: 'clientPort', type: 'port' },
  { name: 'serverAddr', type: 'addr' },
  { name: 'serverPort', type: 'port' },
  { name: 'end', type: 'time' },
  { name: 'durationMs', type: 'double' },
  { name: 'version', type: 'string' },
  { name: 'sni', type: 'string' },
  { name: 'alpn', type: 'string' },
  { name: 'ja4', type: 'string' },
  { name: 'originalDcid', type: 'string' },
  { name: 'clientCids', type: 'set[string]' },
  { name: 'serverCids', type: 'set[string]' },
  { name: 'history', type: 'string' },
  { name: 'clientPackets', type: 'count' },
  { name: 'clientBytes', type: 'count' },
  { name: 'serverPackets', type: 'count' },
  { name: 'serverBytes', type: 'count' },
  { name: 'handshakeMs', type: 'double' },
  { name: 'roundTrips', type: 'count' },
  { name: 'zeroRtt', type: 'string' },
  { name: 'migrations', type: 'count' },
  { name: 'ended', type: 'string' },
  { name: 'result', type: 'string' },
  { name: 'resultReason', type: 'string' },
  { name: 'findings', type: 'set[string]' },
  { name: 'unknown', type: 'set[string]' },
];

const UNSET = '-';
const EMPTY = '(empty)';

/** the header block: what a Zeek log reader needs to split and type the lines */
export function connTsvHeader(): string {
  return [
    '#separator \\x09',
    '#set_separator\t,',
    `#empty_field\t${EMPTY}`,
    `#unset_field\t${UNSET}`,
    '#path\tquic_conn',
    `#fields\t${COLUMNS.map((c) => c.name).join('\t')}`,
    `#types\t${COLUMNS.map((c) => c.type).join('\t')}`,
  ].join('\n') + '\n';
}

/** one record as one line; `unknown` lists the names of the fields that are unknown (conn-ndjson says why) */
export function connTsvLine(r: ConnRecord): string {
  return COLUMNS.map(({ name }) => {
    if (name === 'unknown') return set(Object.keys(r.unknown));
    const value = r[name];
    if (Array.isArray(value)) return set(value);
    if (value === null) return r.unknown[name] !== undefined ? UNSET : EMPTY;
    if (typeof value === 'number') return name === 'start' || name === 'end' ? value.toFixed(6) : String(value);
    return value === '' ? EMPTY : escape(String(value));
  }).join('\t') + '\n';
}

function set(values: readonly string[]): string {
  return values.length === 0 ? EMPTY : values.map((v) => escape(v).replaceAll(',', '\\x2c')).join(',');
}

/**
 * Text from the wire (an SNI, an ALPN, a close reason) may hold tabs, newlines or the
 * markers themselves: each such byte is written `\xNN`, as Zeek escapes its logs, so a line
 * is always one record and `-` is never a value that happens to be a dash.
 */
function escape(s: string): string {
  const out = s.replace(/[\x00-\x1f\x7f\\]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return out === UNSET || out === EMPTY ? `\\x${out.charCodeAt(0).toString(16)}${out.slice(1)}` : out;
}
