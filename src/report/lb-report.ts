import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import type { LbConfig, QuicListener, Verdict } from '../lb/model.js';
import type { SkippedListener } from '../lb/quic-ports.js';
import type { ConnectionReplay } from '../lb/replay.js';
import { breaksMigration, judge, worst } from '../lb/verdicts.js';
import type { Palette } from './colour.js';

/** Everything `lb check` found: the configs read, their listeners, and the replay of a capture. */
export interface LbCheck {
  /** each config with the listeners judged (those that can carry QUIC) */
  configs: LbConfig[];
  /** UDP listeners not judged, with why (lb/quic-ports.ts) */
  skipped?: SkippedListener[];
  /** the ports QUIC was judged on (--quic-port) */
  quicPorts?: readonly number[];
  replay?: { capture: string; portsDiffered: boolean; connections: ConnectionReplay[] };
}

function listenerJson(l: QuicListener): Record<string, unknown> {
  const j = judge(l);
  return {
    file: l.location.file,
    line: l.location.line,
    column: l.location.column ?? null,
    kind: l.kind,
    listen: l.listen,
    routingKey: l.routingKey,
    verdicts: j.verdicts,
    breaksMigration: breaksMigration(j.verdicts),
    reasons: j.reasons,
    advice: l.advice,
    terminates: l.terminates,
    backends: l.backends.map((b) => ({ address: b.address, weight: b.weight, ...(b.serverId ? { serverId: b.serverId } : {}) })),
    sticky: l.sticky ? { key: l.sticky.key, seconds: l.sticky.seconds ?? null, source: l.sticky.source } : null,
    notes: l.notes,
  };
}

/** `lb check --format json` (design.md; docs/json.md) */
export function lbToJson(check: LbCheck): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    configs: check.configs.map((c) => ({ file: c.file, kind: c.kind, listeners: c.listeners.length, skipped: skippedIn(check, c.file).length })),
    quicPorts: check.quicPorts ?? [],
    listeners: check.configs.flatMap((c) => c.listeners.map(listenerJson)),
    skipped: (check.skipped ?? []).map((s) => ({
      file: s.listener.location.file,
      line: s.listener.location.line,
      column: s.listener.location.column ?? null,
      kind: s.listener.kind,
      listen: s.listener.listen,
      reason: s.reason,
    })),
  };
  if (check.replay) {
    doc.replay = {
      capture: check.replay.capture,
      portsDiffered: check.replay.portsDiffered,
      connections: check.replay.connections.map((r) => ({
        id: r.id,
        listen: r.listen,
        packets: r.packets,
        backends: r.backends,
        keys: r.keys,
        firstMovedFrame: r.firstMovedFrame,
        moved: r.moved ?? null,
        unroutable: r.unroutable,
      })),
    };
  }
  return doc;
}

function skippedIn(check: LbCheck, file: string): SkippedListener[] {
  return (check.skipped ?? []).filter((s) => s.listener.location.file === file);
}

function where(l: QuicListener): string {
  return `${relative(process.cwd(), l.location.file) || l.location.file}:${l.location.line}`;
}

/**
 * cli-table3 lays a table out recursively over its rows (one table of 100,000 rows
 * overflows the stack) and measures every cell slowly: past this many rows a table is
 * printed as plain aligned columns, one line per row, in time linear in its size.
 */
const MAX_BOXED_ROWS = 1000;

const ANSI = /\x1b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(ANSI, '').length;

function table(head: string[], rows: string[][]): string {
  if (rows.length <= MAX_BOXED_ROWS) {
    const t = new Table({ head, style: { head: [], border: [] } });
    for (const row of rows) t.push(row);
    return t.toString();
  }
  // a cell over several lines (a list of backends) is written on one, comma-separated
  const flat = rows.map((r) => r.map((c) => c.split('\n').join(', ')));
  const widths = head.map((h, i) => flat.reduce((w, r) => Math.max(w, visibleLength(r[i] ?? '')), visibleLength(h)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visibleLength(c)))).join('  ').trimEnd();
  const out = [line(head)];
  for (const r of flat) out.push(line(r));
  return out.join('\n');
}

function verdictText(v: Verdict, colour: Palette): string {
  return v === 'survives' ? colour.green(v) : v === 'breaks' ? colour.red(v) : colour.yellow(v);
}

