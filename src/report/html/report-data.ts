import { explainSentences } from '../ladder.js';
import { summaryToJson, unknownTls, type AnalysisView } from '../summary.js';
import type { PackedPackets } from './packed-packets.js';
import type { ReportData, SummaryJson } from './report-data-types.js';

export interface ReportParts {
  generator: string;
  options: ReportData['options'];
  view: AnalysisView;
  packets: PackedPackets;
  /** `lbToJson` of the --lb configs with the replay, when --lb was given */
  lb?: Record<string, unknown>;
  problems: string[];
}

/**
 * The report's data: the JSON `summary`, `timeline --explain`, `packets` and `lb check`
 * print, gathered as they are, never computed again here.
 */
export function buildReportData(parts: ReportParts): ReportData {
  const { view } = parts;
  const explain: Record<string, string[]> = {};
  const unknown: ReportData['unknownTls'] = {};
  for (const c of view.connections) {
    explain[String(c.id)] = explainSentences(view.handshake(c).events);
    const u = unknownTls(view, c);
    if (u) unknown[String(c.id)] = u;
  }
  return {
    generator: parts.generator,
    options: parts.options,
    // the same object `summary --format json` prints, through JSON so that the page reads what a tool would
    summary: JSON.parse(JSON.stringify(summaryToJson(view))) as SummaryJson,
    explain,
    unknownTls: unknown,
    packets: parts.packets,
    ...(parts.lb ? { lb: parts.lb } : {}),
    problems: parts.problems,
  };
}
