import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listConfigFolder } from '../../src/lb/config-folder.js';
import { MAX_FOLDER_DEPTH } from '../../src/lb/config-limits.js';
import { ignoreComment, parseIgnoreSpec } from '../../src/lb/suppressions.js';
import { REPO } from '../support/captures.js';

const configs = join(__dirname, 'configs');
const scratch = mkdtempSync(join(tmpdir(), 'quiclens-lb-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `lb check` run in `cwd`, as a CI job runs it from its checkout */
const lb = (cwd: string, ...args: string[]) => spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'lb', 'check', ...args], { encoding: 'utf8', cwd });

/** a copy of one of test/lb/configs with `comment` put at the end of line `line` */
function withComment(from: string, to: string, line: number, comment: string): void {
  const lines = readFileSync(join(configs, from), 'utf8').split('\n');
  lines[line - 1] += ` ${comment}`;
  writeFileSync(to, lines.join('\n'));
}

interface JsonListener {
  file: string;
  line: number;
  kind: string;
  breaksMigration: boolean;
  suppressed: { kind: string; reason: string | null } | null;
}

describe('ignore comments and --ignore, parsed', () => {
  it.each([
    ['    listen 443 udp; # quiclens: ignore staging only', 'staging only'],
    ['  bind quic4@:443 ssl crt x.pem alpn h3 #quiclens: ignore canary (OPS-7)  ', 'canary (OPS-7)'],
    ['    - name: quic # quiclens:ignore behind QUIC-LB', 'behind QUIC-LB'],
    ['-A -u 192.0.2.10:443 -s sh # quiclens: ignore', null],
  ])('%s', (line, reason) => {
    expect(ignoreComment(line)).toEqual({ reason });
  });
  it('a # inside a word or another comment is not one', () => {
    expect(ignoreComment('    server a.example#quiclens: ignore x;')).toBeUndefined();
    expect(ignoreComment('    listen 443 udp; # quiclens checks this')).toBeUndefined();
  });
  it('--ignore FILE:LINE[=REASON], the line being the last :N before =', () => {
    expect(parseIgnoreSpec('lb/nginx.conf:12')).toMatchObject({ file: 'lb/nginx.conf', line: 12, reason: null });
    expect(parseIgnoreSpec('c:/lb/a.yaml:7=known: see OPS-1')).toMatchObject({ file: 'c:/lb/a.yaml', line: 7, reason: 'known: see OPS-1' });
    expect(parseIgnoreSpec('lb/nginx.conf')).toBeUndefined();
    expect(parseIgnoreSpec('lb/nginx.conf:0')).toBeUndefined();
  });
});

