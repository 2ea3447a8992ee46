import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './captures.js';

export const PACKAGE_JSON = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  files: string[];
  engines: { node: string };
};

/** an npm command, failing the test with npm's own words when it fails */
export function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r;
}

/**
 * `npm pack` of this checkout into `dir`, as a release or a CI job makes it; the path of the
 * tarball. The build is the one `npm test` made before (pretest): prepack's own build is
 * skipped, so the test does not build twice.
 */
export function packQuiclens(dir: string): string {
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does) before this test');
  const r = npm(['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], REPO);
  const name = r.stdout.trim().split('\n').pop()!;
  return join(dir, name);
}

/**
 * npm settings for an install that may not reach the network (the tarball bundles its
 * dependencies) and writes only under `prefix`: a global install there, npm's cache beside.
 */
export function offlineNpmEnv(prefix: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    npm_config_prefix: prefix,
    npm_config_cache: join(prefix, '.npm-cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
  };
}
