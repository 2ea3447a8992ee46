import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

const LOSS = join(REPO, 'captures', 'loss');
const run = (...args: string[]) => spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args, join(LOSS, 'loss.pcap'), '--keylog', join(LOSS, 'keys.log')], { encoding: 'utf8' });

describe('timeline --explain on a lossy capture (captures/loss)', () => {
  let losses: { sender: string; pn: number; where: string; time: number; retransmission: { pn: number } | null }[];
  let lines: string[];
  let rows: string[];
  beforeAll(() => {
    // the losses as the recovery command lists them, and the timeline that explains them
    losses = JSON.parse(run('recovery', '--format', 'json').stdout).connections[0].recovery.losses;
    lines = run('timeline', '--explain', '--no-color').stdout.split('\n');
    rows = lines.filter((l) => /lost_(after|before)_capture$/.test(l));
  }, 60_000);

  it('one rung and sentence per loss the recovery analysis found, in time order among the milestones', () => {
    expect(losses.length).toBeGreaterThan(30);
    expect(rows).toHaveLength(losses.length);
    const after = losses.filter((l) => l.where === 'after_capture').length;
    expect(rows.filter((r) => r.endsWith('lost_after_capture'))).toHaveLength(after);
    const times = lines.filter((l) => /^ +\d+\.\d{3}  /.test(l)).map((l) => Number(l.trim().split(' ')[0]));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
  });

  it('a loss after the capture point names the ACK that skipped it and the packet that sent its data again', () => {
    const l = losses.find((x) => x.sender === 'server' && x.where === 'after_capture' && x.retransmission)!;
    const at = lines.findIndex((x) => x.includes(`│ ✕`) && x.includes(` packet ${l.pn} lost `));
    const sentence = lines.slice(at + 1, at + 6).join(' ').replace(/\s+/g, ' ');
    expect(sentence).toContain(`The server's 1-RTT packet ${l.pn} (stream 0,`);
    expect(sentence).toContain("it was lost after the capture point; the client's ACK at");
    expect(sentence).toContain(`the server sent that data again in packet ${l.retransmission!.pn} at`);
  });

  it('a loss before the capture point is said to be inferred', () => {
    const l = losses.find((x) => x.where === 'before_capture')!;
    const at = lines.findIndex((x) => x.endsWith('lost_before_capture') && x.includes(` packet ${l.pn} lost `));
    const sentence = lines.slice(at + 1, at + 6).join(' ').replace(/\s+/g, ' ');
    expect(sentence).toContain('it was lost before it');
    expect(sentence).toContain('Inferred, not proven:');
  });

  it('without --explain the ladder stays the handshake alone', () => {
    expect(run('timeline', '--no-color').stdout).not.toContain('lost_');
  });
});

describe("timeline --explain on an endpoint's qlog: the losses its writer declared", () => {
  it("the server's log of captures/loss: one row per recovery:packet_lost (36), the first packet 28", () => {
    const log = join(LOSS, 'qlog', '2411905e2aafd5e1a702bc6ad1a84d567a26.sqlog');
    const out = spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'timeline', log, '--explain', '--no-color'], { encoding: 'utf8' }).stdout;
    const rows = out.split('\n').filter((l) => l.endsWith('packet_lost'));
    // grep -c recovery:packet_lost → 36; the first: {"time":24,…"packet_number":28}
    expect(rows).toHaveLength(36);
    expect(rows[0]).toMatch(/^ +[\d.]+  │─+ 1-RTT packet 28 declared lost ✕┤  packet_lost$/);
    expect(out.replace(/\s+/g, ' ')).toContain("The server's own log declares its 1-RTT packet 28 lost; the log does not say what showed it.");
  });
});
