import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexCaptureToDb, indexCaptureToParquet, type IndexOptions } from '../../src/cli/index-capture.js';
import { quoteName } from '../../src/store/duckdb-tables.js';
import { openTables, runQuery, type QueryResult } from '../../src/store/query.js';
import { TABLES } from '../../src/store/table-schema.js';
import { REPO } from '../support/captures.js';
import { appendReplayedRecord } from '../support/replay-capture.js';

/**
 * A handful of the sample captures indexed once into a DuckDB file and a Parquet folder:
 * with keys (migration, NAT rebinding, 0-RTT, a 0-RTT POST, loss), zero-rtt with its 0-RTT
 * flight replayed (as test/integration/zero-rtt-replay.test.ts makes it), and two without
 * keys (retry, wifi-to-lte), whose facts must stay unknown.
 */
const WORK = mkdtempSync(join(tmpdir(), 'quiclens-tables-'));
const DB = join(WORK, 'fleet.duckdb');
const PARQUET = join(WORK, 'parquet');
const REPLAYED = join(WORK, 'zero-rtt-replayed.pcap');
const cap = (name: string) => join(REPO, 'captures', name, `${name}.pcap`);
const keys = (name: string) => [join(REPO, 'captures', name, 'keys.log')];

const INPUTS: [string, IndexOptions][] = [
  ...['migration', 'nat-rebinding', 'zero-rtt', 'zero-rtt-post', 'loss'].map((n): [string, IndexOptions] => [cap(n), { keylog: keys(n) }]),
  [REPLAYED, { keylog: keys('zero-rtt'), source: 'zero-rtt-replayed' }],
  [cap('retry'), {}],
  [cap('wifi-to-lte'), {}],
];

let instance: DuckDBInstance;
let db: DuckDBConnection;
let parquet: Awaited<ReturnType<typeof openTables>>;

beforeAll(async () => {
  appendReplayedRecord(cap('zero-rtt'), 31, 0.5, REPLAYED);
  instance = await DuckDBInstance.create(DB);
  db = await instance.connect();
  for (const [path, opts] of INPUTS) {
    await indexCaptureToDb(db, path, opts);
    await indexCaptureToParquet(path, PARQUET, opts);
  }
  parquet = await openTables({ parquet: PARQUET });
}, 60_000);

afterAll(() => {
  parquet?.close();
  db?.closeSync();
  instance?.closeSync();
});

const rowsOf = async (conn: DuckDBConnection, sql: string) => (await runQuery(conn, sql)).rows;

describe('index', () => {
  it('writes one captures row per capture, its id the SHA-256 of the file, and every packet', async () => {
    const rows = await rowsOf(db, 'SELECT source, date, format, packets, connections FROM captures ORDER BY source');
    expect(rows).toEqual([
      ['loss', '2026-11-25', 'pcap', 243, 1],
      ['migration', '2026-11-25', 'pcap', 216, 1],
      ['nat-rebinding', '2026-11-25', 'pcap', 216, 1],
      ['retry', '2026-11-25', 'pcap', 36, 1],
      ['wifi-to-lte', '2026-11-25', 'pcap', 213, 1],
      ['zero-rtt', '2026-11-25', 'pcap', 67, 2],
      ['zero-rtt-post', '2026-11-25', 'pcap', 71, 2],
      ['zero-rtt-replayed', '2026-11-25', 'pcap', 69, 3],
    ]);
    // the packets table holds each capture's packets, numbered 1… in capture order
    expect(await rowsOf(db, 'SELECT c.source, count(*), min(p.seq), max(p.seq) FROM packets p JOIN captures c USING (captureId) WHERE c.source = \'migration\' GROUP BY c.source')).toEqual([['migration', 216, 1, 216]]);
    const id = (await rowsOf(db, "SELECT captureId FROM captures WHERE source = 'retry'"))[0]![0];
    const { createHash } = await import('node:crypto');
    expect(id).toBe(createHash('sha256').update(readFileSync(cap('retry'))).digest('hex'));
  });

  it('skips a capture indexed before (same bytes under another name), in the database and in the Parquet folder', async () => {
    const copy = join(WORK, 'copy-of-migration.pcap');
    writeFileSync(copy, readFileSync(cap('migration')));
    const again = await indexCaptureToDb(db, copy, { keylog: keys('migration') });
    expect(again.skipped).toMatch(/indexed already/);
    expect(again.rows.packets).toBe(0);
    const againParquet = await indexCaptureToParquet(copy, PARQUET, { keylog: keys('migration') });
    expect(againParquet.skipped).toMatch(/already/);
    expect(await rowsOf(db, 'SELECT count(*) FROM captures')).toEqual([[8]]);
    expect(await rowsOf(parquet.conn, 'SELECT count(*) FROM captures')).toEqual([[8]]);
  });

  it('writes each capture as one file per table in its date and source partition, nothing left in the temporary folder', () => {
    for (const t of TABLES) {
      const dir = join(PARQUET, t.name, 'date=2026-11-25', 'source=migration');
      expect(readdirSync(dir)).toHaveLength(1);
    }
    expect(existsSync(join(PARQUET, '.tmp')) ? readdirSync(join(PARQUET, '.tmp')) : []).toEqual([]);
  });

  it('keeps unknown facts null, with their reason, for a capture read without keys', async () => {
    const [row] = await rowsOf(
      db,
      "SELECT n.alpn, n.handshakeDurationMs, n.handshakeFactsDurationMsReason, n.recoveryServerRetransmittedBytes, n.packetsDecrypted FROM connections n JOIN captures c USING (captureId) WHERE c.source = 'retry'",
    );
    expect(row![0]).toBeNull();
    expect(row![1]).toBeNull();
    expect(row![2]).toMatch(/no key log/);
    expect(row![3]).toBeNull();
    expect(row![4]).toBe(3);
  });
});

