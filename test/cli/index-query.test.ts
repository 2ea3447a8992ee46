import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/captures.js';

function quiclens(...args: string[]) {
  const r = spawnSync('node', [join(REPO, 'bin/quiclens.js'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const WORK = mkdtempSync(join(tmpdir(), 'quiclens-index-cli-'));
const DB = join(WORK, 't.duckdb');
const PARQUET = join(WORK, 'pq');
const MIGRATION = join('captures', 'migration', 'migration.pcap');
const RETRY = join('captures', 'retry', 'retry.pcap');

describe('quiclens index and query', () => {
  let first: ReturnType<typeof quiclens>;
  beforeAll(() => {
    first = quiclens('index', MIGRATION, RETRY, '--keylog', 'captures/migration/keys.log', '--db', DB, '--parquet', PARQUET);
  }, 60_000);

  it('indexes each capture into both, and says what it wrote', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/migration\.pcap \(db\): b25036e90b63: 1 connections, 216 packets, 289 frames, 1 migrations/);
    expect(first.stdout).toMatch(/retry\.pcap \(parquet\): aeafa81ab6ae: 1 connections, 36 packets/);
  });

  it('skips a capture indexed before, as JSON too', () => {
    const r = quiclens('index', MIGRATION, '--db', DB, '--format', 'ndjson');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.skipped).toMatch(/indexed already/);
    expect(result.rows.packets).toBe(0);
  });

  it('answers SQL over the database as CSV, with integers as numbers and unknowns as empty cells', () => {
    const r = quiclens('query', 'SELECT id, sni, alpn, packetsTotal FROM connections ORDER BY packetsTotal', '--db', DB, '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('id,sni,alpn,packetsTotal\r\n1,localhost,,36\r\n1,localhost,h3,216\r\n');
  });

  it('answers SQL over the Parquet as NDJSON, with the partition columns and lists as arrays', () => {
    const r = quiclens('query', "SELECT source, date, seq, frameTypes, decrypted FROM packets WHERE source = 'migration' AND frame = 14 ORDER BY seq", '--parquet', PARQUET, '--format', 'ndjson');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual([{ source: 'migration', date: '2026-11-25', seq: 17, frameTypes: ['path_challenge', 'padding'], decrypted: true }]);
  });

  it('prints a table with null for unknowns, and JSON with timestamps and big integers as text', () => {
    const table = quiclens('query', "SELECT alpn FROM connections WHERE sni = 'localhost' ORDER BY alpn NULLS FIRST", '--db', DB, '--no-color');
    expect(table.stdout).toMatch(/│ null │[\s\S]*│ h3   │[\s\S]*2 rows/);
    const json = quiclens('query', "SELECT TIMESTAMP '2026-11-25 04:32:01' AS t, 9007199254740993::BIGINT AS big, 12::HUGEINT AS small, 1.50::DECIMAL(4,2) AS d", '--db', DB, '--format', 'json');
    expect(JSON.parse(json.stdout)).toEqual([{ t: '2026-11-25 04:32:01', big: '9007199254740993', small: 12, d: 1.5 }]);
  });

  it('bad SQL is exit 2 with DuckDB\'s message, no stack trace', () => {
    const r = quiclens('query', 'SELEC 1', '--db', DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^quiclens: query: Parser Error: syntax error at or near "SELEC"/);
    expect(r.stderr).not.toMatch(/ at .*\.js:\d+/);
  });

  it('a missing database or an empty folder is exit 2, saying which', () => {
    const missing = quiclens('query', 'SELECT 1', '--db', join(WORK, 'nope.duckdb'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.duckdb: no such database file/);
    const empty = quiclens('query', 'SELECT 1', '--parquet', WORK + '/empty');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no Parquet tables in it/);
  });

  it('a file that is no capture is not indexed: exit 2 naming it', () => {
    const junk = join(WORK, 'notes.txt');
    writeFileSync(junk, 'hello, not a capture\n');
    const r = quiclens('index', junk, '--db', DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt: not indexed: .*expected a capture/);
    const q = quiclens('query', 'SELECT count(*) AS n FROM captures', '--db', DB, '--format', 'csv');
    expect(q.stdout).toBe('n\r\n2\r\n');
  });

  it('usage: index needs --db or --parquet, query one of them', () => {
    expect(quiclens('index', MIGRATION).stderr).toMatch(/--db FILE.duckdb or --parquet DIR/);
    const r = quiclens('query', 'SELECT 1', '--db', DB, '--parquet', PARQUET);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/one of them/);
  });
});
