import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';
import { npm, offlineNpmEnv, PACKAGE_JSON, packQuiclens } from '../support/package.js';

const scratch = mkdtempSync(join(tmpdir(), 'quiclens-package-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the npm package, as a CI job installs it', () => {
  const tarball = packQuiclens(scratch);
  const prefix = join(scratch, 'prefix');
  const env = offlineNpmEnv(prefix);

  it('holds the built CLI, the docs and its dependencies, and nothing of the sources or tests', () => {
    const list = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    for (const f of ['package/bin/quiclens.js', 'package/dist/cli.js', 'package/dist/report-page/page.global.js', 'package/docs/lb/README.md', 'package/docs/ci.md', 'package/package.json']) expect(list).toContain(f);
    // bundled, so that installing needs no registry
    for (const dep of ['yargs', 'yaml', 'cli-table3', 'pcap-parser', 'hpack.js', 'bullmq', 'ioredis']) expect(list).toContain(`package/node_modules/${dep}/package.json`);
    expect(list.filter((f) => /^package\/(src|test|captures|scripts)\//.test(f))).toEqual([]);
    expect(PACKAGE_JSON.engines.node).toBe('>=20');
    expect(readFileSync(join(REPO, PACKAGE_JSON.bin.quiclens!), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('npm install -g of the tarball works offline into a fresh prefix; quiclens --version and lb check run from it', () => {
    npm(['install', '-g', tarball], scratch, env);
    const bin = join(prefix, 'bin', 'quiclens');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8', env, cwd: scratch });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(PACKAGE_JSON.version);

    const work = join(scratch, 'work');
    mkdirSync(work);
    copyFileSync(join(REPO, 'test/lb/configs/nginx-stream-rr.conf'), join(work, 'nginx.conf'));
    const check = spawnSync(bin, ['lb', 'check', '.', '--format', 'sarif'], { encoding: 'utf8', env, cwd: work });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(1);
    const sarif = JSON.parse(check.stdout);
    expect(sarif.runs[0].tool.driver.version).toBe(PACKAGE_JSON.version);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['quic-migration-breaks']);
    // the rules' help points into the installed copy's own docs, which are there
    const help = fileURLToPath(sarif.runs[0].tool.driver.rules[0].helpUri.replace(/#.*$/, ''));
    expect(help).toBe(join(prefix, 'lib', 'node_modules', 'quiclens', 'docs', 'lb', 'README.md'));
    expect(existsSync(help)).toBe(true);

    // index and query need DuckDB, an optional dependency the offline tarball leaves out: said plainly, exit 2
    const query = spawnSync(bin, ['query', 'SELECT 1', '--db', 'fleet.duckdb'], { encoding: 'utf8', env, cwd: work });
    expect(query.status).toBe(2);
    expect(query.stderr).toMatch(/^quiclens: this command needs the package @duckdb\/node-api, which is not installed/);

    // the job queue's packages (BullMQ, ioredis) are bundled: queue status runs, and finds no Redis on a closed port
    const status = spawnSync(bin, ['queue', 'status', '--redis', 'redis://127.0.0.1:1'], { encoding: 'utf8', env, cwd: work });
    expect(status.stderr).toBe('quiclens: cannot use Redis at redis://127.0.0.1:1: connection refused: nothing listens there\n');
    expect(status.status).toBe(2);
  }, 300_000);

  it('npx runs it from the tarball, offline', () => {
    const r = spawnSync('npx', ['--yes', '--package', tarball, '--', 'quiclens', '--version'], { encoding: 'utf8', env: offlineNpmEnv(join(scratch, 'npx')), cwd: scratch });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(PACKAGE_JSON.version);
  }, 300_000);
});
