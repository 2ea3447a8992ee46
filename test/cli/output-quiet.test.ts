import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const MIGRATION = 'captures/migration/migration.pcap';
const fresh = () => mkdtempSync(join(tmpdir(), 'quiclens-output-'));

describe('--output FILE', () => {
  it('writes what stdout would have held, and nothing to stdout', () => {
    const dir = fresh();
    const stdout = quiclens('packets', MIGRATION, '--format', 'ndjson').out;
    const r = quiclens('packets', MIGRATION, '--format', 'ndjson', '--output', join(dir, 'p.ndjson'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(readFileSync(join(dir, 'p.ndjson'), 'utf8')).toBe(stdout);
    // no temporary file is left beside it
    expect(readdirSync(dir)).toEqual(['p.ndjson']);
  });

  it('on every command: lb check, export qlog (its list of files), crosscheck, -o for short', () => {
    const dir = fresh();
    expect(quiclens('lb', 'check', 'captures/nginx-lb/nginx.conf', '--quic-port', '4433', '--format', 'json', '-o', join(dir, 'lb.json')).code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'lb.json'), 'utf8')).listeners[0].routingKey).toBe('source_address_port');
    const e = quiclens('export', 'qlog', MIGRATION, '--out', join(dir, 'q'), '--output', join(dir, 'files.txt'), '--quiet');
    expect(e.code).toBe(0);
    expect(e.out).toBe('');
    expect(readFileSync(join(dir, 'files.txt'), 'utf8').trim().split('\n').map((f) => f.replace(`${dir}/q/`, ''))).toEqual(readdirSync(join(dir, 'q')).sort());
    const c = quiclens('crosscheck', 'captures/retry/retry.pcap', 'captures/retry/qlog', '--keylog', 'captures/retry/keys.log', '--format', 'json', '-o', join(dir, 'cc.json'));
    expect(c.out).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'cc.json'), 'utf8'))).toHaveProperty('capture');
  });

  it('-o - is stdout', () => {
    expect(quiclens('packets', MIGRATION, '--fields', 'frame', '--filter', 'frame == 1', '-o', '-').out).toBe('frame\n1\n');
  });

  it('writes a table without colour', () => {
    const dir = fresh();
    quiclens('summary', MIGRATION, '--output', join(dir, 's.txt'));
    const text = readFileSync(join(dir, 's.txt'), 'utf8');
    expect(text).toContain('127.0.0.1:4433');
    expect(text).not.toContain('\x1b[');
  });

  it('keeps the exit code, and writes the file with exit 1 (--fail-on) as stdout would', () => {
    const dir = fresh();
    const r = quiclens('summary', 'captures/zero-rtt-post/zero-rtt-post.pcap', '--keylog', 'captures/zero-rtt-post/keys.log', '--fail-on', 'warning', '--format', 'json', '-o', join(dir, 's.json'));
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).findings[0].code).toBe('zero_rtt_non_idempotent');
  });

  it('a path that cannot be written is exit 2 in one plain line, before any input is read', () => {
    const dir = fresh();
    const missing = quiclens('summary', MIGRATION, '--output', join(dir, 'no-such', 's.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`quiclens: --output ${join(dir, 'no-such', 's.json')}: cannot write it: no such folder: ${join(dir, 'no-such')}\n`);
    const folder = quiclens('summary', MIGRATION, '--output', dir);
    expect(folder.code).toBe(2);
    expect(folder.err).toContain('cannot write it: it is a folder, expected a file name');
    // /sys takes no new files, for root too
    const refused = quiclens('packets', MIGRATION, '--output', '/sys/quiclens-test.txt');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^quiclens: --output \/sys\/quiclens-test\.txt: cannot write it: (permission denied|no file can be made)/);
  });

  it('refuses to overwrite an input', () => {
    const dir = fresh();
    const copy = join(dir, 'm.pcap');
    writeFileSync(copy, readFileSync(join(REPO, MIGRATION)));
    const r = quiclens('summary', copy, '--output', copy);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is also an input');
    expect(statSync(copy).size).toBe(statSync(join(REPO, MIGRATION)).size);
  });

  it('an earlier file stays whole until the new one is complete', async () => {
    const dir = fresh();
    const target = join(dir, 'p.ndjson');
    writeFileSync(target, 'earlier\n');
    // packets from a pipe that stays open: the command is still writing when the file is read
    const child = spawn('node', [join(REPO, 'bin/quiclens.js'), 'packets', '-', '--format', 'ndjson', '-o', target], { cwd: REPO });
    child.stdin.write(readFileSync(join(REPO, MIGRATION)));
    // the temporary file is made before the first byte is read, the rename waits for the last
    while (!readdirSync(dir).some((f) => f.endsWith('.tmp'))) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    expect(readFileSync(target, 'utf8')).toBe('earlier\n');
    child.stdin.end();
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(readFileSync(target, 'utf8').trim().split('\n')).toHaveLength(216);
    expect(readdirSync(dir)).toEqual(['p.ndjson']);
  });

  it('report: --output is --out', () => {
    const dir = fresh();
    const r = quiclens('report', MIGRATION, '--output', join(dir, 'r.html'));
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(quiclens('report', MIGRATION, '--out', join(dir, 'a.html'), '--output', join(dir, 'b.html')).err).toContain('--out and --output name two files');
  });
});

describe('--quiet', () => {
  it('silences notes: report\'s "wrote", export\'s counts, a folder\'s files passed over', () => {
    const dir = fresh();
    expect(quiclens('report', MIGRATION, '--out', join(dir, 'r.html')).err).toMatch(/wrote /);
    expect(quiclens('report', MIGRATION, '--out', join(dir, 'r.html'), '--quiet').err).toBe('');
    expect(quiclens('export', 'qlog', MIGRATION, '--out', join(dir, 'q')).err).toMatch(/could not be opened \(no keys\)/);
    expect(quiclens('export', 'qlog', MIGRATION, '--out', join(dir, 'q'), '-q').err).toBe('');
    const folder = quiclens('summary', 'captures/retry');
    expect(folder.err).toMatch(/passed over/);
    expect(quiclens('summary', 'captures/retry', '--quiet').err).toBe('');
  });

  it('still tells errors and problems with the inputs', () => {
    const r = quiclens('summary', MIGRATION, 'no-such.pcap', '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no-such.pcap: no such file');
    const key = quiclens('summary', MIGRATION, '--keylog', 'captures/retry/keys.log', '--quiet');
    expect(key.err).toContain('matches no connection');
    expect(quiclens('summary', MIGRATION, '--quiet', '--filter', 'tpye == 1').code).toBe(2);
  });
});
