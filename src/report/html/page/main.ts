import { isPackedRecords, unpackRecords } from '../packed-records.js';
import type { ReportData } from '../report-data-types.js';
import { connectionView } from './connection-view.js';
import { h } from './dom.js';
import { findingsView } from './findings-view.js';
import { lbView } from './lb-view.js';
import { overview } from './overview.js';
import { PacketList } from './packet-list.js';
import { PacketStore } from './packet-store.js';
import { recoveryView } from './recovery-view.js';
import { streamsView } from './streams-view.js';

/**
 * The report page: reads the analysis embedded as JSON and draws every view from it. Sets
 * `data-ready` on <main> last, when everything is drawn (the browser tests wait for it).
 */
function start(): void {
  const root = document.getElementById('report')!;
  const data = JSON.parse(document.getElementById('report-data')!.textContent ?? '{}') as ReportData;
  unpackLists(data);
  const list = new PacketList(new PacketStore(data.packets));
  const select = (frame: number, connection?: number) => {
    list.select(frame, connection);
  };
  const story = h(
    'div',
    { class: 'story' },
    overview(data),
    findingsView(data, select),
    ...data.summary.connections.map((c) =>
      connectionView(data, c, select, [
        data.streams ? streamsView(c.id, data.streams[String(c.id)], select) : null,
        data.recovery ? recoveryView(c.id, data.recovery[String(c.id)], select) : null,
      ]),
    ),
    data.lb ? lbView(data.lb, select) : null,
  );
  const nav = h(
    'nav',
    { 'aria-label': 'views' },
    h('a', { href: '#overview' }, 'Overview'),
    h('a', { href: '#findings' }, 'Findings'),
    ...data.summary.connections.map((c) => h('a', { href: `#connection-${c.id}` }, `Connection ${c.id}`)),
    data.lb ? h('a', { href: '#lb' }, 'Load balancer') : null,
    h('a', { href: '#packets' }, 'Packets'),
  );
  root.replaceChildren(nav, h('div', { class: 'columns' }, story, h('div', { class: 'side' }, list.element)));
  list.start();
  root.setAttribute('data-ready', 'true');
}

/** the recovery lists the report command packed (packed-records.ts), back as the command's JSON */
function unpackLists(data: ReportData): void {
  for (const r of Object.values(data.recovery ?? {})) {
    const rec = r.recovery as Record<string, unknown> | null;
    if (!rec) continue;
    for (const [k, v] of Object.entries(rec)) if (isPackedRecords(v)) rec[k] = unpackRecords(v);
  }
}

try {
  start();
} catch (err) {
  const root = document.getElementById('report');
  root?.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The report could not be drawn: ${(err as Error).message}`));
  throw err;
}
