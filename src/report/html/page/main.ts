import { PacketTable } from '../packed-packets.js';
import { isPackedRecords, unpackRecords } from '../packed-records.js';
import type { ConnectionJson, ReportData } from '../report-data-types.js';
import { connectionView } from './connection-view.js';
import { h } from './dom.js';
import { findingsView } from './findings-view.js';
import { inflateBase64 } from './inflate.js';
import { lbView } from './lb-view.js';
import { overview } from './overview.js';
import { PacketList } from './packet-list.js';
import { PacketStore } from './packet-store.js';
import { recoveryView } from './recovery-view.js';
import { streamsView } from './streams-view.js';

/** connections drawn before the page says it is ready; the others as they come into view, or when the page is idle */
const EAGER_CONNECTIONS = 8;

/**
 * The report page: reads the analysis embedded as JSON and the packet table, and draws the
 * views from them. The overview, the findings and the first connections are drawn at once,
 * the packet list as soon as its table is inflated; then `data-ready="true"` on <main>:
 * from there the page answers input (the browser tests and the bench wait for it). Further
 * connections are drawn when they scroll near, when the page is idle, or before printing;
 * `data-views="all"` says when the last one is.
 */
async function start(): Promise<void> {
  const root = document.getElementById('report')!;
  const data = JSON.parse(document.getElementById('report-data')!.textContent ?? '{}') as ReportData;
  const packed = inflateBase64(document.getElementById('report-packets')?.textContent?.trim() ?? '');
  unpackLists(data);
  let list: PacketList | undefined;
  const select = (frame: number, connection?: number) => {
    list?.select(frame, connection);
  };
  const drawConnection = (c: ConnectionJson) =>
    connectionView(data, c, select, [
      data.streams ? streamsView(c.id, data.streams[String(c.id)], select) : null,
      data.recovery ? recoveryView(c.id, data.recovery[String(c.id)], select) : null,
    ]);
  const later = new Map<Element, () => void>();
  const connections = data.summary.connections.map((c, k) => {
    if (k < EAGER_CONNECTIONS) return drawConnection(c);
    const shell = h(
      'section',
      { 'data-view': 'connection', 'data-connection': c.id, id: `connection-${c.id}`, class: 'not-drawn', 'aria-busy': 'true' },
      h('h2', {}, `Connection ${c.id}: ${c.client ?? 'client unknown'} ⇄ ${c.server ?? 'server unknown'}`),
      h('p', { class: 'hint' }, 'Drawn when it comes into view.'),
    );
    later.set(shell, () => shell.replaceWith(drawConnection(c)));
    return shell;
  });
  const story = h('div', { class: 'story' }, overview(data), findingsView(data, select), ...connections, data.lb ? lbView(data.lb, select) : null);
  const nav = h(
    'nav',
    { 'aria-label': 'views' },
    h('a', { href: '#overview' }, 'Overview'),
    h('a', { href: '#findings' }, 'Findings'),
    ...data.summary.connections.map((c) => h('a', { href: `#connection-${c.id}` }, `Connection ${c.id}`)),
    data.lb ? h('a', { href: '#lb' }, 'Load balancer') : null,
    h('a', { href: '#packets' }, 'Packets'),
  );
  const side = h('div', { class: 'side' }, h('p', { class: 'list-status' }, `Reading ${data.packets.count} packets…`));
  root.replaceChildren(nav, h('div', { class: 'columns' }, story, side));
  drawLater(root, later);

  list = new PacketList(new PacketStore(new PacketTable(data.packets, await packed)));
  side.replaceChildren(list.element);
  list.start();
  root.setAttribute('data-ready', 'true');
}

/** the views not drawn yet: each as it nears the viewport, the rest one per idle moment, all before printing */
function drawLater(root: HTMLElement, later: Map<Element, () => void>): void {
  const finish = () => {
    if (later.size === 0) root.setAttribute('data-views', 'all');
  };
  const draw = (el: Element) => {
    const build = later.get(el);
    if (!build) return;
    later.delete(el);
    seen.unobserve(el);
    build();
    finish();
  };
  const seen = new IntersectionObserver((entries) => entries.forEach((e) => e.isIntersecting && draw(e.target)), { rootMargin: '800px 0px' });
  for (const el of later.keys()) seen.observe(el);
  window.addEventListener('beforeprint', () => [...later.keys()].forEach(draw));
  // Safari has no requestIdleCallback: a short timer stands in
  const idle = (fn: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 50));
  const step = () => {
    const next = later.keys().next();
    if (next.done) return;
    draw(next.value);
    idle(step);
  };
  idle(step);
  finish();
}

/** the recovery lists the report command packed (packed-records.ts), back as the command's JSON */
function unpackLists(data: ReportData): void {
  for (const r of Object.values(data.recovery ?? {})) {
    const rec = r.recovery as Record<string, unknown> | null;
    if (!rec) continue;
    for (const [k, v] of Object.entries(rec)) if (isPackedRecords(v)) rec[k] = unpackRecords(v);
  }
}

start().catch((err: unknown) => {
  const root = document.getElementById('report');
  root?.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The report could not be drawn: ${(err as Error).message}`));
  throw err;
});
