import { openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sniffFormat } from '../capture/sniff-format.js';
import { fileErrorMessage } from '../wire/file-error.js';
import { processIo, type CommandIo } from './command-io.js';
import { INDEX_SETTINGS } from '../store/duckdb-tables.js';
import { indexCaptureToDb, indexCaptureToParquet, NotIndexed, type IndexResult } from './index-capture.js';
import type { IndexCommandOptions } from './index-options.js';
import { note } from './notes.js';

/** the files a folder holds that are captures or qlogs (by their first bytes), in name order, its subfolders too */
function captureFiles(dir: string, skipped: string[]): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info || name.startsWith('.')) continue;
    if (info.isDirectory()) files.push(...captureFiles(path, skipped));
    else if (info.isFile() && firstBytesFormat(path) !== null) files.push(path);
    else skipped.push(path);
  }
  return files;
}

function firstBytesFormat(path: string): ReturnType<typeof sniffFormat> {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64);
    return sniffFormat(head.subarray(0, readSync(fd, head, 0, 64, 0)));
  } finally {
    closeSync(fd);
  }
}

/** `quiclens index INPUT… --db FILE | --parquet DIR`: each capture's rows into the tables (docs/tables.md) */
export async function indexCommand(opts: IndexCommandOptions, io: CommandIo = processIo(opts)): Promise<number> {
  const { out } = io;
  let code = 0;
  const fail = (message: string) => {
    process.stderr.write(`quiclens: ${message}\n`);
    code = 2;
  };
  const files: string[] = [];
  const passed: string[] = [];
  for (const input of opts.inputs) {
    const info = statSync(input, { throwIfNoEntry: false });
    if (!info) fail(`${input}: no such file or folder`);
    else if (info.isDirectory()) files.push(...captureFiles(input, passed));
    else files.push(input);
  }
  for (const p of passed) note(`${p}: passed over: not a capture or qlog`);
  const instance = opts.db !== undefined ? await DuckDBInstance.create(opts.db, { ...INDEX_SETTINGS }) : undefined;
  const conn = await instance?.connect();
  const options = { keylog: opts.keylog, port: opts.port, source: opts.source };
  const results: IndexResult[] = [];
  try {
    for (const file of files) {
      try {
        const done: IndexResult[] = [];
        if (conn) done.push(await indexCaptureToDb(conn, file, options));
        if (opts.parquet !== undefined) done.push(await indexCaptureToParquet(file, opts.parquet, options));
        for (const r of done) {
          for (const p of r.problems) process.stderr.write(`quiclens: ${p}\n`);
          // a capture cut short is indexed as far as it could be read, and said to be (exit 2, as every command)
          if (r.incomplete) code = 2;
          results.push(r);
          if (opts.format === 'table') out.write(resultLine(r, done.length > 1 ? (r === done[0] ? 'db' : 'parquet') : undefined));
          else if (opts.format === 'ndjson') out.write(JSON.stringify(r) + '\n');
        }
      } catch (err) {
        if (err instanceof NotIndexed) fail(err.message);
        else if ((err as NodeJS.ErrnoException).code) fail(`${file}: ${fileErrorMessage(err, 'a capture file')}`);
        else throw err;
      }
    }
  } finally {
    conn?.closeSync();
    instance?.closeSync();
  }
  if (opts.format === 'json') out.write(JSON.stringify(results, null, 2) + '\n');
  await out.flush();
  return code;
}

function resultLine(r: IndexResult, where: string | undefined): string {
  const to = where ? ` (${where})` : '';
  if (r.skipped) return `${r.path}${to}: skipped: ${r.skipped}\n`;
  const n = r.rows;
  return `${r.path}${to}: ${r.captureId.slice(0, 12)}: ${n.connections} connections, ${n.packets} packets, ${n.frames} frames, ${n.migrations} migrations, ${n.findings} findings, ${n.streams} streams\n`;
}
