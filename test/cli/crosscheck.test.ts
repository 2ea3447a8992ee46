import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

interface Log {
  vantage: string;
  connection: number | null;
  sent: { logged: number; onWire: number };
  received: { logged: number; onWire: number };
  missingFromCapture: unknown[];
  lostBeforeCapture: unknown[];
  unloggedOnWire: { type: string; explained?: string }[];
  mismatches: { field: string; wire: string; logged: string }[];
  unexplained: number;
}

function crosscheck(scenario: string, qlogs = join(REPO, 'captures', scenario, 'qlog')): { status: number | null; logs: Log[] } {
  const dir = join(REPO, 'captures', scenario);
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'crosscheck', join(dir, `${scenario}.pcap`), qlogs, '--keylog', join(dir, 'keys.log'), '--format', 'json'], { encoding: 'utf8' });
  return { status: r.status, logs: JSON.parse(r.stdout).logs };
}

describe('quiclens crosscheck: endpoint logs against the capture of the same run', () => {
  it('handshake: every packet either side logged is on the wire and agrees, exit 0', () => {
    const { status, logs } = crosscheck('handshake');
    expect(status).toBe(0);
    expect(logs.map((l) => l.vantage).sort()).toEqual(['client', 'server']);
    for (const l of logs) {
      expect(l.sent.logged).toBe(l.sent.onWire);
      expect(l.received.logged).toBe(l.received.onWire);
      expect([l.missingFromCapture, l.lostBeforeCapture, l.unloggedOnWire, l.mismatches]).toEqual([[], [], [], []]);
    }
  });

  it("kernel-drops: packets the peer received but the capture lacks are the capture's drops, not losses", () => {
    const { status, logs } = crosscheck('kernel-drops');
    expect(status).toBe(0);
    for (const l of logs) {
      expect(l.missingFromCapture.length).toBeGreaterThan(50);
      expect(l.lostBeforeCapture).toEqual([]);
      expect(l.sent.logged).toBe(l.sent.onWire + l.missingFromCapture.length);
    }
  });

  it("loss: the endpoints' own simulated loss drops packets before the wire, and the peer never logs them", () => {
    const { status, logs } = crosscheck('loss');
    expect(status).toBe(0);
    for (const l of logs) {
      expect(l.lostBeforeCapture.length).toBeGreaterThan(0);
      expect(l.missingFromCapture).toEqual([]);
    }
  });

  it("retry: the server's Retry is on the wire but in no connection's log, and that is explained", () => {
    const { status, logs } = crosscheck('retry');
    expect(status).toBe(0);
    const server = logs.find((l) => l.vantage === 'server')!;
    expect(server.unloggedOnWire).toEqual([expect.objectContaining({ type: 'retry', explained: expect.stringMatching(/without connection state/) })]);
  });

  it('a log whose frames disagree with the wire is reported field by field, exit 1', () => {
    const src = join(REPO, 'captures', 'handshake', 'qlog');
    const out = mkdtempSync(join(tmpdir(), 'quiclens-crosscheck-'));
    for (const f of readdirSync(src)) {
      // doctor the client's log: its first Initial claims a PING instead of PADDING
      const text = readFileSync(join(src, f), 'utf8');
      writeFileSync(join(out, f), text.includes('"type":"client"') ? text.replace('{"frame_type":"padding"}', '{"frame_type":"ping"}') : text);
    }
    const { status, logs } = crosscheck('handshake', out);
    expect(status).toBe(1);
    const client = logs.find((l) => l.vantage === 'client')!;
    expect(client.mismatches).toEqual([expect.objectContaining({ field: 'frames', wire: 'crypto,padding', logged: 'crypto,ping' })]);
  });

  it('without the key log, what the capture cannot open is left unchecked, not called missing', () => {
    const dir = join(REPO, 'captures', 'handshake');
    const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'crosscheck', join(dir, 'handshake.pcap'), join(dir, 'qlog'), '--format', 'json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const l of JSON.parse(r.stdout).logs as (Log & { unchecked: number })[]) {
      expect([l.missingFromCapture, l.lostBeforeCapture]).toEqual([[], []]);
      // the Initials open without keys (RFC 9001 §5.2): the rest of each side's packets are unchecked
      expect(l.unchecked).toBe(l.sent.logged - 1);
    }
  });

  it("logs of another run match no captured connection: exit 1", () => {
    const { status, logs } = crosscheck('handshake', join(REPO, 'captures', 'retry', 'qlog'));
    expect(status).toBe(1);
    expect(logs.every((l) => l.connection === null)).toBe(true);
  });
});

describe("every sample capture against its endpoints' own qlogs", () => {
  const scenarios = readdirSync(join(REPO, 'captures'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join(REPO, 'captures', d.name)).includes('qlog'))
    .map((d) => d.name);
  it.each(scenarios)('%s: nothing the capture does not explain', (scenario) => {
    const { status, logs } = crosscheck(scenario);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.map((l) => [l.vantage, l.connection === null, l.unexplained])).toEqual(logs.map((l) => [l.vantage, false, 0]));
    expect(status).toBe(0);
  });
});
