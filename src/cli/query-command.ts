import type { Argv } from 'yargs';
import { queryTable } from '../report/query-table.js';
import { FieldRows } from '../report/select/field-rows.js';
import { openTables, QueryError, runQuery, type QuerySource } from '../store/query.js';
import { processIo, type CommandIo } from './command-io.js';

export interface QueryOptions {
  sql: string;
  db?: string;
  parquet?: string;
  format: 'table' | 'json' | 'ndjson' | 'csv';
  header?: boolean;
  color: boolean;
  quiet?: boolean;
}

export function withQueryOptions<T>(y: Argv<T>) {
  return y
    .positional('sql', { describe: 'the SQL to run (DuckDB SQL) over the tables captures, connections, packets, frames, migrations, findings, streams', type: 'string', demandOption: true })
    .option('db', { describe: 'a DuckDB file written by quiclens index --db', type: 'string', requiresArg: true })
    .option('parquet', { describe: 'a folder written by quiclens index --parquet (read as views named like the tables)', type: 'string', requiresArg: true })
    .option('format', { describe: 'output format', choices: ['table', 'json', 'ndjson', 'csv'] as const, requiresArg: true, default: 'table' as const })
    .option('header', { describe: 'with --format csv: a first row of column names (--no-header leaves it out)', type: 'boolean', default: true })
    .option('color', { describe: 'colour on a terminal (--no-color to turn off)', type: 'boolean', default: true })
    .check((argv) => {
      const a = argv as unknown as QueryOptions;
      if ((a.db === undefined) === (a.parquet === undefined)) throw new Error('name what to query: --db FILE or --parquet DIR (one of them)');
      return true;
    });
}

/** `quiclens query "SQL"`: SQL over the tables `index` wrote, as a table, JSON, NDJSON or CSV (docs/tables.md). */
export async function queryCommand(opts: QueryOptions, io: CommandIo = processIo(opts)): Promise<number> {
  const source: QuerySource = opts.db !== undefined ? { db: opts.db } : { parquet: opts.parquet! };
  let tables: Awaited<ReturnType<typeof openTables>> | undefined;
  try {
    tables = await openTables(source);
    const { columns, rows } = await runQuery(tables.conn, opts.sql);
    const { out } = io;
    if (opts.format === 'table') out.write(queryTable(columns, rows, io.colour));
    else {
      // one writer for selected fields (--fields): each column by its position, so two columns of one name stay two
      const fields = columns.map((name, i) => ({ name, path: [String(i)] }));
      const writer = new FieldRows(fields, opts.format, out.write, opts.header ?? true);
      writer.start();
      for (const r of rows) {
        writer.add(Object.fromEntries(r.map((v, i) => [String(i), v])));
        await out.drain();
      }
      writer.end();
    }
    await out.flush();
    return 0;
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    process.stderr.write(`quiclens: query: ${err.message}\n`);
    return 2;
  } finally {
    tables?.close();
  }
}
