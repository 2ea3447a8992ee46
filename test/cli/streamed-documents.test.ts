import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

// the built command, as a user runs it (npm test builds first)
function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const MULTI = ['captures/multi/multi.pcap', '--keylog', 'captures/multi/keys.log'];

// Documents written as they are made (issue 15: memory flat in capture size) print what the
// whole document printed at once did.
describe('documents written a piece at a time', () => {
  it('packets --format json is the NDJSON objects in one array, one a line between commas, as JSON.stringify of each joined', () => {
    const nd = quiclens('packets', ...MULTI, '--format', 'ndjson').out.trim().split('\n');
    const json = quiclens('packets', ...MULTI, '--format', 'json');
    expect(json.code).toBe(0);
    expect(nd.length).toBeGreaterThan(50);
    expect(json.out).toBe(`[\n${nd.join(',\n')}\n]\n`);
    expect(JSON.parse(json.out)).toHaveLength(nd.length);
  });

  it('packets --format json of no packet is an empty array, as before', () => {
    expect(quiclens('packets', ...MULTI, '--connection', '99', '--format', 'json').out).toBe('[\n\n]\n');
  });

  it('summary --format json and ndjson are JSON.stringify of the document, indented and not', () => {
    const pretty = quiclens('summary', ...MULTI, '--format', 'json').out;
    const doc = JSON.parse(pretty) as { connections: unknown[] };
    expect(doc.connections).toHaveLength(3);
    expect(pretty).toBe(JSON.stringify(doc, null, 2) + '\n');
    expect(quiclens('summary', ...MULTI, '--format', 'ndjson').out).toBe(JSON.stringify(doc) + '\n');
    expect(quiclens('timeline', ...MULTI, '--format', 'json').out).toBe(pretty);
  });
});
