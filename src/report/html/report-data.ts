import { explainedLosses, explainSentences } from '../ladder.js';
import { streamsToJson } from '../streams-report.js';
import { summaryToJson, unknownTls, type AnalysisView } from '../summary.js';
import type { PacketTableMeta } from './packed-packets.js';
import { packRecords } from './packed-records.js';
import type { RecoveryConnectionJson, ReportData, StreamsJson, SummaryJson } from './report-data-types.js';

export interface ReportParts {
  generator: string;
  options: ReportData['options'];
  view: AnalysisView;
  packets: PacketTableMeta;
  /** `recovery --format json` */
  recovery?: Record<string, unknown>;
  /** `lbToJson` of the --lb configs with the replay, when --lb was given */
  lb?: Record<string, unknown>;
  problems: string[];
}

/**
 * The report's data: the JSON `summary`, `timeline --explain` (its sentences for the steps and the losses), `packets`, `recovery`,
 * `streams` and `lb check` print, gathered as they are, never computed again here.
 */
export function buildReportData(parts: ReportParts): ReportData {
  const { view } = parts;
  const explain: Record<string, string[]> = {};
  const unknown: ReportData['unknownTls'] = {};
  const losses: ReportData['explainLosses'] = {};
  for (const c of view.connections) {
    explain[String(c.id)] = explainSentences(view.handshake(c).events);
    // the losses timeline --explain puts on the ladder, with its sentences
    const lost = explainedLosses(c, view.handshake(c), view.zero, view.recovery?.losses(c) ?? [], view.loggedRecovery?.(c)?.lost.declared ?? []);
    if (lost.losses.length > 0) losses[String(c.id)] = lost;
    const u = unknownTls(view, c);
    if (u) unknown[String(c.id)] = u;
  }
  // `recovery --format json`, by connection id, its long lists packed
  let recovery: ReportData['recovery'];
  if (parts.recovery) {
    const doc = JSON.parse(JSON.stringify(parts.recovery)) as { connections: RecoveryConnectionJson[] };
    recovery = Object.fromEntries(doc.connections.map((c) => [String(c.id), packRecoveryLists(c)]));
  }
  // `streams --format json`, by connection id
  let streams: ReportData['streams'];
  if (view.streams) {
    const report = view.streams;
    streams = Object.fromEntries(view.connections.map((c) => [String(c.id), JSON.parse(JSON.stringify(streamsToJson(c, report(c)))) as StreamsJson]));
  }
  return {
    generator: parts.generator,
    options: parts.options,
    // the same object `summary --format json` prints, through JSON so that the page reads what a tool would
    summary: JSON.parse(JSON.stringify(summaryToJson(view))) as SummaryJson,
    explain,
    explainLosses: losses,
    unknownTls: unknown,
    packets: parts.packets,
    ...(recovery ? { recovery } : {}),
    ...(streams ? { streams } : {}),
    ...(parts.lb ? { lb: parts.lb } : {}),
    problems: parts.problems,
  };
}

/** the lists of one connection's recovery that grow with the capture (a sample per ACK, per packet): packed (packed-records.ts) */
const LONG_LISTS = ['losses', 'rttSamples', 'flight', 'flowControlWaits'] as const;

function packRecoveryLists(c: RecoveryConnectionJson): RecoveryConnectionJson {
  if (!c.recovery) return c;
  const rec = { ...c.recovery } as Record<string, unknown>;
  for (const k of LONG_LISTS) if (Array.isArray(rec[k])) rec[k] = packRecords(rec[k] as Record<string, unknown>[]);
  return { ...c, recovery: rec as unknown as RecoveryConnectionJson['recovery'] };
}
