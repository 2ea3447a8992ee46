import { mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { packetToJson } from '../report/packet-json.js';
import { captureIdOf } from '../store/capture-id.js';
import { CaptureRows, type RowCounts } from '../store/capture-rows.js';
import { createTables, hasCapture, INDEX_SETTINGS, TableAppenders } from '../store/duckdb-tables.js';
import { findCaptureFile, partitionValue, writePartition } from '../store/parquet-partition.js';
import { analyseInputs } from './analyse-inputs.js';
import { readKeyLogs } from './keylogs.js';
import { ProblemReporter } from './problems.js';

/** How one capture is indexed (the options `quiclens index` and a queue job share). */
export interface IndexOptions {
  /** TLS key logs (SSLKEYLOGFILE format) to decrypt with */
  keylog?: readonly string[];
  /** UDP ports where QUIC runs (a hint, as `--port`) */
  port?: readonly number[];
  /** the capture's source, its Parquet partition (`source=NAME`); by default the name of the folder holding it */
  source?: string;
}

/** What indexing one capture did. */
export interface IndexResult {
  captureId: string;
  /** the path as given */
  path: string;
  /** rows written per table; all 0 when skipped */
  rows: RowCounts;
  /** why nothing was written: the capture (same bytes) was indexed before */
  skipped?: string;
  /** problems with the input, one line each (the rows hold what could be read) */
  problems: string[];
  /** the input could not be read to its end: the rows hold what was read before the problem */
  incomplete?: true;
}

/** a file that holds no capture or qlog to index: the message names the file and what was wrong */
export class NotIndexed extends Error {}

const NO_ROWS: RowCounts = { captures: 0, connections: 0, packets: 0, frames: 0, migrations: 0, findings: 0, streams: 0 };

/** the default source of a capture: the folder it is in (`/mirror/lb-eu-1/0001.pcap` → `lb-eu-1`) */
export function defaultSource(path: string): string {
  return partitionValue(basename(dirname(resolve(path))));
}

/**
 * Reads one capture through the analysis and appends its rows to the tables of `conn`, in
 * one transaction: a capture is in the database whole or not at all. Rows are appended in
 * batches as the packets are read, so memory does not grow with the capture's packets.
 */
async function appendCapture(conn: DuckDBConnection, path: string, captureId: string, opts: IndexOptions): Promise<{ rows: RowCounts; problems: string[]; date: string | null; source: string; incomplete?: true }> {
  const lines: string[] = [];
  const problems = new ProblemReporter((s) => lines.push(s.replace(/^quiclens: /, '').trimEnd()));
  const source = partitionValue(opts.source ?? defaultSource(path));
  await conn.run('BEGIN TRANSACTION');
  let appenders: TableAppenders | undefined;
  try {
    appenders = await TableAppenders.open(conn);
    const rows = new CaptureRows(appenders, captureId);
    const { view } = await analyseInputs(
      { inputs: [path], keylog: [...(opts.keylog ?? [])], port: [...(opts.port ?? [])], color: false },
      (p) => rows.packet(packetToJson(p)),
      problems,
      // each capture of a run is matched against all the key logs: one that fits another capture is no problem here
      { keyLogs: readKeyLogs([...(opts.keylog ?? [])], problems) },
    );
    // nothing was read (not a capture, or unreadable from its first byte): no rows, not an empty capture
    if (view.inputs.length === 0) {
      problems.finish();
      throw new NotIndexed(`${path}: not indexed: ${lines.join('; ') || 'no capture or qlog in it'}`);
    }
    const counts = rows.finish(view, { path, bytes: statSync(path).size, source, captureId });
    appenders.close();
    appenders = undefined;
    await conn.run('COMMIT');
    problems.finish();
    const incomplete = problems.exitCode !== 0;
    const first = view.zero > 0 ? new Date(view.zero * 1000).toISOString().slice(0, 10) : null;
    return { rows: counts, problems: lines, date: first, source, ...(incomplete ? { incomplete } : {}) };
  } catch (err) {
    appenders?.close();
    await conn.run('ROLLBACK');
    throw err;
  }
}

/**
 * Indexes one capture into the tables of an open DuckDB database (created when missing).
 * A capture whose bytes were indexed before is skipped, with the reason.
 */
export async function indexCaptureToDb(conn: DuckDBConnection, path: string, opts: IndexOptions = {}): Promise<IndexResult> {
  const captureId = await captureIdOf(path);
  await createTables(conn);
  if (await hasCapture(conn, captureId)) return { captureId, path, rows: { ...NO_ROWS }, skipped: `capture ${captureId.slice(0, 12)}… is indexed already (same bytes)`, problems: [] };
  const { rows, problems, incomplete } = await appendCapture(conn, path, captureId, opts);
  return { captureId, path, rows, problems, ...(incomplete ? { incomplete } : {}) };
}

/**
 * Indexes one capture as its Parquet partition under `parquetDir`
 * (`<table>/date=YYYY-MM-DD/source=NAME/<captureId>.parquet`, one file per table), the unit
 * of work of one queue job. The rows are built in a DuckDB database of their own, in
 * memory up to INDEX_SETTINGS' limit and spilled past it to a temporary folder under
 * `parquetDir` (so memory stays bounded), then each file
 * is written there and renamed into place, the captures file last (parquet-partition.ts):
 * a process killed at any point leaves no half file, and running the job again replaces
 * the files, never doubles rows. A capture whose captures file exists is skipped.
 */
export async function indexCaptureToParquet(inputPath: string, parquetDir: string, options: IndexOptions = {}): Promise<IndexResult> {
  const captureId = await captureIdOf(inputPath);
  if (findCaptureFile(parquetDir, captureId)) return { captureId, path: inputPath, rows: { ...NO_ROWS }, skipped: `capture ${captureId.slice(0, 12)}… is in ${parquetDir} already (same bytes)`, problems: [] };
  const work = join(parquetDir, '.tmp', `db-${captureId}-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(work, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { ...INDEX_SETTINGS, temp_directory: work });
  const conn = await instance.connect();
  try {
    await createTables(conn);
    const { rows, problems, date, source, incomplete } = await appendCapture(conn, inputPath, captureId, options);
    await writePartition(conn, parquetDir, captureId, { date, source });
    return { captureId, path: inputPath, rows, problems, ...(incomplete ? { incomplete } : {}) };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(work, { recursive: true, force: true });
  }
}
