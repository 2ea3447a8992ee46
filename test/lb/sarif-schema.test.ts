import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../support/vectors.js';
import { REPO } from '../support/captures.js';

const configs = join(__dirname, 'configs');
const scratch = mkdtempSync(join(tmpdir(), 'quiclens-sarif-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const lb = (cwd: string, ...args: string[]) => spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'lb', 'check', ...args, '--format', 'sarif'], { encoding: 'utf8', cwd });

/** the OASIS schema (test/fixtures/sarif/PROVENANCE.md), draft-04, with its uri and date-time formats checked */
function sarifValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')));
}

function insertLines(file: string, at: number, lines: string[]): void {
  const all = readFileSync(file, 'utf8').split('\n');
  all.splice(at - 1, 0, ...lines);
  writeFileSync(file, all.join('\n'));
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification?: string }[];
}

describe('lb check --format sarif', () => {
  // results, suppressions of both kinds, a config that cannot be read, a stale --ignore
  const dir = join(scratch, 'repo');
  mkdirSync(join(dir, 'lb'), { recursive: true });
  copyFileSync(join(configs, 'nginx-stream-rr.conf'), join(dir, 'lb', 'nginx.conf'));
  copyFileSync(join(configs, 'k8s-services.yaml'), join(dir, 'lb', 'k8s.yaml'));
  copyFileSync(join(configs, 'quic-lb.yaml'), join(dir, 'lb', 'quic-lb.yaml'));
  copyFileSync(join(configs, 'nginx-broken.conf'), join(dir, 'lb', 'broken.conf'));
  const k8s = readFileSync(join(dir, 'lb', 'k8s.yaml'), 'utf8').split('\n');
  k8s[13] += ' # quiclens: ignore behind a QUIC-LB tier';
  writeFileSync(join(dir, 'lb', 'k8s.yaml'), k8s.join('\n'));
  const run = () => lb(dir, 'lb', '--ignore', 'lb/k8s.yaml:31=sticky for 600 s, accepted', '--ignore', 'lb/quic-lb.yaml:9');

  it('is valid against the SARIF 2.1.0 schema, with results, suppressions and notifications in it', () => {
    const r = run();
    expect(r.status).toBe(2);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // the schema is not toothless: a result without its message is refused
    const broken = structuredClone(log);
    delete broken.runs[0].results[0].message;
    expect(validate(broken)).toBe(false);
  });

  it('invocations: not successful when a config could not be read, with a notification at its place', () => {
    const inv = JSON.parse(run().stdout).runs[0].invocations;
    expect(inv).toHaveLength(1);
    expect(inv[0]).toMatchObject({ executionSuccessful: false, exitCode: 2 });
    const notes = inv[0].toolExecutionNotifications as { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
    expect(notes.map((n) => [n.level, n.locations[0]!.physicalLocation.artifactLocation.uri, n.locations[0]!.physicalLocation.region?.startLine])).toEqual([
      ['error', 'lb/broken.conf', 1],
      ['warning', 'lb/quic-lb.yaml', 9],
    ]);
    expect(notes[0]!.message.text).toMatch(/never closed/);
    // the same folder without the broken config: successful, exit 1 for the listeners that break
    const clean = join(scratch, 'clean');
    mkdirSync(clean);
    copyFileSync(join(configs, 'nginx-stream-rr.conf'), join(clean, 'nginx.conf'));
    const ok = lb(clean, '.');
    expect(ok.status).toBe(1);
    expect(JSON.parse(ok.stdout).runs[0].invocations[0]).toEqual({ executionSuccessful: true, exitCode: 1, toolExecutionNotifications: [] });
  });

  it('suppressed listeners are results with their suppression: inSource from a comment, external from --ignore', () => {
    const results = JSON.parse(run().stdout).runs[0].results as SarifResult[];
    const at = (uri: string, line: number) => results.find((x) => x.locations[0]!.physicalLocation.artifactLocation.uri === uri && x.locations[0]!.physicalLocation.region.startLine === line)!;
    expect(at('lb/k8s.yaml', 14).suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'behind a QUIC-LB tier' }]);
    expect(at('lb/k8s.yaml', 31).suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'sticky for 600 s, accepted' }]);
    expect(at('lb/nginx.conf', 8).suppressions).toBeUndefined();
    expect(at('lb/nginx.conf', 8).locations[0]!.physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
  });

  it('rules carry help text and a helpUri to the docs/lb page shipped with this copy', () => {
    const log = JSON.parse(run().stdout);
    const rules = log.runs[0].tool.driver.rules as { id: string; helpUri: string; help: { text: string; markdown: string } }[];
    expect(rules.map((x) => x.id)).toEqual(['quic-migration-breaks', 'quic-migration-conditional']);
    for (const rule of rules) {
      expect(rule.helpUri).toBe(new URL('docs/lb/README.md#the-routing-model', `file://${REPO}/`).href);
      expect(readFileSync(new URL(rule.helpUri), 'utf8')).toMatch(/^## The routing model$/m);
      expect(rule.help.text).toMatch(/# quiclens: ignore REASON/);
    }
    for (const x of log.runs[0].results as SarifResult[]) expect(rules[x.ruleIndex]!.id).toBe(x.ruleId);
  });

  it('partialFingerprints stay the same when lines are added above a listener, and differ between listeners', () => {
    const before = JSON.parse(run().stdout).runs[0].results as SarifResult[];
    const prints = before.map((x) => x.partialFingerprints['quiclensListener/v1']);
    expect(new Set(prints).size).toBe(before.length);
    // the same tree at another path (uris are relative to where the check runs), lines added above listeners
    const moved = join(scratch, 'moved');
    mkdirSync(join(moved, 'lb'), { recursive: true });
    for (const f of ['nginx.conf', 'k8s.yaml', 'quic-lb.yaml', 'broken.conf']) copyFileSync(join(dir, 'lb', f), join(moved, 'lb', f));
    insertLines(join(moved, 'lb', 'nginx.conf'), 2, ['# a comment added above', '# and another']);
    insertLines(join(moved, 'lb', 'k8s.yaml'), 1, ['# managed by the platform team']);
    const shifted = JSON.parse(lb(moved, 'lb').stdout).runs[0].results as SarifResult[];
    const line = (x: SarifResult) => x.locations[0]!.physicalLocation.region.startLine;
    expect(shifted.map(line)).toEqual(before.map((x) => line(x) + (x.locations[0]!.physicalLocation.artifactLocation.uri === 'lb/nginx.conf' ? 2 : 1)));
    expect(shifted.map((x) => x.partialFingerprints['quiclensListener/v1'])).toEqual(prints);
  });
});
