import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyseInputs } from '../../../src/cli/analyse-inputs.js';
import { ProblemReporter } from '../../../src/cli/problems.js';
import { packetToJson } from '../../../src/report/packet-json.js';
import { connectionRows } from '../../../src/report/select/connection-rows.js';
import { CONNECTION_FIELDS, CONNECTION_SPACE, FRAME_FIELDS, PACKET_FIELDS, PACKET_SPACE, resolvePath } from '../../../src/report/select/field-names.js';
import { REPO } from '../../support/captures.js';

// captures whose packets carry the optional fields: Retry's token and tag, Version
// Negotiation's versions, GSO segments, packet numbers found past a gap, 0-RTT, a migration
const SCENARIOS = ['retry', 'version-negotiation', 'gso', 'kernel-drops', 'zero-rtt', 'migration', 'chromium'];

describe('the names --filter and --fields accept are the JSON output\'s', () => {
  it.each(SCENARIOS)('captures/%s: every packet, frame and connection field is known', async (name) => {
    const dir = join(REPO, 'captures', name);
    const packetKeys = new Set<string>();
    const frameKeys = new Set<string>();
    const { view } = await analyseInputs(
      { inputs: [join(dir, `${name}.pcap`)], keylog: [join(dir, 'keys.log')], port: [], color: false },
      (p) => {
        const json = packetToJson(p);
        for (const k of Object.keys(json)) packetKeys.add(k);
        for (const f of json.frames as Record<string, unknown>[]) for (const k of Object.keys(f)) frameKeys.add(k);
      },
      new ProblemReporter(() => {}),
    );
    expect([...packetKeys].filter((k) => !(PACKET_FIELDS as readonly string[]).includes(k))).toEqual([]);
    expect([...frameKeys].filter((k) => !(FRAME_FIELDS as readonly string[]).includes(k))).toEqual([]);
    const rows = connectionRows(view);
    expect(rows.length).toBeGreaterThan(0);
    for (const { row } of rows) expect(Object.keys(row).sort()).toEqual([...CONNECTION_FIELDS].sort());
  });
});

describe('resolvePath', () => {
  it('checks the first name, and a frame\'s field, but not deeper names', () => {
    expect(resolvePath(PACKET_SPACE, ['frames', 'type'])).toEqual(['frames', 'type']);
    expect(resolvePath(PACKET_SPACE, ['frames', 'kind'])).toMatchObject({ name: 'frames.kind' });
    expect(resolvePath(PACKET_SPACE, ['lenght'])).toMatchObject({ name: 'lenght' });
    expect(resolvePath(CONNECTION_SPACE, ['tls', 'clientHello', 'anything'])).toEqual(['tls', 'clientHello', 'anything']);
  });
  it('reads connection as a connection\'s id', () => {
    expect(resolvePath(CONNECTION_SPACE, ['connection'])).toEqual(['id']);
    expect(resolvePath(PACKET_SPACE, ['connection'])).toEqual(['connection']);
  });
});