describe('Parquet', () => {
  it('reads back to the same rows as the DuckDB tables, every table and column', async () => {
    for (const t of TABLES) {
      // indexedAt says when each was written: the one column that differs between the two runs
      const cols = t.columns.filter((c) => c.name !== 'indexedAt').map((c) => quoteName(c.name)).join(', ');
      const sql = `SELECT ${cols} FROM ${t.name} ORDER BY ALL`;
      const fromDb = await runQuery(db, sql);
      const fromParquet = await runQuery(parquet.conn, sql);
      expect(fromDb.rows.length, t.name).toBeGreaterThan(0);
      expect(fromParquet, t.name).toEqual(fromDb);
    }
  });

  it('gives every table its partition as columns', async () => {
    expect(await rowsOf(parquet.conn, "SELECT DISTINCT date, source FROM packets WHERE source LIKE 'zero-rtt%' ORDER BY source")).toEqual([
      ['2026-11-25', 'zero-rtt'],
      ['2026-11-25', 'zero-rtt-post'],
      ['2026-11-25', 'zero-rtt-replayed'],
    ]);
  });

  it('passes over what a killed run left in the temporary folder, and a run again replaces files, never doubles rows', async () => {
    // a half-written file of a killed run: where the temporary files are, never where readers look
    const stale = join(PARQUET, '.tmp', 'db-killed-1');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'packets.parquet'), 'PAR1 half a file');
    // the captures file gone: as if killed before the last rename; the job is run again
    const { rmSync } = await import('node:fs');
    const capturesFile = join(PARQUET, 'captures', 'date=2026-11-25', 'source=loss');
    rmSync(capturesFile, { recursive: true });
    const redo = await indexCaptureToParquet(cap('loss'), PARQUET, { keylog: keys('loss') });
    expect(redo.skipped).toBeUndefined();
    const fresh = await openTables({ parquet: PARQUET });
    try {
      expect(await rowsOf(fresh.conn, "SELECT count(*) FROM packets WHERE source = 'loss'")).toEqual([[243]]);
      expect(await rowsOf(fresh.conn, 'SELECT count(*) FROM captures')).toEqual([[8]]);
    } finally {
      fresh.close();
      rmSync(stale, { recursive: true });
    }
  });
});

