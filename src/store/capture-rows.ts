import { summaryToJson, type AnalysisView } from '../report/summary.js';
import { streamsToJson } from '../report/streams-report.js';
import type { RowContext, TableName } from './table-schema.js';

/** Where rows go: a DuckDB appender per table (duckdb-tables.ts), or anything else that takes rows. */
export interface RowSink {
  add(table: TableName, row: Record<string, unknown>, context: RowContext): void;
}

/** What the captures row says of the file beside what the analysis read from it. */
export interface CaptureFacts {
  path: string;
  bytes: number;
  source: string;
  /** the capture's id: SHA-256 of its bytes (capture-id.ts) */
  captureId: string;
}

export type RowCounts = Record<TableName, number>;

/**
 * One capture's rows, built from the JSON the commands print (packetToJson,
 * summaryToJson, streamsToJson): packets and their frames as they are read, the rest when
 * the analysis ends. The captures row comes last: it marks the capture as indexed whole.
 */
export class CaptureRows {
  private readonly counts: RowCounts = { captures: 0, connections: 0, packets: 0, frames: 0, migrations: 0, findings: 0, streams: 0 };

  constructor(
    private readonly sink: RowSink,
    private readonly captureId: string,
  ) {}

  /** one packet as `packets --format ndjson` prints it (packetToJson) */
  packet(json: Record<string, unknown>): void {
    const seq = ++this.counts.packets;
    this.sink.add('packets', json, { captureId: this.captureId, seq });
    const frames = json.frames as Record<string, unknown>[];
    const connection = json.connection as number;
    for (let index = 0; index < frames.length; index++) {
      this.sink.add('frames', frames[index]!, { captureId: this.captureId, seq, connection, index });
    }
    this.counts.frames += frames.length;
  }

  /** the rest of the capture's rows, from the analysis once every packet is read; then its captures row */
  finish(view: AnalysisView, facts: CaptureFacts): RowCounts {
    const captureId = this.captureId;
    const doc = summaryToJson(view);
    const connections = doc.connections as Record<string, unknown>[];
    connections.forEach((c, i) => {
      this.sink.add('connections', c, { captureId, seq: i + 1 });
      const migrations = c.migrations as Record<string, unknown>[];
      migrations.forEach((m, j) => this.sink.add('migrations', m, { captureId, seq: j + 1, connection: c.id as number }));
      this.counts.migrations += migrations.length;
    });
    this.counts.connections = connections.length;
    const findings = doc.findings as unknown as Record<string, unknown>[];
    findings.forEach((f, i) => this.sink.add('findings', f, { captureId, seq: i + 1 }));
    this.counts.findings = findings.length;
    for (const c of view.connections) {
      const report = view.streams?.(c);
      if (!report) continue;
      const streams = streamsToJson(c, report).streams as Record<string, unknown>[];
      streams.forEach((s, i) => this.sink.add('streams', s, { captureId, seq: i + 1, connection: c.id }));
      this.counts.streams += streams.length;
    }
    const input = view.inputs[0];
    // a pcap's times are seconds since 1970; a qlog's may be relative to its own start (then no date is claimed)
    const firstTime = view.zero > 0 ? view.zero : null;
    this.sink.add(
      'captures',
      {
        path: facts.path,
        format: input?.format ?? null,
        records: input?.records ?? null,
        bytes: facts.bytes,
        firstTime,
        date: firstTime === null ? null : new Date(firstTime * 1000).toISOString().slice(0, 10),
        source: facts.source,
        packets: this.counts.packets,
        connections: this.counts.connections,
        findings: this.counts.findings,
        indexedAt: new Date().toISOString(),
      },
      { captureId, seq: 1 },
    );
    this.counts.captures = 1;
    return { ...this.counts };
  }
}
