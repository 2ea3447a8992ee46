import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyseInputs } from '../../src/cli/analyse-inputs.js';
import { summaryToJson, type ConnectionJson } from '../../src/report/summary.js';
import { REPO } from '../support/captures.js';

const capture = (s: string) => join(REPO, 'captures', s, `${s}.pcap`);

// Several inputs are read one after another. nat-rebinding was recorded 2.66 s after
// migration, so when it is read first its connection is already known while migration's
// packets come; it must not count as alive before its own first packet, or the migration's
// new path (short headers only, its new DCID unreadable without keys) has two candidate
// connections on the same server and is split off as a connection of its own.
describe('captures read in sequence, without keys', () => {
  it('keeps the migration connection whole when a later capture is read first', async () => {
    const { view } = await analyseInputs({ inputs: [capture('nat-rebinding'), capture('migration')], keylog: [], port: [], format: 'json', color: false });
    const connections = summaryToJson(view).connections as ConnectionJson[];
    expect(connections).toHaveLength(2);
    expect(connections.map((c) => c.packets.total).sort((a, b) => a - b)).toEqual([216, 216]);
    expect(view.connections.flatMap((c) => view.migrations(c).map((m) => m.kind)).sort()).toEqual(['active', 'nat_rebinding']);
  });
});
