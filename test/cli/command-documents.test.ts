// The documents test/support/command-documents.ts makes in-process (the browser tests read
// them instead of running four commands per capture) are what the built commands print.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';
import { commandDocuments } from '../support/command-documents.js';

const run = promisify(execFile);
const quiclens = async (...args: string[]) => (await run('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, maxBuffer: 1 << 26 })).stdout;

// netem-hol: losses, retransmissions and a head-of-line wait; zero-rtt: two connections, one resumed with 0-RTT
describe.each(['netem-hol', 'zero-rtt'])('captures/%s', (scenario) => {
  it('gives what packets, timeline, recovery and streams print as JSON', async () => {
    const capture = join(REPO, 'captures', scenario, `${scenario}.pcap`);
    const keylog = join(REPO, 'captures', scenario, 'keys.log');
    const [docs, packets, timeline, recovery, streams] = await Promise.all([
      commandDocuments([capture], [keylog]),
      quiclens('packets', '--format', 'ndjson', capture, '--keylog', keylog),
      quiclens('timeline', '--format', 'json', capture, '--keylog', keylog),
      quiclens('recovery', '--format', 'json', capture, '--keylog', keylog),
      quiclens('streams', '--format', 'json', capture, '--keylog', keylog),
    ]);
    const rows = packets.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(rows.length).toBeGreaterThan(30);
    expect(docs.packets).toEqual(rows);
    expect(docs.timeline).toEqual(JSON.parse(timeline));
    expect(docs.recovery).toEqual(JSON.parse(recovery));
    expect(docs.streams).toEqual(JSON.parse(streams));
  });
});
