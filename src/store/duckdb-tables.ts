import { LIST, VARCHAR, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { RowSink } from './capture-rows.js';
import { TABLES, columnValue, type Column, type ColumnType, type RowContext, type TableName } from './table-schema.js';

/**
 * DuckDB's settings while indexing: its buffers (rows waiting to be written, the blocks it
 * writes) kept to this, the rest spilled to the database file, so a 1 GB capture does not
 * grow DuckDB's share of memory with its packets (DuckDB's default is 80% of the RAM).
 */
export const INDEX_SETTINGS: Readonly<Record<string, string>> = { memory_limit: '128MB' };

/** a JSON column is text to every engine that reads the Parquet */
function sqlType(t: ColumnType): string {
  return t === 'JSON' ? 'VARCHAR' : t;
}

/** `"name"`: a column name as SQL reads it whatever it is (`from`, `to`, `index` are keywords) */
export function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** the CREATE TABLE of every table, idempotent: a database indexed before takes more captures */
export async function createTables(conn: DuckDBConnection): Promise<void> {
  for (const t of TABLES) {
    const columns = t.columns.map((c) => `${quoteName(c.name)} ${sqlType(c.type)}`).join(', ');
    await conn.run(`CREATE TABLE IF NOT EXISTS ${t.name} (${columns})`);
  }
}

/** whether the capture is in the database already: its captures row is written last, so it is there only when whole */
export async function hasCapture(conn: DuckDBConnection, captureId: string): Promise<boolean> {
  const r = await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM captures WHERE captureId = $1', [captureId]);
  return (r.getRows()[0]![0] as number) > 0;
}

/** rows appended between two flushes: a batch is handed to DuckDB, so memory holds one batch per table, not the capture */
const BATCH_ROWS = 8192;

/**
 * The rows of one capture, appended to the tables through DuckDB's appender in batches.
 * The caller holds them in one transaction, so a capture is in the database whole or not at all.
 */
export class TableAppenders implements RowSink {
  private pending = 0;

  private constructor(private readonly appenders: ReadonlyMap<TableName, { appender: DuckDBAppender; columns: readonly Column[] }>) {}

  static async open(conn: DuckDBConnection): Promise<TableAppenders> {
    const map = new Map<TableName, { appender: DuckDBAppender; columns: readonly Column[] }>();
    for (const t of TABLES) map.set(t.name, { appender: await conn.createAppender(t.name), columns: t.columns });
    return new TableAppenders(map);
  }

  add(table: TableName, row: Record<string, unknown>, context: RowContext): void {
    const { appender, columns } = this.appenders.get(table)!;
    for (const column of columns) append(appender, column, columnValue(column, row, context), table);
    appender.endRow();
    if (++this.pending >= BATCH_ROWS) this.flush();
  }

  flush(): void {
    for (const { appender } of this.appenders.values()) appender.flushSync();
    this.pending = 0;
  }

  close(): void {
    for (const { appender } of this.appenders.values()) appender.closeSync();
  }
}

const VARCHAR_LIST = LIST(VARCHAR);

function append(a: DuckDBAppender, column: Column, v: unknown, table: TableName): void {
  if (v === null) return a.appendNull();
  switch (column.type) {
    case 'VARCHAR':
    case 'JSON':
      if (typeof v === 'string') return a.appendVarchar(v);
      break;
    case 'BIGINT':
      if (typeof v === 'number' && Number.isInteger(v)) return a.appendBigInt(BigInt(v));
      break;
    case 'DOUBLE':
      if (typeof v === 'number') return a.appendDouble(v);
      break;
    case 'BOOLEAN':
      if (typeof v === 'boolean') return a.appendBoolean(v);
      break;
    case 'VARCHAR[]':
      if (Array.isArray(v)) return a.appendList(v as string[], VARCHAR_LIST);
      break;
  }
  // the JSON changed under the schema: a bug here, never a value written as something it is not
  throw new Error(`${table}.${column.name}: expected ${column.type}, the JSON holds ${JSON.stringify(v)}`);
}
