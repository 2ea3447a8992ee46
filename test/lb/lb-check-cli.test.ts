import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

const own = (f: string) => relative(REPO, join(__dirname, 'configs', f));
const lb = (...args: string[]) => spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'lb', 'check', ...args], { encoding: 'utf8', cwd: REPO });

describe('quiclens lb check, as CI runs it', () => {
  it('exit 0 when every listener keeps a moving client', () => {
    const r = lb(own('quic-lb.yaml'), own('nginx-include/nginx.conf'), '--no-color');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/quic_lb_server_id/);
    expect(r.stdout).toMatch(/site\.conf:2/);
  });

  it('SARIF: one result per listener that does not survive, at its file and line, and exit 1', () => {
    const r = lb(own('nginx-stream-rr.conf'), own('quic-lb.yaml'), own('k8s-services.yaml'), '--format', 'sarif');
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results as { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    // the nginx listener and both Services break; the QUIC-LB listener survives and is not reported
    expect(results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.artifactLocation.uri, x.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['quic-migration-breaks', 'test/lb/configs/nginx-stream-rr.conf', 8],
      ['quic-migration-breaks', 'test/lb/configs/k8s-services.yaml', 14],
      ['quic-migration-breaks', 'test/lb/configs/k8s-services.yaml', 31],
    ]);
    expect(results.every((x) => x.level === 'error')).toBe(true);
  });

  it('exit 2 on a config that cannot be read, naming file, line and column, and the others still checked', () => {
    const r = lb(own('nginx-broken.conf'), own('quic-lb.yaml'), '--format', 'json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^quiclens: test\/lb\/configs\/nginx-broken\.conf \(line \d+, column \d+\): /m);
    expect(JSON.parse(r.stdout).listeners.map((l: { kind: string }) => l.kind)).toEqual(['quic-lb']);
  });

  it('--kind overrides detection, and a wrong kind is an error rather than a guess', () => {
    const r = lb(own('ipvs-rules.txt'), '--kind', 'kubernetes', '--format', 'json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ipvs-rules\.txt/);
  });
});

describe('replaying a capture taken on a balancer through another config', () => {
  const capture = ['--capture', 'captures/nginx-lb/nginx-lb.pcap', '--keylog', 'captures/nginx-lb/keys.log', '--format', 'json'];
  it("only the client's leg stands in for the listener: nginx's own flows to its backends are not the client moving", () => {
    const doc = JSON.parse(lb(own('nginx-stream-rr.conf'), ...capture).stdout);
    expect(doc.replay.portsDiffered).toBe(true);
    expect(doc.replay.connections).toMatchObject([{ id: 1, packets: 14, firstMovedFrame: 27 }]);
    expect(doc.replay.connections[0].moved).toMatch(/^the client moved \(127\.0\.0\.1:57846 → 127\.0\.0\.1:47873\)/);
  });
  it('through QUIC-LB, the change from the client-chosen DCID to server CIDs is no move; CIDs no server owns are unroutable', () => {
    const doc = JSON.parse(lb(own('quic-lb.yaml'), ...capture).stdout);
    expect(doc.replay.connections[0].firstMovedFrame).toBeNull();
    expect(doc.replay.connections[0].unroutable.length).toBeGreaterThan(0);
  });
});