describe('lb check DIR', () => {
  // one folder as a repository keeps it: a config per balancer, a subfolder, a README, a hidden folder
  const repo = join(scratch, 'repo');
  mkdirSync(join(repo, 'lb', 'edge', 'k8s'), { recursive: true });
  mkdirSync(join(repo, 'lb', '.old'), { recursive: true });
  mkdirSync(join(repo, 'lb', 'node_modules'), { recursive: true });
  withComment('nginx-stream-rr.conf', join(repo, 'lb', 'nginx.conf'), 8, '# quiclens: ignore staging only, no mobile clients');
  withComment('k8s-services.yaml', join(repo, 'lb', 'edge', 'k8s', 'services.yaml'), 14, '# quiclens: ignore behind a QUIC-LB tier (INFRA-12)');
  withComment('ipvs-rules.txt', join(repo, 'lb', 'edge', 'ipvs.rules'), 1, '# quiclens: ignore');
  copyFileSync(join(configs, 'quic-lb.yaml'), join(repo, 'lb', 'quic-lb.yaml'));
  copyFileSync(join(configs, 'envoy-quic-lb.json'), join(repo, 'lb', 'edge', 'envoy.json'));
  writeFileSync(join(repo, 'lb', 'notes.txt'), 'the edge tier is described in the wiki\n');
  writeFileSync(join(repo, 'lb', 'README.md'), 'stream {\n  listen 443 udp;\n}\n');
  copyFileSync(join(configs, 'nginx-broken.conf'), join(repo, 'lb', '.old', 'nginx.conf'));
  copyFileSync(join(configs, 'nginx-broken.conf'), join(repo, 'lb', 'node_modules', 'nginx.conf'));

  it('walks subfolders in name order, by name then content; hidden folders, node_modules and a README are passed over', () => {
    const r = lb(repo, 'lb', '--format', 'json');
    const doc = JSON.parse(r.stdout);
    expect(doc.configs.map((c: { file: string; kind: string }) => [c.file, c.kind])).toEqual([
      ['lb/edge/envoy.json', 'envoy'],
      ['lb/edge/ipvs.rules', 'ipvs'],
      ['lb/edge/k8s/services.yaml', 'kubernetes'],
      ['lb/nginx.conf', 'nginx'],
      ['lb/quic-lb.yaml', 'quic-lb'],
    ]);
    expect(doc.notConfigs).toEqual(['lb/notes.txt']);
  });

  it('a listener with an ignore comment on its line is suppressed and does not fail; one without a reason is judged and told', () => {
    const r = lb(repo, 'lb', '--format', 'json');
    const listeners = JSON.parse(r.stdout).listeners as JsonListener[];
    const at = (file: string, line: number) => listeners.find((l) => l.file === file && l.line === line)!;
    expect(at('lb/nginx.conf', 8).suppressed).toEqual({ kind: 'inSource', reason: 'staging only, no mobile clients' });
    expect(at('lb/edge/k8s/services.yaml', 14).suppressed).toEqual({ kind: 'inSource', reason: 'behind a QUIC-LB tier (INFRA-12)' });
    expect(at('lb/edge/k8s/services.yaml', 31).suppressed).toBeNull();
    expect(at('lb/edge/ipvs.rules', 1)).toMatchObject({ breaksMigration: true, suppressed: null });
    expect(r.stderr).toMatch(/^quiclens: lb\/edge\/ipvs\.rules \(line 1\): an ignore comment needs a reason/m);
    // the other listeners still break: exit 1
    expect(r.status).toBe(1);
  });

  it('--ignore skips the rest, with or without a reason; only then does the check pass', () => {
    const rest = JSON.parse(lb(repo, 'lb', '--format', 'json').stdout).listeners.filter((l: JsonListener) => l.breaksMigration && !l.suppressed) as JsonListener[];
    expect(rest.length).toBeGreaterThan(2);
    const ignores = rest.flatMap((l, i) => ['--ignore', i === 0 ? `${l.file}:${l.line}=accepted in OPS-9` : `${l.file}:${l.line}`]);
    const r = lb(repo, 'lb', '--format', 'json', ...ignores);
    // the comment without a reason is still told: --ignore does not stand in for it
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/ipvs\.rules \(line 1\): an ignore comment needs a reason/)]);
    expect(r.status).toBe(0);
    const after = JSON.parse(r.stdout).listeners as JsonListener[];
    expect(after.find((l) => l.file === rest[0]!.file && l.line === rest[0]!.line)!.suppressed).toEqual({ kind: 'external', reason: 'accepted in OPS-9' });
    expect(after.filter((l) => l.suppressed?.kind === 'external')).toHaveLength(rest.length);
  });

  it('an --ignore or a comment that skips no listener is told, without failing', () => {
    const dir = join(scratch, 'stale');
    mkdirSync(dir);
    withComment('quic-lb.yaml', join(dir, 'quic-lb.yaml'), 1, '# quiclens: ignore nothing here');
    const r = lb(dir, '.', '--ignore', 'quic-lb.yaml:3');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/quic-lb\.yaml \(line 1\): an ignore comment on a line where lb check judges no listener/);
    expect(r.stderr).toMatch(/quic-lb\.yaml \(line 3\): --ignore quic-lb\.yaml:3: no listener is judged at this line/);
  });

  it('a comment in an nginx include counts, on the line of the listener it holds', () => {
    const dir = join(scratch, 'include');
    mkdirSync(join(dir, 'conf.d'), { recursive: true });
    copyFileSync(join(configs, 'nginx-include', 'nginx.conf'), join(dir, 'nginx.conf'));
    writeFileSync(join(dir, 'conf.d', 'site.conf'), readFileSync(join(configs, 'nginx-include', 'conf.d', 'site.conf'), 'utf8').replace('listen 443 quic reuseport;', 'listen 443 quic reuseport; # quiclens: ignore moving to QUIC-LB in Q3'));
    const r = lb(dir, 'nginx.conf', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).listeners.map((l: JsonListener) => [l.file, l.line, l.suppressed])).toEqual([['conf.d/site.conf', 2, { kind: 'inSource', reason: 'moving to QUIC-LB in Q3' }]]);
  });

  it('a config that cannot be read is told with its place and exits 2; the rest of the folder is still checked', () => {
    const dir = join(scratch, 'broken');
    mkdirSync(dir);
    copyFileSync(join(configs, 'nginx-broken.conf'), join(dir, 'a.conf'));
    copyFileSync(join(configs, 'quic-lb.yaml'), join(dir, 'b.yaml'));
    const r = lb(dir, '.', '--format', 'json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^quiclens: a\.conf \(line \d+, column \d+\): /m);
    const doc = JSON.parse(r.stdout);
    expect(doc.listeners.map((l: JsonListener) => l.file)).toEqual(['b.yaml']);
    expect(doc.problems).toMatchObject([{ file: 'a.conf', fatal: true }]);
  });

  it(`folders nested deeper than ${MAX_FOLDER_DEPTH} are left out, and the files beside them are kept`, () => {
    const top = join(scratch, 'deep');
    let dir = top;
    for (let i = 0; i <= MAX_FOLDER_DEPTH; i++) dir = join(dir, 'd');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(configs, 'quic-lb.yaml'), join(top, 'quic-lb.yaml'));
    const listing = listConfigFolder(top);
    expect(listing.files).toEqual([join(top, 'quic-lb.yaml')]);
    expect(listing.issues).toMatchObject([{ file: top, fatal: true, message: expect.stringMatching(/nested more than 32 deep are not walked/) }]);
  });

  it('a folder that is not there is an error naming it', () => {
    const listing = listConfigFolder(join(scratch, 'missing'));
    expect(listing.issues).toMatchObject([{ file: join(scratch, 'missing'), message: 'no such file', fatal: true }]);
  });
});
