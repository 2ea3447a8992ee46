import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../support/captures.js';
import { offlineNpmEnv, PACKAGE_JSON, packQuiclens } from '../support/package.js';
import { FIXTURES } from '../support/vectors.js';

/**
 * docs/ci.md's jobs, run as written: every `run:` step of a GitHub Actions workflow and
 * every `script:` line of a GitLab CI job, in bash with `-eo pipefail` as both run them, in
 * a scratch repository laid out as the doc assumes (tools/, deploy/lb/, captures/). Steps
 * that `uses:` an action are not run; the files they upload are checked instead.
 */

interface Step {
  command?: string;
  always: boolean;
}
interface Job {
  platform: 'github' | 'gitlab';
  name: string;
  env: Record<string, string>;
  steps: Step[];
  /** files the job hands on: the SARIF upload, artifacts, a JUnit report */
  outputs: string[];
}

function jobsOf(markdown: string): Job[] {
  const blocks = [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => parse(m[1]!) as Record<string, unknown>);
  const jobs: Job[] = [];
  for (const doc of blocks) {
    if (doc.jobs) {
      const env = (doc.env ?? {}) as Record<string, string>;
      for (const [name, job] of Object.entries(doc.jobs as Record<string, { env?: Record<string, string>; steps: Record<string, unknown>[] }>)) {
        const steps: Step[] = [];
        const outputs: string[] = [];
        for (const s of job.steps) {
          const always = s.if === 'always()';
          if (typeof s.run === 'string') steps.push({ command: s.run, always });
          const withs = (s.with ?? {}) as Record<string, string>;
          if (withs.sarif_file) outputs.push(withs.sarif_file);
          if (String(s.uses).startsWith('actions/upload-artifact') && withs.path) outputs.push(withs.path);
        }
        jobs.push({ platform: 'github', name, env: { ...env, ...job.env }, steps, outputs });
      }
    } else {
      for (const [name, job] of Object.entries(doc as Record<string, { variables?: Record<string, string>; script: string[]; artifacts?: { paths?: string[]; reports?: { junit?: string } } }>)) {
        const outputs = [...(job.artifacts?.paths ?? []), ...(job.artifacts?.reports?.junit ? [job.artifacts.reports.junit] : [])];
        jobs.push({ platform: 'gitlab', name, env: job.variables ?? {}, steps: job.script.map((command) => ({ command, always: false })), outputs });
      }
    }
  }
  return jobs;
}

interface JobRun {
  /** the exit code of each command run, in order */
  codes: number[];
  output: string;
}

/** a job as its runner would: steps in order; after a failure only `if: always()` steps */
function runJob(job: Job, repo: string, env: NodeJS.ProcessEnv, installed: Set<string>): JobRun {
  const codes: number[] = [];
  let output = '';
  let failed = false;
  for (const step of job.steps) {
    if (!step.command || (failed && !step.always)) continue;
    const jobEnv = { ...env, ...job.env };
    // the same install into the same prefix is done once for all jobs: npm takes seconds per install here
    if (/^npm install -g /.test(step.command) && installed.has(step.command)) {
      codes.push(0);
      continue;
    }
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.command], { cwd: repo, env: jobEnv, encoding: 'utf8' });
    output += `$ ${step.command}\n${r.stdout}${r.stderr}`;
    codes.push(r.status ?? -1);
    if (r.status !== 0) failed = true;
    else if (/^npm install -g /.test(step.command)) installed.add(step.command);
  }
  return { codes, output };
}

