import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readBoundedText } from '../wire/bounded-file.js';
import type { InputIssue } from '../wire/input-issue.js';
import { MAX_CONFIG_BYTES } from './config-limits.js';
import type { QuicListener } from './model.js';

/**
 * A listener the user chose not to fail the check on, and why. `inSource` is a comment on
 * the listener's own line of the config; `external` an `--ignore FILE:LINE` on the command
 * line (SARIF 2.1.0 §3.35.2 names the two the same way).
 */
export interface Suppression {
  kind: 'inSource' | 'external';
  /** the reason written with it; an `--ignore` without `=REASON` has none */
  reason: string | null;
}

/** `--ignore FILE:LINE[=REASON]`, as given */
export interface IgnoreSpec {
  arg: string;
  file: string;
  line: number;
  reason: string | null;
}

/**
 * Reads `--ignore FILE:LINE[=REASON]`. The line number is the last `:N` before `=`, so a
 * file name with a colon in it still works; undefined when the argument has no line.
 */
export function parseIgnoreSpec(arg: string): IgnoreSpec | undefined {
  const m = /^(.+?):(\d+)(?:=(.*))?$/s.exec(arg);
  if (!m || Number(m[2]) < 1) return undefined;
  const reason = m[3]?.trim();
  return { arg, file: m[1]!, line: Number(m[2]), reason: reason ? reason : null };
}

/**
 * The ignore comment on a config line: `# quiclens: ignore REASON`. The `#` starts the
 * line or follows a blank, as a comment does in nginx, HAProxy, YAML and ipvsadm-save
 * files (a `#` inside a word or a URL is no comment). JSON has no comments: a JSON config's
 * listener is skipped with `--ignore`.
 */
export function ignoreComment(line: string): { reason: string | null } | undefined {
  const m = /(?:^|\s)#\s*quiclens:\s*ignore(?:\s+(.*?))?\s*$/.exec(line);
  if (!m) return undefined;
  return { reason: m[1] ? m[1] : null };
}

/**
 * The texts of the config files as they were read, by resolved path, for finding ignore
 * comments without reading a file twice (a FIFO cannot be). Only a text with an ignore
 * comment in it needs keeping: `ignoreCommentsIn` says which.
 */
export type ConfigTexts = Map<string, { file: string; text: string }>;

/** keeps a config's text in ConfigTexts: the text itself when it may hold an ignore comment, else '' */
export function keepConfigText(texts: ConfigTexts, file: string, text: string): void {
  texts.set(resolve(file), { file, text: /quiclens:\s*ignore/.test(text) ? text : '' });
}

/**
 * A config file's lines, kept once per file: from the texts read with the configs, or,
 * for a file the reader opened itself (an nginx include), read again when it is a regular
 * file, bounded as the config itself was.
 */
class ConfigLines {
  private readonly texts = new Map<string, { text: string; starts: number[] } | null>();
  constructor(
    private readonly known: ConfigTexts,
    private readonly report: (issue: InputIssue) => void,
  ) {}

  get(file: string): { text: string; starts: number[] } | null {
    let entry = this.texts.get(file);
    if (entry !== undefined) return entry;
    try {
      const text = this.known.get(resolve(file))?.text ?? (statSync(file).isFile() ? readBoundedText(file, { maxBytes: MAX_CONFIG_BYTES, what: 'a load-balancer config file' }) : '');
      const starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      entry = { text, starts };
    } catch {
      this.report({ file, message: 'could not be read again to look for ignore comments: its listeners are judged without them', fatal: false });
      entry = null;
    }
    this.texts.set(file, entry);
    return entry;
  }

  line(file: string, n: number): string | undefined {
    const e = this.get(file);
    if (!e || n < 1 || n > e.starts.length) return undefined;
    const end = n < e.starts.length ? e.starts[n]! - 1 : e.text.length;
    return e.text.slice(e.starts[n - 1]!, end).replace(/\r$/, '');
  }
}

export interface SuppressionResult {
  suppressed: Map<QuicListener, Suppression>;
  /** ignore comments without a reason, and ignores that match no listener (never fatal) */
  issues: InputIssue[];
}

/**
 * Which judged listeners are skipped: an ignore comment on the line `lb check` names for
 * the listener, or an `--ignore` naming that file and line. A comment without a reason
 * skips nothing (the reason is the point: the next reader must learn why). A comment or an
 * `--ignore` on a line where no listener is judged is told, so a stale one does not linger.
 * `texts` are the config files read (ConfigTexts): their comments are looked at too.
 */
export function findSuppressions(listeners: readonly QuicListener[], texts: ConfigTexts, ignores: readonly IgnoreSpec[]): SuppressionResult {
  const issues: InputIssue[] = [];
  const lines = new ConfigLines(texts, (i) => issues.push(i));
  const suppressed = new Map<QuicListener, Suppression>();
  const listenerLines = new Set<string>();
  const key = (file: string, line: number) => `${resolve(file)}\0${line}`;

  for (const l of listeners) {
    const { file, line } = l.location;
    listenerLines.add(key(file, line));
    const comment = ignoreComment(lines.line(file, line) ?? '');
    if (comment && comment.reason !== null) suppressed.set(l, { kind: 'inSource', reason: comment.reason });
  }
  const external = new Map<string, IgnoreSpec>();
  for (const spec of ignores) external.set(key(spec.file, spec.line), spec);
  for (const l of listeners) {
    const spec = external.get(key(l.location.file, l.location.line));
    if (spec && !suppressed.has(l)) suppressed.set(l, { kind: 'external', reason: spec.reason });
  }

  // every ignore comment in the files read: one without a reason, or on no judged listener's line
  const seen = new Set<string>();
  for (const file of [...[...texts.values()].map((t) => t.file), ...listeners.map((l) => l.location.file)]) {
    if (seen.has(resolve(file))) continue;
    seen.add(resolve(file));
    const e = lines.get(file);
    if (!e) continue;
    for (let n = 1; n <= e.starts.length; n++) {
      const text = lines.line(file, n)!;
      if (!text.includes('quiclens')) continue;
      const comment = ignoreComment(text);
      if (!comment) continue;
      if (!listenerLines.has(key(file, n))) {
        issues.push({ file, line: n, message: 'an ignore comment on a line where lb check judges no listener: it skips nothing (put it on the line the report names for the listener)', fatal: false });
      } else if (comment.reason === null) {
        issues.push({ file, line: n, message: 'an ignore comment needs a reason (# quiclens: ignore REASON): the listener is judged as if it were not there', fatal: false });
      }
    }
  }
  for (const spec of ignores) {
    if (!listenerLines.has(key(spec.file, spec.line))) {
      issues.push({ file: spec.file, line: spec.line, message: `--ignore ${spec.arg}: no listener is judged at this line, so it skips nothing`, fatal: false });
    }
  }
  return { suppressed, issues };
}
