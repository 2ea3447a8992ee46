import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import type { LbConfig, QuicListener, Verdict } from '../lb/model.js';
import type { SkippedListener } from '../lb/quic-ports.js';
import type { ConnectionReplay } from '../lb/replay.js';
import type { Suppression } from '../lb/suppressions.js';
import { breaksMigration, judge, worst } from '../lb/verdicts.js';
import { formatIssue, type InputIssue } from '../wire/input-issue.js';
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
  /** listeners skipped by an ignore comment or --ignore: reported, never failing the check */
  suppressed?: ReadonlyMap<QuicListener, Suppression>;
  /** files in the folders named that hold no config quiclens knows (never read as one) */
  notConfigs?: string[];
  /** what could not be read, and ignore comments or --ignore that skip nothing */
  problems?: InputIssue[];
}

function suppressionJson(check: LbCheck, l: QuicListener): { kind: Suppression['kind']; reason: string | null } | null {
  const s = check.suppressed?.get(l);
  return s ? { kind: s.kind, reason: s.reason } : null;
}

function listenerJson(l: QuicListener, check: LbCheck): Record<string, unknown> {
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
    suppressed: suppressionJson(check, l),
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
    listeners: check.configs.flatMap((c) => c.listeners.map((l) => listenerJson(l, check))),
    skipped: (check.skipped ?? []).map((s) => ({
      file: s.listener.location.file,
      line: s.listener.location.line,
      column: s.listener.location.column ?? null,
      kind: s.listener.kind,
      listen: s.listener.listen,
      reason: s.reason,
    })),
    notConfigs: check.notConfigs ?? [],
    problems: (check.problems ?? []).map((p) => ({ file: p.file, line: p.line ?? null, column: p.column ?? null, message: p.message, fatal: p.fatal })),
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
    const ignored = check.suppressed?.get(l);
    const lines = [colour.bold(`${relative(process.cwd(), l.location.file) || l.location.file}:${l.location.line} ${l.kind} ${l.listen}: ${worst(j.verdicts)}${ignored ? ' (ignored)' : ''}`)];
    if (ignored) lines.push(`  ${colour.dim('-')} ignored by ${ignored.kind === 'inSource' ? 'a comment on its line' : '--ignore'}${ignored.reason ? `: ${ignored.reason}` : ''}; it does not fail the check`);
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
  if (check.notConfigs && check.notConfigs.length > 0) {
    const n = check.notConfigs.length;
    const lines = [colour.bold(`Not read: ${n} file${n === 1 ? '' : 's'} in the folders named that hold${n === 1 ? 's' : ''} no config quiclens knows (name one with --kind to read it as a config)`)];
    for (const f of check.notConfigs.slice(0, 20)) lines.push(`  ${colour.dim('-')} ${relative(process.cwd(), f) || f}`);
    if (n > 20) lines.push(`  ${colour.dim('-')} and ${n - 20} more (--format json lists all)`);
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

/** what the SARIF log needs from the run beyond the check itself */
export interface SarifRun {
  /** quiclens's version */
  version: string;
  /** where the load-balancer docs are, ending in `/`: the docs shipped in the package (docs/lb/) */
  docsUri: string;
  /** the exit code the command ends with */
  exitCode: number;
}

/**
 * The two rules, one per verdict that is not `survives`. `help` carries the gist, so a
 * code-scanning page explains the alert without leaving it; `helpUri` the page in full.
 */
function sarifRules(docsUri: string): Record<string, unknown>[] {
  const helpUri = new URL('README.md#the-routing-model', docsUri).href;
  const pages = 'nginx.md, haproxy.md, envoy.md, kubernetes.md, ipvs.md, quic-lb.md';
  return [
    {
      id: 'quic-migration-breaks',
      name: 'QuicMigrationBreaks',
      shortDescription: { text: 'A QUIC client that changes address or port reaches another backend' },
      fullDescription: { text: 'The listener routes by something a moving client changes (its address, its port, the 4-tuple, or nothing at all), so a NAT rebinding or a move from WiFi to LTE lands on a backend that does not hold the connection, and the connection fails (RFC 9000 §9).' },
      defaultConfiguration: { level: 'error' },
      helpUri,
      help: {
        text: `QUIC names a connection by its connection IDs, not by the client's address (RFC 9000 §5.1, §9). A balancer that routes by the client's address, port or 4-tuple sends a client that moves to another backend. Route by connection ID: terminate QUIC with workers steered by CID (nginx quic_bpf, Envoy's QUIC listener) or use a QUIC-LB aware balancer. The result's message names the directive to change; docs/lb/README.md and the page per balancer (${pages}) explain each. To accept the risk for one listener, put "# quiclens: ignore REASON" on its line or pass --ignore FILE:LINE.`,
        markdown: `QUIC names a connection by its connection IDs, not by the client's address (RFC 9000 §5.1, §9). A balancer that routes by the client's address, port or 4-tuple sends a client that moves to another backend.\n\nRoute by connection ID: terminate QUIC with workers steered by CID (nginx \`quic_bpf on\`, Envoy's QUIC listener) or use a QUIC-LB aware balancer. The result's message names the directive to change; [the routing model](${helpUri}) and the page per balancer explain each.\n\nTo accept the risk for one listener, put \`# quiclens: ignore REASON\` on its line or pass \`--ignore FILE:LINE\`.`,
      },
    },
    {
      id: 'quic-migration-conditional',
      name: 'QuicMigrationConditional',
      shortDescription: { text: 'A QUIC client that moves keeps its backend only while a session or affinity entry lives' },
      fullDescription: { text: 'The listener keeps a moving client on its backend only under a condition the config sets: while a session or affinity entry lives, or when the move to the preferred address leads back to the same server (RFC 9000 §9.6).' },
      defaultConfiguration: { level: 'warning' },
      helpUri,
      help: {
        text: `The move survives only under the condition the result's message names (an affinity timeout, a UDP session that idles out, the preferred address leading to the same server). Past it the client reaches another backend. docs/lb/README.md ("The routing model") and the page per balancer (${pages}) explain each case. To accept it for one listener, put "# quiclens: ignore REASON" on its line or pass --ignore FILE:LINE.`,
        markdown: `The move survives only under the condition the result's message names (an affinity timeout, a UDP session that idles out, the preferred address leading to the same server). Past it the client reaches another backend.\n\n[The routing model](${helpUri}) and the page per balancer explain each case. To accept it for one listener, put \`# quiclens: ignore REASON\` on its line or pass \`--ignore FILE:LINE\`.`,
      },
    },
  ];
}

/**
 * A listener's identity that survives edits around it: the file, the kind and the address it
 * listens on, and its place among the listeners of that file with the same kind and
 * address (nginx repeats `listen 443 quic` in each server block). The line number is left
 * out on purpose: a line added above a listener must not turn its alert into a new one.
 */
function listenerFingerprint(uri: string, l: QuicListener, ordinal: number): string {
  return createHash('sha256').update([uri, l.kind, l.listen, String(ordinal)].join('\0')).digest('hex').slice(0, 32);
}

/** SARIF's relative uris are against %SRCROOT%, the folder the check ran in */
function artifactLocation(file: string): Record<string, unknown> {
  const uri = sarifUri(file);
  return uri.startsWith('file:') ? { uri } : { uri, uriBaseId: '%SRCROOT%' };
}

function notification(p: InputIssue): Record<string, unknown> {
  return {
    level: p.fatal ? 'error' : 'warning',
    message: { text: formatIssue(p) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(p.file),
          ...(p.line !== undefined ? { region: { startLine: p.line, ...(p.column !== undefined ? { startColumn: p.column } : {}) } } : {}),
        },
      },
    ],
  };
}

