import Table from 'cli-table3';
import type { LogCrosscheck, PacketRef } from '../analysis/crosscheck.js';
import { unexplained } from '../analysis/crosscheck.js';
import type { Palette } from './colour.js';

/** `crosscheck --format json` (docs/json.md) */
export function crosscheckToJson(capture: string, logs: LogCrosscheck[]): Record<string, unknown> {
  return { capture, logs: logs.map((l) => ({ ...l, unexplained: unexplained(l) })) };
}

const SHOWN = 8;

/** the first few of a list, and how many more there are (`total` counts those not listed too) */
function refs(list: readonly PacketRef[], total = list.length): string {
  const shown = list.slice(0, SHOWN).map((r) => (r.pn < 0 ? `${r.type} (${r.at})` : `${r.type} ${r.pn} (${r.at})`));
  return shown.join(', ') + (total > shown.length ? `, and ${total - shown.length} more` : '');
}

/** `crosscheck` for people: a row per log, then the packets behind each number */
export function crosscheckTable(capture: string, logs: LogCrosscheck[], colour: Palette): string {
  const t = new Table({
    head: ['log', 'side', 'conn', 'sent: logged / wire', 'received: logged / wire', 'not in capture', 'lost before capture', 'unlogged on wire', 'disagreements'].map(colour.bold),
    style: { head: [], border: [] },
  });
  const n = (x: number, bad = false) => (x === 0 ? '0' : bad ? colour.red(String(x)) : colour.yellow(String(x)));
  for (const l of logs) {
    t.push([
      l.file.split('/').pop()!,
      l.vantage,
      l.connection === null ? colour.red('none') : String(l.connection),
      `${l.sent.logged} / ${l.sent.onWire}`,
      `${l.received.logged} / ${l.received.onWire}`,
      n(l.counts.missingFromCapture),
      n(l.counts.lostBeforeCapture),
      n(l.counts.unloggedOnWire, l.counts.unexplainedUnlogged > 0),
      n(l.counts.mismatches, true),
    ]);
  }
  const parts = [colour.bold(`Endpoint logs against ${capture}`), t.toString()];
  for (const l of logs) {
    const lines: string[] = [];
    if (l.connection === null) lines.push(`  ${colour.red('!')} no connection in the capture has this log's original DCID`);
    if (l.missingFromCapture.length) lines.push(`  · not in the capture, though the peer logged receiving them (the capture dropped them): ${refs(l.missingFromCapture, l.counts.missingFromCapture)}`);
    if (l.lostBeforeCapture.length) lines.push(`  · logged as sent, not in the capture, not logged by the peer (lost before the capture point, or never sent): ${refs(l.lostBeforeCapture, l.counts.lostBeforeCapture)}`);
    const explained = l.unloggedOnWire.filter((u) => u.explained);
    const bare = l.unloggedOnWire.filter((u) => !u.explained);
    if (explained.length) lines.push(`  · on the wire, not in the log, explained: ${[...new Set(explained.map((u) => u.explained))].join('; ')}: ${refs(explained, l.counts.unloggedOnWire - l.counts.unexplainedUnlogged)}`);
    if (bare.length) lines.push(`  ${colour.red('!')} on the wire from this side but not in its log: ${refs(bare, l.counts.unexplainedUnlogged)}`);
    const heardOf = l.notLoggedAsReceived.filter((r) => r.explained);
    const unheard = l.notLoggedAsReceived.filter((r) => !r.explained);
    if (heardOf.length) lines.push(`  · on the wire towards this side, not in its log, explained: ${[...new Set(heardOf.map((r) => r.explained))].join('; ')}: ${refs(heardOf, l.counts.explainedNotReceived)}`);
    if (unheard.length) lines.push(`  · on the wire towards this side, never logged as received: ${refs(unheard, l.counts.notLoggedAsReceived - l.counts.explainedNotReceived)}`);
    if (l.unchecked) lines.push(`  · ${l.unchecked} logged packets in spaces the capture could not open (give the key log with --keylog) were not checked`);
    for (const m of l.mismatches.slice(0, SHOWN)) {
      lines.push(`  ${colour.red('!')} ${m.space} packet ${m.pn} (frame ${m.frame}, record ${m.record}): ${m.field} ${m.wire} on the wire, ${m.logged} in the log`);
    }
    if (l.counts.mismatches > SHOWN) lines.push(`  ${colour.red('!')} and ${l.counts.mismatches - SHOWN} more disagreements`);
    if (lines.length) parts.push(`${l.file} (${l.vantage})\n${lines.join('\n')}`);
  }
  return parts.join('\n\n') + '\n';
}