/** the ten ready queries of docs/tables.md, as the doc has them */
function readyQueries(): { title: string; sql: string }[] {
  const doc = readFileSync(join(REPO, 'docs', 'tables.md'), 'utf8');
  const part = doc.split('## Ready queries')[1]!.split('\n## ')[0]!;
  return [...part.matchAll(/### (.+)\n[\s\S]*?```sql\n([\s\S]*?)```/g)].map((m) => ({ title: m[1]!, sql: m[2]! }));
}

describe('the ready queries of docs/tables.md', () => {
  const queries = readyQueries();
  const results = new Map<number, QueryResult>();

  it('are ten, and each gives the same answer over the database and over the Parquet', async () => {
    expect(queries).toHaveLength(10);
    for (const [i, q] of queries.entries()) {
      const r = await runQuery(db, q.sql);
      expect(await runQuery(parquet.conn, q.sql), q.title).toEqual(r);
      results.set(i + 1, r);
    }
  });

  const rows = (n: number) => results.get(n)!.rows;
  const col = (n: number, name: string) => results.get(n)!.columns.indexOf(name);

  it('1: handshake time by SNI counts the untimed handshakes apart', () => {
    expect(rows(1)).toHaveLength(1);
    const [sni, connections, timed, untimed, p50] = rows(1)[0]!;
    expect([sni, connections, timed, untimed]).toEqual(['localhost', 12, 9, 3]);
    expect(p50).toBeGreaterThan(20);
    expect(p50).toBeLessThan(25);
  });

  it('2: the keyless migration is listed as only inferred; the proven ones are not', () => {
    expect(rows(2).map((r) => [r[0], r[3], r[6], r[7]])).toEqual([['wifi-to-lte', 'active', true, 'inferred']]);
  });

  it('3: the migration capture\'s migration is active and validated, the rebinding one a NAT rebinding', () => {
    expect(rows(3)).toEqual([
      ['migration', 'active', 1, 1, 0, 0],
      ['nat-rebinding', 'nat_rebinding', 1, 1, 0, 0],
      ['wifi-to-lte', 'active', 1, 1, 0, 0],
    ]);
  });

  it('4: the replayed 0-RTT flight copies connection 2, and the POST in 0-RTT is flagged', () => {
    expect(rows(4).map((r) => r.slice(0, 4))).toEqual([
      ['zero-rtt-post', 'zero_rtt_non_idempotent', 2, null],
      ['zero-rtt-replayed', 'zero_rtt_replay', 3, 2],
    ]);
  });

  it('5: the lossy capture\'s server resent the most, and keyless connections are left out', () => {
    expect(rows(5)[0]!.slice(0, 2)).toEqual(['loss', 1]);
    expect(rows(5)[0]![col(5, 'serverResentBytes')]).toBeGreaterThan(20_000);
    expect(rows(5).map((r) => r[0])).not.toContain('retry');
  });

  it('6: the connections without keys say why their handshake time is unknown', () => {
    expect(rows(6).map((r) => [r[0], r[col(6, 'withoutKeys')], r[col(6, 'alpn')], r[col(6, 'handshakeDurationMs')]])).toEqual([
      ['retry', 32, null, null],
      ['wifi-to-lte', 211, null, null],
    ]);
    for (const r of rows(6)) expect(r[col(6, 'why')]).toMatch(/no key log/);
  });

  it('7: findings per code per day', () => {
    expect(rows(7)).toEqual([
      ['2026-11-25', 'zero_rtt_non_idempotent', 'warning', 1, 0],
      ['2026-11-25', 'zero_rtt_replay', 'warning', 1, 0],
    ]);
  });

  it('8: the Retry capture took two round trips, because of the Retry', () => {
    expect(rows(8).map((r) => r.slice(0, 5))).toEqual([['retry', 1, 'localhost', 2, true]]);
  });

  it('9: the lossy capture waited head-of-line, and TCP would have waited longer', () => {
    expect(rows(9)).toHaveLength(1);
    const [source, waiting, quic, tcp] = rows(9)[0]! as [string, number, number, number];
    expect([source, waiting]).toEqual(['loss', 1]);
    expect(quic).toBeGreaterThan(50);
    expect(tcp).toBeGreaterThanOrEqual(quic);
  });

  it('10: path probes: the migrating connections challenged and answered; the keyless one shows none', () => {
    expect(rows(10)).toEqual([
      ['migration', 1, 6, 4],
      ['nat-rebinding', 1, 6, 4],
    ]);
  });
});
