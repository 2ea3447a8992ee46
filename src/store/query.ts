import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './parquet-partition.js';
import { TABLE_NAMES } from './table-schema.js';

/** What a query reads: a DuckDB file written by `index --db`, or a folder written by `index --parquet`. */
export type QuerySource = { db: string } | { parquet: string };

/** a query's result: its column names and rows of plain JSON values */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** a problem with what the user gave (a missing file, bad SQL): exit 2, DuckDB's message as it is */
export class QueryError extends Error {}

/**
 * A connection over the tables: the database file opened read-only (queries never change
 * it, and several can read at once), or an in-memory database whose views, named like the
 * tables, read the Parquet files with their partition folders as the columns `date` and
 * `source` (`date=unknown` reads as null).
 */
export async function openTables(source: QuerySource): Promise<{ conn: DuckDBConnection; close: () => void }> {
  let instance: DuckDBInstance;
  if ('db' in source) {
    if (!existsSync(source.db)) throw new QueryError(`${source.db}: no such database file (write one with quiclens index --db)`);
    try {
      instance = await DuckDBInstance.create(source.db, { access_mode: 'READ_ONLY' });
    } catch (err) {
      throw new QueryError(`${source.db}: cannot open it as a DuckDB database: ${(err as Error).message}`);
    }
  } else {
    instance = await DuckDBInstance.create(':memory:');
  }
  const conn = await instance.connect();
  const close = () => {
    conn.closeSync();
    instance.closeSync();
  };
  if ('parquet' in source) {
    const tables = TABLE_NAMES.filter((t) => hasParquet(join(source.parquet, t)));
    if (tables.length === 0) {
      close();
      throw new QueryError(`${source.parquet}: no Parquet tables in it (write them with quiclens index --parquet)`);
    }
    for (const t of tables) {
      const glob = join(source.parquet, t, '*', '*', '*.parquet');
      await conn.run(
        `CREATE VIEW ${t} AS SELECT * REPLACE (NULLIF(date, 'unknown') AS date) FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, union_by_name = true, hive_types = {'date': VARCHAR, 'source': VARCHAR})`,
      );
    }
  }
  return { conn, close };
}

/** a table's folder holds at least one partition file */
function hasParquet(dir: string): boolean {
  try {
    return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.parquet'));
  } catch {
    return false;
  }
}

/** temporal and other values JSON has no type for: DuckDB's own text for them (`2026-11-25 04:32:01`) */
const AS_TEXT = new Set<DuckDBTypeId>([
  DuckDBTypeId.DATE,
  DuckDBTypeId.TIME,
  DuckDBTypeId.TIME_TZ,
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.INTERVAL,
  DuckDBTypeId.UUID,
  DuckDBTypeId.BLOB,
  DuckDBTypeId.BIT,
]);

/**
 * Runs one SQL text and returns its last statement's rows as plain JSON values: integers
 * (BIGINT, HUGEINT) as numbers when they fit a double exactly, else as strings; DECIMAL as
 * numbers; dates, times, timestamps, intervals and UUIDs as DuckDB's text for them.
 */
export async function runQuery(conn: DuckDBConnection, sql: string): Promise<QueryResult> {
  let reader;
  try {
    reader = await conn.runAndReadAll(sql);
  } catch (err) {
    throw new QueryError((err as Error).message);
  }
  const columns = reader.columnNames();
  const types = reader.columnTypes();
  const js = reader.getRowsJS();
  const text = types.some((t) => AS_TEXT.has(t.typeId)) ? reader.getRowsJson() : null;
  const rows = js.map((row, r) => row.map((v, c) => (text && AS_TEXT.has(types[c]!.typeId) ? text[r]![c] : plain(v))));
  return { columns, rows };
}

/** a value of DuckDB's JS converter as JSON holds it */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
