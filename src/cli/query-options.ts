import type { Argv } from 'yargs';

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