const scratch = mkdtempSync(join(tmpdir(), 'quiclens-ci-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const jobs = jobsOf(readFileSync(join(REPO, 'docs', 'ci.md'), 'utf8'));

function validSarif(file: string): boolean {
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  return ajv.validate(JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')), JSON.parse(readFileSync(file, 'utf8')));
}

/** the counts a JUnit report's root element gives (what GitLab and JUnit reporters read) */
function junitCounts(file: string): { tests: number; failures: number } {
  const xml = readFileSync(file, 'utf8');
  expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  const root = /<testsuites [^>]*tests="(\d+)" failures="(\d+)"/.exec(xml)!;
  return { tests: Number(root[1]), failures: Number(root[2]) };
}

/** a repository as docs/ci.md assumes it: the package under tools/, configs, a capture */
function repository(name: string, configs: string[], capture: string): string {
  const repo = join(scratch, name);
  const place = (from: string, to: string) => {
    mkdirSync(dirname(join(repo, to)), { recursive: true });
    copyFileSync(from, join(repo, to));
  };
  place(tarball, `tools/${PACKAGE_JSON.name}-${PACKAGE_JSON.version}.tgz`);
  for (const c of configs) place(join(REPO, 'test/lb/configs', c), `deploy/lb/${c}`);
  place(join(REPO, 'captures', capture, `${capture}.pcap`), 'captures/smoke.pcap');
  place(join(REPO, 'captures', capture, 'keys.log'), 'captures/smoke.keys.log');
  return repo;
}

const tarball = packQuiclens(scratch);
const env = offlineNpmEnv(join(scratch, 'prefix'));
const installed = new Set<string>();

describe('docs/ci.md', () => {
  it('has the jobs it promises: lb check, summary --fail-on and check, for GitHub Actions and GitLab CI', () => {
    const kinds = jobs.map((j) => `${j.platform} ${j.steps.map((s) => s.command ?? '').join(' ').match(/quiclens (lb check|summary|check)/)?.[1]}`);
    expect(kinds.sort()).toEqual(['github check', 'github lb check', 'github summary', 'gitlab check', 'gitlab lb check', 'gitlab summary']);
    // the package they install is the one this checkout packs
    for (const j of jobs) expect(j.env.QUICLENS_PACKAGE).toBe(`./tools/${PACKAGE_JSON.name}-${PACKAGE_JSON.version}.tgz`);
  });

  it('every job passes on a repository whose configs keep moving clients and whose capture has no warning', () => {
    const repo = repository('good', ['quic-lb.yaml'], 'handshake');
    for (const job of jobs) {
      const run = runJob(job, repo, env, installed);
      expect(run.codes.every((c) => c === 0), `${job.platform} ${job.name}:\n${run.output}`).toBe(true);
      for (const out of job.outputs) {
        expect(existsSync(join(repo, out)), `${job.name}: ${out}`).toBe(true);
        if (out.endsWith('.sarif')) expect(validSarif(join(repo, out))).toBe(true);
        if (out.endsWith('.xml')) expect(junitCounts(join(repo, out))).toEqual({ tests: 2, failures: 0 });
      }
    }
  }, 600_000);

  // zero-rtt-post holds two connections, so the handshake case (one handshake) fails too
  it('every job fails on a round-robin UDP proxy and a replayable 0-RTT POST, and still leaves its reports', () => {
    const repo = repository('bad', ['nginx-stream-rr.conf', 'quic-lb.yaml'], 'zero-rtt-post');
    for (const job of jobs) {
      const run = runJob(job, repo, env, installed);
      expect(run.codes, `${job.platform} ${job.name}:\n${run.output}`).toContain(1);
      for (const out of job.outputs) {
        expect(existsSync(join(repo, out)), `${job.name}: ${out}`).toBe(true);
        if (out.endsWith('.sarif')) {
          expect(validSarif(join(repo, out))).toBe(true);
          const sarif = JSON.parse(readFileSync(join(repo, out), 'utf8'));
          expect(sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['deploy/lb/nginx-stream-rr.conf']);
        }
        if (out.endsWith('.xml')) expect(junitCounts(join(repo, out)).failures).toBeGreaterThan(0);
      }
      if (/summary/.test(run.output)) expect(run.output).toMatch(/zero_rtt_non_idempotent/);
    }
  }, 600_000);
});
