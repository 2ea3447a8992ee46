import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

// the built command, as a user runs it (npm test builds first)
function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const MULTI = ['captures/multi/multi.pcap', '--keylog', 'captures/multi/keys.log'];
const TWO = [...MULTI, 'captures/ipv6/ipv6.pcap', '--keylog', 'captures/ipv6/keys.log'];

describe('quiclens summary --by', () => {
  it('prints one row per group, with the percentiles of its handshake times', () => {
    const { code, out, err } = quiclens('summary', ...MULTI, '--by', 'sni', '--no-color');
    expect(err).toBe('');
    expect(code).toBe(0);
    // 22.556, 22.88, 23.063 ms: nearest rank p50 = 2nd, p90 = p99 = 3rd
    expect(out).toMatch(/│ localhost │\s+3 │\s+22\.9 \/ 23\.1 \/ 23\.1 │ 1: 3\s+│\s+0 \/ 0 │\s+0 \(0\) │ none\s+│/);
  });

  it('writes one JSON object per group with --format ndjson, and the whole document with json', () => {
    const lines = quiclens('summary', ...TWO, '--by', 'server', '--format', 'ndjson').out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((g) => [g.by, g.key, g.connections])).toEqual([['server', '127.0.0.1:4433', 3], ['server', '[::1]:4433', 1]]);
    const doc = JSON.parse(quiclens('summary', ...TWO, '--by', 'server', '--top', '1', '--format', 'json').out);
    expect(doc).toMatchObject({ by: 'server', top: 1, percentile: 'nearest-rank' });
    expect(doc.inputs.map((i: { path: string }) => i.path)).toEqual(['captures/multi/multi.pcap', 'captures/ipv6/ipv6.pcap']);
    expect(doc.groups.map((g: { keyState: string; connections: number }) => [g.keyState, g.connections])).toEqual([['value', 3], ['other', 1]]);
  });

  it.each([
    [['--top', '2'], '--top needs --by'],
    [['--by', 'sni', '--top', '0'], '--top expects a number of groups'],
    [['--by', 'sni', '--format', 'conn'], '--by groups connections; --format conn writes one line per connection'],
    [['--by', 'cipher'], 'Invalid values'],
  ])('refuses %j as a usage error (exit 2)', (args, message) => {
    const { code, err } = quiclens('summary', ...MULTI, ...args);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});

describe('quiclens summary --format conn', () => {
  it('writes a Zeek-style header block, then one tab-separated line per connection', () => {
    const { code, out } = quiclens('summary', ...MULTI, '--format', 'conn');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('#separator \\x09');
    const fields = lines.find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
    const rows = lines.filter((l) => !l.startsWith('#')).map((l) => l.split('\t'));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toHaveLength(fields.length);
    const row = Object.fromEntries(fields.map((f, i) => [f, rows[0]![i]]));
    expect(row).toMatchObject({ clientAddr: '127.0.0.1', clientPort: '53165', serverPort: '4433', sni: 'localhost', history: 'IihtHTdnC', clientBytes: '5095', serverBytes: '25371', result: 'completed', unknown: '(empty)' });
  });

  it('writes one JSON object per connection with --format conn-ndjson', () => {
    const rows = quiclens('summary', ...MULTI, '--format', 'conn-ndjson').out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.connection, r.clientPort, r.handshakeMs])).toEqual([[1, 53165, 23.063], [2, 35530, 22.556], [3, 55111, 22.88]]);
    expect(rows[0].uid).toMatch(/^Q[0-9a-f]{20}$/);
  });

  it('is summary\'s alone: packets refuses --format conn', () => {
    const { code, err } = quiclens('packets', ...MULTI, '--format', 'conn');
    expect(code).toBe(2);
    expect(err).toContain('Invalid values');
  });
});
