import { queryTable } from '../report/query-table.js';
import { FieldRows } from '../report/select/field-rows.js';
import { openTables, QueryError, runQuery, type QuerySource } from '../store/query.js';
import { processIo, type CommandIo } from './command-io.js';
import type { QueryOptions } from './query-options.js';

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