/**
 * SARIF 2.1.0 for code scanning: one result per listener that does not survive every move,
 * pointing at the line that defines it; a listener skipped by an ignore comment or
 * --ignore is still a result, with its suppression (§3.27.23), so the record shows who
 * accepted what. The invocation tells whether every config was read (§3.20.14) and lists
 * the configs that were not as notifications.
 */
export function lbSarif(check: LbCheck, run: SarifRun): Record<string, unknown> {
  const seen = new Map<string, number>();
  const results = check.configs.flatMap((c) =>
    c.listeners.flatMap((l) => {
      const j = judge(l);
      const w = worst(j.verdicts);
      const uri = sarifUri(l.location.file);
      const same = `${uri}\0${l.kind}\0${l.listen}`;
      const ordinal = seen.get(same) ?? 0;
      seen.set(same, ordinal + 1);
      if (w === 'survives') return [];
      const suppression = check.suppressed?.get(l);
      return [
        {
          ruleId: w === 'breaks' ? 'quic-migration-breaks' : 'quic-migration-conditional',
          ruleIndex: w === 'breaks' ? 0 : 1,
          level: w === 'breaks' ? 'error' : 'warning',
          message: { text: `${l.kind} ${l.listen} routes by ${l.routingKey}: ${j.reasons.join('; ')}${l.advice ? `. Fix: ${l.advice}` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(l.location.file),
                region: { startLine: l.location.line, ...(l.location.column ? { startColumn: l.location.column } : {}) },
              },
            },
          ],
          partialFingerprints: { 'quiclensListener/v1': listenerFingerprint(uri, l, ordinal) },
          ...(suppression
            ? { suppressions: [{ kind: suppression.kind, status: 'accepted', ...(suppression.reason ? { justification: suppression.reason } : {}) }] }
            : {}),
        },
      ];
    }),
  );
  const problems = check.problems ?? [];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'quiclens', version: run.version, informationUri: new URL('README.md', run.docsUri).href, rules: sarifRules(run.docsUri) } },
        invocations: [
          {
            executionSuccessful: !problems.some((p) => p.fatal),
            exitCode: run.exitCode,
            toolExecutionNotifications: problems.map(notification),
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(process.cwd() + '/').href } },
        results,
      },
    ],
  };
}
