import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';
import { repeatRecord } from '../support/replay-capture.js';

// the built command, as a CI job runs it (npm test builds first)
function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CASES = ['handshake', 'transfer', 'retry', 'resumption', 'zerortt', 'keyupdate', 'rebind-port', 'rebind-addr', 'connectionmigration', 'amplificationlimit', 'ecn', 'v2'];

/**
 * What each sample capture's scenario did (captures/README.md), as verdicts in the order of
 * CASES: P pass, F fail. docs/check.md shows the same table.
 */
const EXPECTED: Record<string, string> = {
  handshake: 'P P F F F F F F F P P F',
  retry: 'F P P F F F F F F P P F',
  'zero-rtt': 'F F F P P F F F F F F F',
  'key-update': 'P P F F F P F F F P P F',
  migration: 'P P F F F F P F P P P F',
  'nat-rebinding': 'P P F F F F P F F P P F',
  'wifi-to-lte': 'P P F F F F F P P P P F',
  'preferred-address': 'P P F F F F F F P P P F',
  'v2-draft': 'P P F F F F F F F P P P',
  'compat-vn': 'P P F F F F F F F P P P',
  multi: 'F F F F F F F F F F F F',
  'nginx-lb': 'P F F F F F F F F P F F',
};

interface Verdict {
  case: string;
  verdict: 'pass' | 'fail' | 'unknown';
  reason: string;
  frames: number[];
  connections: number[];
}
interface Doc {
  expected: string[];
  captures: { path: string; readable: boolean; connections: number; verdicts: Verdict[] }[];
  totals: { pass: number; fail: number; unknown: number };
}

const letter = (v: Verdict) => v.verdict[0]!.toUpperCase();

