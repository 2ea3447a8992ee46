import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyseInputs } from '../../src/cli/analyse-inputs.js';
import { fleetSummary } from '../../src/report/fleet-summary.js';
import { fleetTable } from '../../src/report/fleet-table.js';
import { summaryToJson, type ConnectionJson } from '../../src/report/summary.js';
import { REPO } from '../support/captures.js';

const PLAIN = { dim: (s: string) => s, bold: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, green: (s: string) => s, cyan: (s: string) => s };

// nine sample captures read at once, as a fleet: 13 connections (captures/README.md)
const SCENARIOS = ['multi', 'zero-rtt', 'retry', 'version-negotiation', 'v2-draft', 'ipv6', 'wifi-to-lte', 'zero-rtt-post', 'nginx-lb'];
const capture = (s: string) => join(REPO, 'captures', s, `${s}.pcap`);
const keys = (s: string) => join(REPO, 'captures', s, 'keys.log');

async function fleet(withKeys: boolean) {
  const { view } = await analyseInputs({ inputs: SCENARIOS.map(capture), keylog: withKeys ? SCENARIOS.map(keys) : [], port: [], format: 'json', color: false });
  return view;
}

describe('summary --by over nine sample captures, with their key logs', async () => {
  const view = await fleet(true);
  const connections = (summaryToJson(view).connections as ConnectionJson[]);

  it('groups by server address: 11 connections to 127.0.0.1:4433, one each to [::1]:4433 and 10.77.0.1:4433', () => {
    const f = fleetSummary(view, 'server');
    expect(f.groups.map((g) => [g.key, g.keyState, g.connections])).toEqual([
      ['127.0.0.1:4433', 'value', 11],
      ['10.77.0.1:4433', 'value', 1],
      ['[::1]:4433', 'value', 1],
    ]);
    expect(f.groups[0]!.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13]);
  });

  it('gives the handshake percentiles by nearest rank, as picked by hand from the connections\' own times', () => {
    const g = fleetSummary(view, 'server').groups[0]!;
    // each connection's handshake.durationMs in summary --format json, sorted
    const times = connections.filter((c) => g.ids.includes(c.id)).map((c) => c.handshake.durationMs!).sort((a, b) => a - b);
    expect(times).toEqual([22.214, 22.445, 22.556, 22.591, 22.605, 22.608, 22.672, 22.682, 22.813, 22.88, 23.063]);
    // n = 11: p50 is rank ⌈5.5⌉ = 6, p90 rank ⌈9.9⌉ = 10, p99 rank ⌈10.89⌉ = 11
    expect(g.handshakeMs).toEqual({ measured: 11, p50: 22.608, p90: 22.88, p99: 23.063, notComplete: 0, unknown: 0 });
    expect([g.handshakeMs.p50, g.handshakeMs.p90, g.handshakeMs.p99]).toEqual([times[5], times[9], times[10]]);
  });

  it('counts round trips (the Retry and the Version Negotiation take two), 0-RTT, migrations and findings per group', () => {
    const [local, wifi] = fleetSummary(view, 'server').groups;
    expect(local!.roundTrips).toEqual({ counts: { '1': 9, '2': 2 }, notComplete: 0, unknown: 0 });
    // zero-rtt and zero-rtt-post: the second connection of each resumes with 0-RTT, accepted
    expect(local!.zeroRtt).toEqual({ attempted: 2, accepted: 2, rejected: 0, acceptedUnknown: 0, attemptedUnknown: 0 });
    // nginx-lb: the move to the new port reaches another backend and is never validated
    expect(local!.migrations).toEqual({ total: 1, validated: 0, notValidated: 1, unknown: 0 });
    expect(local!.findings).toEqual({
      zero_rtt_non_idempotent: { severity: 'warning', count: 1, inferred: 0 },
      path_not_validated: { severity: 'warning', count: 1, inferred: 0 },
    });
    expect(local!.unknown).toEqual([]);
    // wifi-to-lte: one active migration, validated
    expect(wifi!.migrations).toEqual({ total: 1, validated: 1, notValidated: 0, unknown: 0 });
  });

  it('groups by version and by JA4', () => {
    expect(fleetSummary(view, 'version').groups.map((g) => [g.key, g.connections])).toEqual([['0x00000001', 12], ['0x709a50c4', 1]]);
    const ja4 = fleetSummary(view, 'ja4').groups;
    // the resuming ClientHellos offer two more extensions (pre_shared_key, early_data)
    expect(ja4.map((g) => [g.key, g.connections, g.ids])).toEqual([
      ['q13d0415h3_9caa18292e23_84684a673e38', 11, [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 13]],
      ['q13d0417h3_9caa18292e23_b9213f5cc2db', 2, [5, 12]],
    ]);
    expect(ja4[1]!.zeroRtt.accepted).toBe(2);
  });

  it('--top folds the smaller groups into one "other" row, its statistics over all their connections', () => {
    const f = fleetSummary(view, 'server', 1);
    expect(f.top).toBe(1);
    expect(f.groups).toHaveLength(2);
    const other = f.groups[1]!;
    expect(other).toMatchObject({ key: null, keyState: 'other', groups: 2, connections: 2, ids: [9, 10] });
    // ipv6 22.366 ms, wifi-to-lte 22.436 ms: p50 is rank 1, p90 and p99 rank 2
    expect(other.handshakeMs).toMatchObject({ measured: 2, p50: 22.366, p90: 22.436, p99: 22.436 });
    expect(other.migrations.validated).toBe(1);
    expect(fleetSummary(view, 'server', 3).groups.map((g) => g.keyState)).toEqual(['value', 'value', 'value']);
  });

  it('prints a table with one row per group and the definition of its percentiles', () => {
    const text = fleetTable(fleetSummary(view, 'version'), PLAIN);
    expect(text).toMatch(/│ QUIC v1\s+│\s+12 │\s+22\.6 \/ 22\.9 \/ 23\.1 │ 1: 10, 2: 2/);
    expect(text).toMatch(/│ QUIC v2 draft\s+│\s+1 │\s+22\.6 \/ 22\.6 \/ 22\.6 │ 1: 1 /);
    expect(text).toContain('percentiles by nearest rank');
    expect(text).not.toContain('Unknown');
  });
});

