import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

// the built command, as a user runs it (npm test builds first)
function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args, '--no-color'], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const LOSS = ['captures/netem-loss/netem-loss.pcap', '--keylog', 'captures/netem-loss/keys.log'];

describe('quiclens recovery', () => {
  it('--format json: per sender the losses on each side of the capture point, RTT legs and every loss event', () => {
    const { code, out, err } = quiclens('recovery', ...LOSS, '--format', 'json');
    expect([code, err]).toEqual([0, '']);
    const r = JSON.parse(out).connections[0].recovery;
    const [client, server] = r.directions;
    expect([client.sender, client.lostBeforeCapture, client.lostAfterCapture]).toEqual(['client', 8, 0]);
    expect([server.sender, server.lostBeforeCapture, server.lostAfterCapture]).toEqual(['server', 0, 20]);
    expect(server.rtt.leg).toBe('capture→client→capture');
    expect(r.losses).toHaveLength(28);
    expect(r.events.losses).toEqual({ count: 20, omitted: 0 });
    expect(r.losses.filter((l: { where: string }) => l.where === 'after_capture').every((l: { evidence: string; retransmission: unknown }) => l.evidence === 'proven' && l.retransmission !== null)).toBe(true);
    expect(r.rttSamples.length).toBe(r.events.rttSamples.count);
  });

  it('the table names each row and lists the losses; without keys it says unknown and why, never 0', () => {
    const keyed = quiclens('recovery', ...LOSS).out;
    expect(keyed).toMatch(/│ lost after the capture point\s+│ 0\s+│ 20\s+│/);
    expect(keyed).toMatch(/│ lost before the capture point\s+│ 8\s+│ 0\s+│/);
    expect(keyed).toContain('server application pn 9: frame 14');
    const keyless = quiclens('recovery', LOSS[0]!).out;
    expect(keyless).toMatch(/│ lost after the capture point\s+│ unknown\s+│ unknown\s+│/);
    expect(keyless).toContain('client → server losses unknown: the receiver');
    expect(keyless).toContain('no key log for this connection');
  });

  it('summary: loss %, retransmitted bytes and RTT per connection, in the table and in JSON', () => {
    expect(quiclens(...LOSS).out).toMatch(/│ 1\.2 % \/ 1\.6 % │ +0 \/ 27769 │ 31\.595 ms │/);
    const rec = JSON.parse(quiclens('summary', ...LOSS, '--format', 'json').out).connections[0].recovery;
    expect(rec.client).toMatchObject({ lost: 8, retransmittedBytes: 0 });
    expect(rec.server).toMatchObject({ lost: 20, retransmittedBytes: 27769 });
    expect(rec.endToEndRttMs).toBeCloseTo(31.6, 1);
    expect(rec.facts['server.losses'].evidence).toBe('proven');
  });

  it('a mistyped command is pointed to recovery', () => {
    const { code, err } = quiclens('recovry', LOSS[0]!);
    expect(code).toBe(2);
    expect(err).toContain("did you mean 'recovery'?");
  });
});