describe('quiclens check over the sample captures', { timeout: 300_000 }, () => {
  const names = Object.keys(EXPECTED);
  const args = names.flatMap((n) => [`captures/${n}/${n}.pcap`, '--keylog', `captures/${n}/keys.log`]);
  const run = quiclens('check', ...args, '--expect', CASES.join(','), '--format', 'json');
  const doc = JSON.parse(run.out) as Doc;
  const byName = (n: string) => doc.captures.find((c) => c.path === `captures/${n}/${n}.pcap`)!;

  it('judges every case of every capture as its scenario did, with the key logs', () => {
    expect(run.err).toBe('');
    expect(doc.expected).toEqual(CASES);
    const got = Object.fromEntries(names.map((n) => [n, byName(n).verdicts.map(letter).join(' ')]));
    expect(got).toEqual(EXPECTED);
    // a failure anywhere: exit 1
    expect(run.code).toBe(1);
  });

  it('gives the reason and the records of each verdict', () => {
    const verdict = (n: string, c: string) => byName(n).verdicts.find((v) => v.case === c)!;
    // the Retry is frame 2, the client's Initial with its token frame 3 (captures/README.md)
    expect(verdict('retry', 'retry').reason).toContain("the client's Initial (frame 3) echoes the token of the Retry (frame 2)");
    expect(verdict('retry', 'retry').frames).toEqual(expect.arrayContaining([2, 3]));
    expect(verdict('retry', 'handshake').reason).toContain('the server sent a Retry (frame 2)');
    expect(verdict('handshake', 'retry').reason).toBe('the server sent no Retry');
    // nat-rebinding keeps its DCID on the new port (frame 15): no connection migration
    expect(verdict('nat-rebinding', 'connectionmigration')).toMatchObject({ verdict: 'fail', frames: [15] });
    expect(verdict('nat-rebinding', 'rebind-port').reason).toMatch(/the server's first packet on 127\.0\.0\.1:4433 → 127\.0\.0\.1:\d+ \(frame 16\) carries a PATH_CHALLENGE/);
    // nginx-lb: the client's challenges from its new port went to a backend that never saw the connection (frame 27 on)
    const nginx = verdict('nginx-lb', 'connectionmigration');
    expect(nginx.reason).toContain('(frame 27) was never answered');
    expect(nginx.frames[0]).toBe(27);
    // the multi capture holds three clients: three handshakes where the runner wants one
    expect(verdict('multi', 'handshake').reason).toContain('3 handshakes (distinct server Initial SCIDs), 1 expected');
    expect(verdict('zero-rtt', 'zerortt').reason).toContain('the server accepted 0-RTT');
    expect(verdict('zero-rtt', 'resumption').reason).toContain('connection 2: no Certificate in the second handshake');
    expect(verdict('key-update', 'keyupdate').reason).toMatch(/the client changed key phase .*the server changed key phase/);
    expect(verdict('compat-vn', 'v2').reason).toContain('compatible version negotiation');
    expect(verdict('v2-draft', 'v2').reason).toContain('the client started in QUIC v2 draft');
  });
});

describe('quiclens check without keys', { timeout: 300_000 }, () => {
  it('is unknown where a case needs decrypted frames, and fails on what the headers prove', () => {
    const run = quiclens('check', 'captures/migration/migration.pcap', 'captures/nat-rebinding/nat-rebinding.pcap', '--expect', 'handshake,transfer,keyupdate,rebind-port,connectionmigration,amplificationlimit', '--format', 'json');
    const doc = JSON.parse(run.out) as Doc;
    expect(doc.captures.map((c) => c.verdicts.map(letter).join(' '))).toEqual(['P U U U U P', 'P U U U F P']);
    expect(doc.captures[0]!.verdicts[1]!.reason).toContain('encrypted: no key log for this connection');
    // an unknown fails the run unless --allow-unknown; here a proven failure does anyway
    expect(run.code).toBe(1);
    expect(run.err).toBe('');
  });

  it('exits 1 on unknown, 0 with --allow-unknown', () => {
    const strict = quiclens('check', 'captures/migration/migration.pcap', '--expect', 'handshake,keyupdate');
    expect(strict.code).toBe(1);
    expect(strict.err).toContain('1 case could not be judged (unknown): exit 1; --allow-unknown accepts them');
    const lenient = quiclens('check', 'captures/migration/migration.pcap', '--expect', 'handshake,keyupdate', '--allow-unknown');
    expect(lenient.code).toBe(0);
    expect(lenient.out).toMatch(/keyupdate\s+│ unknown/);
  });
});

describe('quiclens check: exit codes and JUnit', { timeout: 300_000 }, () => {
  it('exits 0 when every case passes', () => {
    const r = quiclens('check', 'captures/retry/retry.pcap', '--keylog', 'captures/retry/keys.log', '--expect', 'retry,transfer');
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 pass, 0 fail, 0 unknown');
  });

  it('fails amplificationlimit where the server sent more than three times what it received', () => {
    // the handshake capture with the server's first flight (record 2, 1200 bytes) sent four times
    // before the client's Handshake packet: 4800 bytes against 3 × 1271 received
    const out = join(mkdtempSync(join(tmpdir(), 'quiclens-check-')), 'amplified.pcap');
    repeatRecord(join(REPO, 'captures/handshake/handshake.pcap'), 2, 3, out);
    const r = quiclens('check', out, '--expect', 'amplificationlimit,handshake', '--format', 'json');
    const doc = JSON.parse(r.out) as Doc;
    const [amp, hs] = doc.captures[0]!.verdicts;
    expect(amp).toMatchObject({ verdict: 'fail', frames: [5] });
    expect(amp!.reason).toContain('the server sent 4800 bytes');
    expect(hs!.verdict).toBe('pass');
    expect(r.code).toBe(1);
  });

  it('writes JUnit XML: a suite per capture, a failure with its reason, unknown as skipped', () => {
    const r = quiclens('check', 'captures/retry/retry.pcap', 'captures/migration/migration.pcap', '--expect', 'retry,keyupdate', '--format', 'junit');
    expect(r.code).toBe(1);
    const xml = r.out;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="quiclens check" tests="4" failures="1" errors="0" skipped="2">')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toContain('<testsuite name="captures/retry/retry.pcap" tests="2" failures="0" errors="0" skipped="1">');
    expect(xml).toContain('<testcase classname="captures/migration/migration.pcap" name="retry">\n      <failure message="the server sent no Retry" type="fail">');
    expect(xml).toMatch(/<testcase classname="captures\/retry\/retry.pcap" name="keyupdate">\n {6}<skipped message="unknown: the client&apos;s key phase is under header protection/);
    // every element opened is closed, in order
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
      if (m[3] === '/') continue;
      if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
  });

  it('names an unreadable capture as an error and exits 2', () => {
    const r = quiclens('check', 'captures/no-such.pcap', '--expect', 'handshake', '--format', 'junit');
    expect(r.code).toBe(2);
    expect(r.out).toContain('errors="1"');
    expect(r.out).toMatch(/<testcase classname="captures\/no-such.pcap" name="read captures\/no-such.pcap">\n {6}<error message="captures\/no-such.pcap: /);
    expect(r.err).toContain('captures/no-such.pcap');
  });

  it('refuses a case it does not know, and a missing --expect, as usage errors (exit 2)', () => {
    const bad = quiclens('check', 'captures/handshake/handshake.pcap', '--expect', 'handshake,zero-rtt');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--expect: no test case 'zero-rtt'; the test cases are handshake, transfer,");
    const none = quiclens('check', 'captures/handshake/handshake.pcap');
    expect(none.code).toBe(2);
    expect(none.err).toContain('--expect');
  });
});