describe('summary --by without key logs: what is encrypted is unknown, never no or zero', async () => {
  const view = await fleet(false);

  it('still groups by SNI, which the Initials carry, but every handshake time is unknown, each with its reason', () => {
    const [g, ...rest] = fleetSummary(view, 'sni').groups;
    expect(rest).toEqual([]);
    expect(g).toMatchObject({ key: 'localhost', keyState: 'value', connections: 13 });
    expect(g!.handshakeMs).toEqual({ measured: 0, p50: null, p90: null, p99: null, notComplete: 0, unknown: 13 });
    const times = g!.unknown.filter((u) => u.field === 'handshakeMs');
    expect(times.map((u) => u.connection)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(times[0]!.reason).toMatch(/^the client's Finished is in a Handshake packet not read \(encrypted: no key log/);
    // round trips are read from the headers: Retry, Version Negotiation
    expect(g!.roundTrips).toEqual({ counts: { '1': 11, '2': 2 }, notComplete: 0, unknown: 0 });
  });

  it('counts 0-RTT as attempted (the ClientHello says) and its acceptance as unknown, not as rejected', () => {
    const g = fleetSummary(view, 'sni').groups[0]!;
    expect(g.zeroRtt).toEqual({ attempted: 2, accepted: 0, rejected: 0, acceptedUnknown: 2, attemptedUnknown: 0 });
    expect(g.unknown.filter((u) => u.field === 'zeroRttAccepted').map((u) => u.connection)).toEqual([5, 12]);
  });

  it('puts every connection in the unknown ALPN group, with why, and lists the checks not judged', () => {
    const f = fleetSummary(view, 'alpn');
    expect(f.groups.map((g) => [g.key, g.keyState, g.connections])).toEqual([[null, 'unknown', 13]]);
    const g = f.groups[0]!;
    expect(g.unknown.find((u) => u.field === 'key')!.reason).toMatch(/^the server's EncryptedExtensions, which names the protocol, was not read: in packets not read: of 33 packets, 31 not decrypted/);
    // without keys the non-idempotent request cannot be read: unaudited, and no warning claimed
    expect(g.findings).toEqual({ zero_rtt_unaudited: { severity: 'info', count: 2, inferred: 0 } });
    expect(g.unjudged).toEqual({ migration_during_handshake: 2, migration_forbidden: 1, path_not_validated: 1 });
    expect(g.migrations).toEqual({ total: 2, validated: 1, notValidated: 0, unknown: 1 });
    const text = fleetTable(f, PLAIN);
    expect(text).toContain('ALPN unknown: group value unknown for connections 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 3 more; connection 1: ');
    expect(text).toContain('path_not_validated ×1 not judged');
  });
});