/** `lb check` for people: one row per listener, then why and what to change. */
export function lbTable(check: LbCheck, colour: Palette): string {
  const parts: string[] = [];
  const listeners = check.configs.flatMap((c) => c.listeners);
  for (const c of check.configs) {
    const skipped = skippedIn(check, c.file).length;
    if (c.listeners.length === 0) parts.push(`${c.file} (${c.kind}): ${skipped > 0 ? `no listener that can carry QUIC (${skipped} UDP listener${skipped === 1 ? '' : 's'} skipped, below)` : 'no QUIC or UDP listener found'}`);
  }
  if (listeners.length > 0) {
    const rows: string[][] = [];
    for (const l of listeners) {
      const v = judge(l).verdicts;
      rows.push([
        `${relative(process.cwd(), l.location.file) || l.location.file}:${l.location.line}`,
        l.kind,
        l.listen,
        l.routingKey,
        verdictText(v.portChange, colour),
        verdictText(v.addressChange, colour),
        verdictText(v.preferredAddress, colour),
      ]);
    }
    parts.push(table(['where', 'kind', 'listen', 'routes by', 'port change', 'address change', 'preferred address'].map(colour.bold), rows));
  }
  for (const l of listeners) {
    const j = judge(l);
    const lines = [colour.bold(`${relative(process.cwd(), l.location.file) || l.location.file}:${l.location.line} ${l.kind} ${l.listen}: ${worst(j.verdicts)}`)];
    for (const n of l.notes) lines.push(`  ${colour.dim('·')} ${n}`);
    for (const r of j.reasons) lines.push(`  ${colour.yellow('!')} ${r}`);
    // advice is for listeners that lose a moving client
    if (l.advice && worst(j.verdicts) !== 'survives') lines.push(`  ${colour.cyan('→')} ${l.advice}`);
    parts.push(lines.join('\n'));
  }
  if (check.skipped && check.skipped.length > 0) {
    const lines = [colour.bold(`Skipped: ${check.skipped.length} UDP listener${check.skipped.length === 1 ? '' : 's'} that cannot carry QUIC here`)];
    for (const s of check.skipped) lines.push(`  ${colour.dim('-')} ${where(s.listener)} ${s.listener.kind} ${s.listener.listen}: ${s.reason}`);
    parts.push(lines.join('\n'));
  }
  if (check.replay) parts.push(replayText(check.replay, colour));
  return parts.join('\n\n') + '\n';
}

function replayText(replay: NonNullable<LbCheck['replay']>, colour: Palette): string {
  const head = colour.bold(`Replay of ${replay.capture}`) + (replay.portsDiffered ? colour.dim(' (no packet reached the listener\'s port: replayed through the only listener)') : '');
  if (replay.connections.length === 0) return `${head}\nno client packets reached a listener`;
  const rows: string[][] = [];
  for (const r of replay.connections) {
    rows.push([
      String(r.id),
      String(r.packets),
      r.backends.join('\n') || colour.dim(`not computable (${r.keys.length} key${r.keys.length === 1 ? '' : 's'})`),
      r.firstMovedFrame === null ? colour.green('stays') : colour.red(`frame ${r.firstMovedFrame}`),
      r.moved ?? (r.unroutable.length > 0 ? `${r.unroutable.length} unroutable: ${r.unroutable[0]!.reason}` : ''),
    ]);
  }
  return `${head}\n${table(['connection', 'packets', 'backends', 'first moved', 'what changed'].map(colour.bold), rows)}`;
}

/**
 * A file as SARIF names it: relative to where the check ran (the repository, in CI), or an
 * absolute file URI when it lies outside, which a relative "../" cannot place.
 */
function sarifUri(file: string): string {
  const rel = relative(process.cwd(), file).split('\\').join('/');
  return rel === '' || rel.startsWith('../') || isAbsolute(rel) ? pathToFileURL(resolve(file)).href : rel;
}

/**
 * SARIF 2.1.0 for code scanning: one result per listener that does not survive every move,
 * pointing at the line that defines it.
 */
export function lbSarif(check: LbCheck, version: string): Record<string, unknown> {
  const rules = [
    { id: 'quic-migration-breaks', shortDescription: { text: 'A QUIC client that changes address or port reaches another backend' } },
    { id: 'quic-migration-conditional', shortDescription: { text: 'A QUIC client that moves keeps its backend only while a session or affinity entry lives' } },
  ];
  const results = check.configs.flatMap((c) =>
    c.listeners.flatMap((l) => {
      const j = judge(l);
      const w = worst(j.verdicts);
      if (w === 'survives') return [];
      return [
        {
          ruleId: w === 'breaks' ? 'quic-migration-breaks' : 'quic-migration-conditional',
          level: w === 'breaks' ? 'error' : 'warning',
          message: { text: `${l.kind} ${l.listen} routes by ${l.routingKey}: ${j.reasons.join('; ')}${l.advice ? `. Fix: ${l.advice}` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(l.location.file) },
                region: { startLine: l.location.line, ...(l.location.column ? { startColumn: l.location.column } : {}) },
              },
            },
          ],
        },
      ];
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'quiclens', version, rules } }, results }],
  };
}
