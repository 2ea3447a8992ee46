import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLE_NAMES, type TableName } from './table-schema.js';

/** where a capture's files wait until they are whole: a dot folder, which Hive, Spark and DuckDB's globs pass over */
const TEMP_DIR = '.tmp';

/** a capture's partition: its date (`unknown` when the input has no absolute time) and its source */
export interface Partition {
  date: string | null;
  source: string;
}

/**
 * A partition value becomes a folder name (`source=lb-eu-1`): anything but letters, digits,
 * `.`, `_` and `-` is replaced with `_`, so no value can make a path or another key.
 */
export function partitionValue(s: string): string {
  const v = s.replace(/[^A-Za-z0-9._-]/g, '_');
  return v === '' || v === '.' || v === '..' ? '_' : v;
}

/** `DIR/<table>/date=YYYY-MM-DD/source=NAME/<captureId>.parquet` (Hive-style partitions) */
export function partitionFile(dir: string, table: TableName, p: Partition, captureId: string): string {
  return join(dir, table, `date=${p.date ?? 'unknown'}`, `source=${partitionValue(p.source)}`, `${captureId}.parquet`);
}

/** the captures file of this capture, wherever its partition is: present only when all its tables are in place */
export function findCaptureFile(dir: string, captureId: string): string | undefined {
  const base = join(dir, 'captures');
  for (const date of safeList(base)) {
    for (const source of safeList(join(base, date))) {
      if (safeList(join(base, date, source)).includes(`${captureId}.parquet`)) return join(base, date, source, `${captureId}.parquet`);
    }
  }
  return undefined;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Writes one capture's rows (every table of `conn`, which holds that capture alone) as its
 * Parquet partition files. Each file is written whole in a temporary folder under DIR by
 * DuckDB's COPY, then renamed into place (a rename within one file system is atomic), the
 * captures file last: a killed process leaves no half file, and a capture is listed in
 * `captures` only once all its tables are there. A file of the same capture written before
 * is replaced, never doubled: the name is the capture's id.
 */
export async function writePartition(conn: DuckDBConnection, dir: string, captureId: string, p: Partition): Promise<void> {
  const temp = join(dir, TEMP_DIR, `${captureId}-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(temp, { recursive: true });
  try {
    // captures last: its file is the mark that the capture is whole
    const order = [...TABLE_NAMES.filter((t) => t !== 'captures'), 'captures' as const];
    for (const table of order) {
      // date and source are the partition's folders: readers take them from the path (hive_partitioning)
      const select = table === 'captures' ? `SELECT * EXCLUDE (date, source) FROM captures` : `SELECT * FROM ${table}`;
      await conn.run(`COPY (${select}) TO ${sqlString(join(temp, `${table}.parquet`))} (FORMAT parquet)`);
    }
    for (const table of order) {
      const target = partitionFile(dir, table, p, captureId);
      mkdirSync(join(target, '..'), { recursive: true });
      renameSync(join(temp, `${table}.parquet`), target);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** a string literal in SQL */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

