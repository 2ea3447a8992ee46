import type { Connection } from '../../analysis/connection.js';
import { summaryToJson, type AnalysisView } from '../summary.js';

export interface ConnectionRow {
  connection: Connection;
  /** the connection as `summary --format json` prints it, with `findings`: its own findings from the document's list */
  row: Record<string, unknown>;
}

/** Each connection as the JSON row that `--filter` and `--fields` read on summary. */
export function connectionRows(v: AnalysisView): ConnectionRow[] {
  const doc = summaryToJson(v);
  const rows = doc.connections as Record<string, unknown>[];
  return v.connections.map((c, i) => ({ connection: c, row: { ...rows[i], findings: v.findings.filter((f) => f.connection === c.id) } }));
}

/**
 * The view narrowed to the connections a filter keeps, with their findings and unjudged
 * checks only, as `--connection` narrows it: `--fail-on` then judges those connections alone.
 */
export function narrowView(v: AnalysisView, keep: (row: Record<string, unknown>) => boolean): AnalysisView {
  const ids = new Set(connectionRows(v).filter((r) => keep(r.row)).map((r) => r.connection.id));
  return {
    ...v,
    connections: v.connections.filter((c) => ids.has(c.id)),
    findings: v.findings.filter((f) => ids.has(f.connection)),
    unjudged: v.unjudged.filter((u) => ids.has(u.connection)),
  };
}
