import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

// --jobs (src/cli/each-file.ts): each file on its own in a worker thread, output in input order
function quiclens(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, COLUMNS: '', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// small ones first and a large one (gap.pcap) early, so a later file finishes before an earlier one
const FILES = ['captures/retry/retry.pcap', 'captures/gap/gap.pcap', 'captures/handshake/handshake.pcap', 'captures/multi/multi.pcap', 'captures/ipv6/ipv6.pcap'];

/** each file read alone, its packets' lines naming it, one after the other */
function alone(files: string[]): string {
  return files
    .map((f) =>
      quiclens(['packets', f, '--format', 'ndjson'])
        .out.trimEnd()
        .split('\n')
        .map((l) => JSON.stringify({ ...JSON.parse(l), input: f }))
        .join('\n'),
    )
    .join('\n');
}

describe('--jobs', () => {
  const expected = alone(FILES);

  it('packets: each file as if read alone, in input order, each line naming its file', () => {
    const r = quiclens(['packets', ...FILES, '--format', 'ndjson', '--jobs', '2']);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd()).toBe(expected);
  });

  it('keeps the order when later files wait on disk (the held output spilled to a temp file)', () => {
    const r = quiclens(['packets', ...FILES, '--format', 'ndjson', '--jobs', '3'], { QUICLENS_JOBS_HOLD_BYTES: '4096' });
    expect(r.code).toBe(0);
    expect(r.out.trimEnd()).toBe(expected);
  });

  it('summary --format json: an array with one document per file, in input order', () => {
    const r = quiclens(['summary', ...FILES, '--format', 'json', '--jobs', '2']);
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.out) as { inputs: { path: string }[] }[];
    expect(docs.map((d) => d.inputs.map((i) => i.path))).toEqual(FILES.map((f) => [f]));
  });

  it('a table names each file above its rows', () => {
    const r = quiclens(['summary', 'captures/retry/retry.pcap', 'captures/multi/multi.pcap', '--jobs', '2', '--no-color']);
    const heads = r.out.split('\n').filter((l) => l.startsWith('==> '));
    expect(heads).toEqual(['==> captures/retry/retry.pcap <==', '==> captures/multi/multi.pcap <==']);
  });

  it('a file that cannot be read is named, the others still printed, and the run exits 2', () => {
    const r = quiclens(['summary', 'captures/retry/retry.pcap', '/nonexistent.pcap', 'captures/multi/multi.pcap', '--format', 'ndjson', '--jobs', '2']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('/nonexistent.pcap');
    expect(r.out.trimEnd().split('\n').map((l) => JSON.parse(l).inputs[0].path)).toEqual(['captures/retry/retry.pcap', 'captures/multi/multi.pcap']);
  });

  it('exits 1 when one file has a finding asked to fail on, as a run over that file alone does', () => {
    const alone = quiclens(['summary', 'captures/zero-rtt/zero-rtt.pcap', '--fail-on', 'info']).code;
    const r = quiclens(['summary', 'captures/retry/retry.pcap', 'captures/zero-rtt/zero-rtt.pcap', '--fail-on', 'info', '--jobs', '2']);
    expect(r.code).toBe(alone);
  });

  it('refuses what has no meaning file by file: --connection, packets --format json, standard input', () => {
    expect(quiclens(['packets', ...FILES, '--connection', '1', '--jobs', '2'])).toMatchObject({ code: 2, err: expect.stringContaining('--connection') });
    expect(quiclens(['packets', ...FILES, '--format', 'json', '--jobs', '2'])).toMatchObject({ code: 2, err: expect.stringContaining('ndjson') });
    expect(quiclens(['summary', '-', '--jobs', '2'])).toMatchObject({ code: 2, err: expect.stringContaining('--jobs reads files') });
  });

  it('--jobs expects a whole number', () => {
    expect(quiclens(['summary', ...FILES, '--jobs', 'two'])).toMatchObject({ code: 2, err: expect.stringContaining('--jobs') });
  });
});
