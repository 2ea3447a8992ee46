import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

const LOSS = join(REPO, 'captures', 'loss');
const SERVER_LOG = join(LOSS, 'qlog', '2411905e2aafd5e1a702bc6ad1a84d567a26.sqlog');

function recovery(...args: string[]) {
  return spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'recovery', ...args], { encoding: 'utf8' });
}

describe('quiclens recovery with the endpoints\' qlogs: what each logged, beside the capture', () => {
  it('JSON: the captured connection lists both logs, each with the capture\'s losses of the same sender', () => {
    const r = recovery(join(LOSS, 'loss.pcap'), join(LOSS, 'qlog'), '--keylog', join(LOSS, 'keys.log'), '--format', 'json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    const captured = doc.connections[0];
    const server = captured.recovery.directions.find((d: { sender: string }) => d.sender === 'server');
    const logs = Object.fromEntries(captured.endpointLogs.map((l: { vantage: string }) => [l.vantage, l]));
    // grep -c recovery:packet_lost: 36 in the server's log, 3 in the client's
    expect(logs.server).toMatchObject({ lost: { total: 36 }, metrics: { updates: 257 }, capture: { lost: server.lostAfterCapture + server.lostBeforeCapture } });
    expect(logs.client).toMatchObject({ lost: { total: 3 }, metrics: { updates: 229 } });
    expect(captured.loggedRecovery).toBeNull();
    // the logs' own connections carry their recovery, and no endpoint logs of their own
    expect(doc.connections.slice(1).map((c: { loggedRecovery: { lost: { total: number } }; endpointLogs: unknown[] }) => [c.loggedRecovery.lost.total, c.endpointLogs.length]).sort()).toEqual([[3, 0], [36, 0]]);
  });

  it('table: a log on its own shows its recovery without capture columns', () => {
    const r = recovery(SERVER_LOG, '--no-color');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("what its server's log says of its own recovery");
    const row = r.stdout.split('\n').find((l) => l.includes('2411905e2aafd5e1a702bc6ad1a84d567a26.sqlog │'))!;
    // last metrics_updated: "congestion_window":5162
    expect(row.split('│').map((c) => c.trim()).filter(Boolean)).toEqual(['2411905e2aafd5e1a702bc6ad1a84d567a26.sqlog', 'server', '36 (0-RTT/1-RTT 36)', '0 ms', '0 ms', '5,162 B', '0']);
    expect(r.stdout).not.toContain('lost (capture)');
  });
});
