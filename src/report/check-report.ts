import Table from 'cli-table3';
import type { CaseVerdict, TestCaseName, VerdictStatus } from '../analysis/conformance/test-cases.js';
import type { Palette } from './colour.js';

/** One capture's verdicts: a JUnit testsuite. */
export interface CheckSuite {
  path: string;
  /** pcap, pcapng or qlog; null when the file could not be opened */
  format: string | null;
  records: number;
  connections: number;
  verdicts: CaseVerdict[];
  /** problems reading the input, in words; `readable` false when one stopped it */
  problems: string[];
  readable: boolean;
}

export interface CheckResult {
  expected: TestCaseName[];
  allowUnknown: boolean;
  suites: CheckSuite[];
}

export function totals(r: CheckResult): Record<VerdictStatus, number> {
  const t = { pass: 0, fail: 0, unknown: 0 };
  for (const s of r.suites) for (const v of s.verdicts) t[v.verdict]++;
  return t;
}

/** the frames a verdict rests on, shortened for a table */
function framesText(frames: readonly number[], max = 8): string {
  if (frames.length === 0) return '';
  const shown = frames.slice(0, max).join(', ');
  return frames.length > max ? `${shown}, … (${frames.length - max} more)` : shown;
}

export function checkTable(r: CheckResult, colour: Palette, width = 100): string {
  const paint: Record<VerdictStatus, (s: string) => string> = { pass: colour.green, fail: colour.red, unknown: colour.yellow };
  const reasonWidth = Math.max(30, width - 14 - 9 - 22 - 10);
  const out: string[] = [];
  for (const s of r.suites) {
    const counts = { pass: 0, fail: 0, unknown: 0 };
    for (const v of s.verdicts) counts[v.verdict]++;
    out.push(`${colour.bold(s.path)}: ${s.connections} connection${s.connections === 1 ? '' : 's'}, ${counts.pass} pass, ${counts.fail} fail, ${counts.unknown} unknown${s.readable ? '' : colour.red(' (the input could not be read to its end)')}`);
    const t = new Table({
      head: ['case', 'verdict', 'reason', 'frames'].map(colour.bold),
      colWidths: [22, 9, reasonWidth, 14],
      wordWrap: true,
      style: { head: [], border: [] },
    });
    for (const v of s.verdicts) t.push([v.case, paint[v.verdict](v.verdict), v.reason, framesText(v.frames)]);
    out.push(t.toString(), '');
  }
  const t = totals(r);
  out.push(`${t.pass} pass, ${t.fail} fail, ${t.unknown} unknown${t.unknown > 0 ? (r.allowUnknown ? ' (unknown allowed: --allow-unknown)' : ' (unknown counts as a failure; --allow-unknown accepts it)') : ''}`);
  return out.join('\n') + '\n';
}

/** docs/json.md, `check --format json` */
export function checkToJson(r: CheckResult): Record<string, unknown> {
  return {
    expected: r.expected,
    allowUnknown: r.allowUnknown,
    captures: r.suites.map((s) => ({
      path: s.path,
      format: s.format,
      records: s.records,
      readable: s.readable,
      problems: s.problems,
      connections: s.connections,
      verdicts: s.verdicts.map((v) => ({ case: v.case, verdict: v.verdict, reason: v.reason, frames: v.frames, connections: v.connections })),
    })),
    totals: totals(r),
  };
}

/**
 * XML 1.0 character data: the five markup characters escaped, and the control characters
 * XML 1.0 cannot carry at all (§2.2: only tab, newline and carriage return below 0x20)
 * replaced, so a file name or reason with them still gives a well-formed document.
 */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * JUnit XML as CI systems read it (GitHub's test reporters, GitLab's `artifacts:reports:junit`,
 * Jenkins): one testsuite per capture, one testcase per expected case; a failing case has
 * `<failure>` with the reason, an unknown one `<skipped>` with why; an input that could not
 * be read to its end adds a testcase `read <file>` with `<error>`.
 */
export function checkToJunit(r: CheckResult): string {
  const t = totals(r);
  const errors = r.suites.filter((s) => !s.readable).length;
  const tests = r.suites.reduce((n, s) => n + s.verdicts.length + (s.readable ? 0 : 1), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="quiclens check" tests="${tests}" failures="${t.fail}" errors="${errors}" skipped="${t.unknown}">`,
  ];
  for (const s of r.suites) {
    const fail = s.verdicts.filter((v) => v.verdict === 'fail').length;
    const skipped = s.verdicts.filter((v) => v.verdict === 'unknown').length;
    const name = xmlText(s.path);
    lines.push(`  <testsuite name="${name}" tests="${s.verdicts.length + (s.readable ? 0 : 1)}" failures="${fail}" errors="${s.readable ? 0 : 1}" skipped="${skipped}">`);
    if (!s.readable) {
      const message = s.problems.join('\n') || 'the input could not be read';
      lines.push(`    <testcase classname="${name}" name="read ${name}">`, `      <error message="${xmlText(s.problems[0] ?? message)}">${xmlText(message)}</error>`, '    </testcase>');
    }
    for (const v of s.verdicts) {
      const detail = `${v.reason}${v.frames.length > 0 ? `\nframes: ${v.frames.join(', ')}` : ''}${v.connections.length > 0 ? `\nconnections: ${v.connections.join(', ')}` : ''}`;
      const open = `    <testcase classname="${name}" name="${v.case}">`;
      if (v.verdict === 'fail') lines.push(open, `      <failure message="${xmlText(v.reason)}" type="fail">${xmlText(detail)}</failure>`, '    </testcase>');
      else if (v.verdict === 'unknown') lines.push(open, `      <skipped message="${xmlText(`unknown: ${v.reason}`)}"/>`, `      <system-out>${xmlText(detail)}</system-out>`, '    </testcase>');
      else lines.push(open, `      <system-out>${xmlText(detail)}</system-out>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
