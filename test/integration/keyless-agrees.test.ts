import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseInputs } from '../../src/cli/analyse-inputs.js';
import { summaryToJson } from '../../src/report/summary.js';
import { REPO, sampleCaptures } from '../support/captures.js';

// issue 12 §2, done-when: every sample capture analysed without its key log says nothing
// that the same analysis with the key log contradicts. A value stated without keys
// (proven or inferred) equals the keyed one; one it cannot state is null with a reason.

interface Fact {
  evidence: 'proven' | 'inferred' | 'unknown';
  reason: string;
}
type Json = Record<string, unknown>;

const samples = sampleCaptures().filter((c) => c.name.startsWith('captures/') && c.keylog !== undefined);

async function analyse(path: string, keylog?: string): Promise<{ doc: Json; ladderEvents: Map<number, Json[]> }> {
  const { view } = await analyseInputs({ inputs: [path], keylog: keylog ? [keylog] : [], port: [], format: 'json', color: false });
  const doc = summaryToJson(view) as Json;
  const ladderEvents = new Map(view.connections.map((c) => [c.id, view.handshake(c).events as unknown as Json[]]));
  return { doc, ladderEvents };
}

/** a value said without keys equals the keyed one; one not said is null, its fact unknown with a reason */
function agrees(what: string, keyless: unknown, keyed: unknown, fact: Fact | undefined): void {
  if (keyless === null && fact?.evidence === 'unknown') {
    expect(fact.reason, `${what}: unknown without a reason`).toMatch(/\w{3,}/);
    return;
  }
  expect(keyless, `${what} (${fact?.evidence ?? 'no fact'}: ${fact?.reason ?? ''})`).toEqual(keyed);
}

describe('without the key log, nothing contradicts the analysis with it', () => {
  it('every scenario folder has its capture and key log here', () => {
    expect(samples.length).toBeGreaterThanOrEqual(24);
    for (const c of samples) expect(existsSync(join(dirname(c.path), 'keys.log'))).toBe(true);
  });

  it.each(samples.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const [without, withKeys] = await Promise.all([analyse(c.path), analyse(c.path, c.keylog)]);
    const keyless = without.doc.connections as Json[];
    const keyed = withKeys.doc.connections as Json[];
    // connections are found from headers alone: the same ones either way
    expect(keyless.map((x) => [x.id, x.client, x.server, x.originalDcid])).toEqual(keyed.map((x) => [x.id, x.client, x.server, x.originalDcid]));
    let unknowns = 0;
    for (const [i, a] of keyless.entries()) {
      const b = keyed[i]!;
      const at = `connection ${a.id}`;
      for (const k of ['version', 'sni', 'alpn', 'cipherSuite', 'ja4']) if (a[k] !== null) expect(a[k], `${at} ${k}`).toEqual(b[k]);

      const ha = a.handshake as Json;
      const hb = b.handshake as Json;
      const facts = ha.facts as Record<string, Fact>;
      for (const f of Object.values(facts)) {
        expect(['proven', 'inferred', 'unknown']).toContain(f.evidence);
        expect(f.reason, `${at}: a fact with no reason`).toMatch(/\w{3,}/);
        if (f.evidence === 'unknown') unknowns++;
      }
      for (const k of ['complete', 'confirmedAt', 'ended', 'durationMs', 'roundTrips']) agrees(`${at} handshake.${k}`, ha[k], hb[k], facts[k]);
      if (ha.roundTrips !== null) expect(ha.roundTripReasons, `${at} roundTripReasons`).toEqual(hb.roundTripReasons);
      expect([ha.retry, ha.versionNegotiation], `${at} retry, version negotiation`).toEqual([hb.retry, hb.versionNegotiation]);
      // every row of the keyless ladder is on the keyed one, but for the row that says the
      // last packets could not be read
      const rows = (events: Json[]) => events.filter((e) => e.event !== 'last_packet').map((e) => `${e.event} ${e.by} frame ${e.frame}`);
      const keyedRows = new Set(rows(withKeys.ladderEvents.get(a.id as number)!));
      expect(rows(without.ladderEvents.get(a.id as number)!).filter((r) => !keyedRows.has(r)), `${at}: ladder rows without keys that the keyed ladder lacks`).toEqual([]);
      const zeroRtt = ha.zeroRtt as Json;
      agrees(`${at} zeroRtt.accepted`, zeroRtt.accepted, (hb.zeroRtt as Json).accepted, (zeroRtt.facts as Record<string, Fact>).accepted);

      const ma = a.migrations as Json[];
      const mb = b.migrations as Json[];
      expect(ma.map((m) => [m.frame, m.from, m.to, m.addressChanged, m.newDcid]), `${at} migrations`).toEqual(mb.map((m) => [m.frame, m.from, m.to, m.addressChanged, m.newDcid]));
      for (const [j, m] of ma.entries()) {
        const mf = m.facts as Record<string, Fact>;
        for (const f of Object.values(mf)) expect(f.reason).toMatch(/\w{3,}/);
        agrees(`${at} migration ${m.frame} kind`, m.kind, mb[j]!.kind, mf.kind);
        agrees(`${at} migration ${m.frame} validated`, m.validated, mb[j]!.validated, mf.validated);
        if (m.validationMs !== null) expect(m.validationMs).toEqual(mb[j]!.validationMs);
        unknowns += Object.values(mf).filter((f) => f.evidence === 'unknown').length;
      }

      // issue 13: loss, retransmissions and RTT are said without keys only as the keys would say them
      const ra = a.recovery as Json | null;
      const rb = b.recovery as Json | null;
      if (ra && rb) {
        const rf = ra.facts as Record<string, Fact>;
        for (const side of ['client', 'server']) {
          const [sa, sb] = [ra[side] as Json, rb[side] as Json];
          agrees(`${at} recovery ${side} lost`, sa.lost, sb.lost, rf[`${side}.losses`]);
          agrees(`${at} recovery ${side} lossPercent`, sa.lossPercent, sb.lossPercent, rf[`${side}.losses`]);
          agrees(`${at} recovery ${side} retransmittedBytes`, sa.retransmittedBytes, sb.retransmittedBytes, rf[`${side}.retransmissions`]);
          agrees(`${at} recovery ${side} smoothedRttMs`, sa.smoothedRttMs, sb.smoothedRttMs, rf[`${side}.rtt`]);
        }
        agrees(`${at} recovery endToEndRttMs`, ra.endToEndRttMs, rb.endToEndRttMs, rf.endToEndRtt);
      } else expect(ra, `${at} recovery`).toEqual(rb);
    }
    // every finding without keys is one the keys confirm (the same code, connection and frame)
    const id = (f: Json) => `${f.code} connection ${f.connection} frame ${f.frame ?? '-'}`;
    const keyedFindings = new Set((withKeys.doc.findings as Json[]).map(id));
    const keylessFindings = (without.doc.findings as Json[]).filter((f) => f.code !== 'zero_rtt_unaudited');
    expect(keylessFindings.map(id).filter((f) => !keyedFindings.has(f))).toEqual([]);
    // a check that could not be made says why
    for (const u of without.doc.unjudged as Json[]) expect(u.reason, `${u.code}: not judged without a reason`).toMatch(/\w{3,}/);
    for (const f of without.doc.findings as Json[]) {
      expect(['proven', 'inferred']).toContain(f.evidence);
      if (f.evidence === 'inferred') expect(f.reason).toMatch(/\w{3,}/);
    }
    // the keyless run did have something to say unknown about: the capture is encrypted
    if (keyless.some((x) => (x.packets as Json).total !== (x.packets as Json).decrypted)) expect(unknowns).toBeGreaterThan(0);
  });
});

