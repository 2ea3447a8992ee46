import { printable } from './text-width.js';
import Table from 'cli-table3';
import { formatVersion, versionInfo } from '../quic/versions.js';
import type { Palette } from './colour.js';
import type { FleetGroup, FleetSummary, GroupBy, UnknownFact } from './fleet-summary.js';

const HEAD: Record<GroupBy, string> = { sni: 'SNI', alpn: 'ALPN', version: 'version', ja4: 'JA4', server: 'server' };
const NONE: Record<GroupBy, string> = {
  sni: 'none (no server_name)',
  alpn: 'none (no ALPN chosen)',
  ja4: 'none (gQUIC: no TLS ClientHello)',
  version: 'none',
  server: 'none',
};

/** how many connection numbers a line of unknowns names before it says "and N more" */
const SHOWN_IDS = 10;

/** `summary --by` as text: one row per group, then what was unknown and why */
export function fleetTable(f: FleetSummary, colour: Palette): string {
  const t = new Table({
    head: [HEAD[f.by], 'connections', 'handshake ms p50 / p90 / p99', 'round trips', '0-RTT attempted / accepted', 'migrations (validated)', 'findings'].map(colour.bold),
    colAligns: ['left', 'right', 'right', 'left', 'right', 'right', 'left'],
    style: { head: [], border: [] },
  });
  const unknown = (n: number) => colour.dim(`${n} unknown`);
  for (const g of f.groups) {
    const h = g.handshakeMs;
    const time = h.measured === 0 ? colour.dim('–') : `${[h.p50, h.p90, h.p99].map((x) => x!.toFixed(1)).join(' / ')}${h.measured < g.connections ? ` (${h.measured} timed)` : ''}`;
    const z = g.zeroRtt;
    const m = g.migrations;
    t.push([
      keyCell(f.by, g, colour),
      String(g.connections),
      lines([time, h.unknown && unknown(h.unknown), h.notComplete && colour.yellow(`${h.notComplete} not complete`)]),
      lines([
        Object.entries(g.roundTrips.counts).map(([rt, n]) => `${rt}: ${n}`).join(', ') || colour.dim('–'),
        g.roundTrips.unknown && unknown(g.roundTrips.unknown),
        g.roundTrips.notComplete && colour.yellow(`${g.roundTrips.notComplete} not complete`),
      ]),
      lines([
        `${z.attempted} / ${atLeast(z.accepted, z.acceptedUnknown)}`,
        z.rejected && `${z.rejected} rejected`,
        z.acceptedUnknown && colour.dim(`${z.acceptedUnknown} acceptance unknown`),
        z.attemptedUnknown && colour.dim(`${z.attemptedUnknown} attempt unknown`),
      ]),
      lines([`${m.total} (${atLeast(m.validated, m.unknown)})`, m.notValidated && colour.yellow(`${m.notValidated} not validated`), m.unknown && colour.dim(`${m.unknown} validation unknown`)]),
      lines([
        ...Object.entries(g.findings).map(([code, c]) => severityColour(c.severity, colour)(`${code} ×${c.count}${c.inferred ? ` (${c.inferred} inferred)` : ''}`)),
        ...Object.entries(g.unjudged).map(([code, n]) => colour.dim(`${code} ×${n} not judged`)),
      ]) || colour.dim('none'),
    ]);
  }
  const notes = f.groups.flatMap((g) => unknownNotes(f.by, g));
  const legend = colour.dim(`handshake time: client Initial to client Finished; percentiles by nearest rank (the value of rank ⌈p·n/100⌉ among the n timed)`);
  return `${t.toString()}\n${legend}\n${notes.length ? `\n${colour.bold('Unknown')} ${colour.dim('(counted as unknown, not as no or zero)')}\n${colour.dim(notes.join('\n'))}\n` : ''}`;
}

function keyCell(by: GroupBy, g: FleetGroup, colour: Palette): string {
  if (g.keyState === 'other') return colour.dim(`other (${g.groups} groups)`);
  if (g.keyState === 'unknown') return colour.dim('unknown');
  if (g.keyState === 'none') return colour.dim(NONE[by]);
  // an SNI or ALPN is whatever the peer sent: no control character reaches the terminal
  if (by !== 'version') return printable(g.key!);
  const name = versionInfo(Number(g.key)).name;
  return name === 'unknown' ? `unknown ${formatVersion(Number(g.key))}` : name;
}

/** a count some of whose members are unknown: `?` when none is known, else `≥n`, never a bare 0 */
function atLeast(known: number, unknown: number): string {
  return unknown === 0 ? String(known) : known === 0 ? '?' : `≥${known}`;
}

/** a cell of several lines; parts that are 0 or empty are left out */
function lines(parts: (string | number | false)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n');
}

function severityColour(s: 'error' | 'warning' | 'info', colour: Palette): (t: string) => string {
  return s === 'error' ? colour.red : s === 'warning' ? colour.yellow : (t) => t;
}

const FIELD_WORDS: Record<UnknownFact['field'], string> = {
  key: 'group value',
  handshakeMs: 'handshake time',
  roundTrips: 'round trips',
  zeroRttAttempted: '0-RTT attempted',
  zeroRttAccepted: '0-RTT accepted',
  migrationValidated: 'migration validated',
};

/** per group and field: which connections, and the first one's reason (`--format json` gives each) */
function unknownNotes(by: GroupBy, g: FleetGroup): string[] {
  const name = g.keyState === 'value' ? (g.key ?? '') : g.keyState === 'other' ? 'other' : g.keyState;
  const byField = new Map<UnknownFact['field'], UnknownFact[]>();
  for (const u of g.unknown) byField.set(u.field, [...(byField.get(u.field) ?? []), u]);
  return [...byField].map(([field, us]) => {
    const ids = [...new Set(us.map((u) => u.connection))];
    const named = ids.slice(0, SHOWN_IDS).join(', ') + (ids.length > SHOWN_IDS ? ` and ${ids.length - SHOWN_IDS} more` : '');
    const first = us[0]!;
    return `  ${HEAD[by]} ${name}: ${FIELD_WORDS[field]} unknown for ${ids.length === 1 ? 'connection' : 'connections'} ${named}; ${ids.length === 1 ? '' : `connection ${first.connection}: `}${first.reason}`;
  });
}