/** a copy of a classic pcap without the given records (1-based), as a capture that dropped them */
function withoutRecords(path: string, drop: number[]): string {
  const buf = readFileSync(path);
  const le = buf.readUInt32LE(0) === 0xa1b2c3d4;
  const parts = [buf.subarray(0, 24)];
  for (let at = 24, n = 1; at + 16 <= buf.length; n++) {
    const len = 16 + (le ? buf.readUInt32LE(at + 8) : buf.readUInt32BE(at + 8));
    if (!drop.includes(n)) parts.push(buf.subarray(at, at + len));
    at += len;
  }
  const out = join(mkdtempSync(join(tmpdir(), 'quiclens-')), 'dropped.pcap');
  writeFileSync(out, Buffer.concat(parts));
  return out;
}

describe('a capture that lost the client Handshake packets (issue 12 §2)', () => {
  // captures/handshake: frames 3 and 4 hold the client's Handshake packets (4 also its first 1-RTT)
  const dropped = withoutRecords(join(REPO, 'captures/handshake/handshake.pcap'), [3, 4]);

  it.each([
    ['without keys', undefined],
    ['with keys', join(REPO, 'captures/handshake/keys.log')],
  ])('%s: the client 1-RTT packets validate its address and prove the handshake complete', async (_n, keylog) => {
    const { doc } = await analyse(dropped, keylog);
    expect((doc.findings as Json[]).map((f) => f.code)).toEqual([]);
    const h = (doc.connections as Json[])[0]!.handshake as Json;
    expect(h.complete).toBe(true);
    expect(h.durationMs).toBeNull();
    // with keys or without, the Finished is simply not in the capture: not blamed on encryption
    expect((h.facts as Record<string, Fact>).durationMs!.reason).toMatch(/^the client's Finished is in no packet of the capture/);
  });
});
