import type { ConnectionJson, ReportData } from '../report-data-types.js';
import { h, unknown } from './dom.js';
import { ladderView, type Select } from './ladder-view.js';
import { migrationView } from './migration-view.js';

const FACT_NAMES: Record<string, string> = { complete: 'completion', roundTrips: 'round trips', durationMs: 'duration', confirmedAt: 'confirmation', ended: 'end' };

/** the handshake's outcome in words, each unknown with its reason (as `timeline` heads its ladder) */
function handshakeFacts(c: ConnectionJson): HTMLElement {
  const hs = c.handshake;
  const items: (HTMLElement | string)[] = [];
  if (hs.complete === null) items.push(h('li', {}, 'handshake completion ', unknown(hs.facts.complete?.reason)));
  else if (!hs.complete) items.push(h('li', {}, 'handshake not complete'));
  else {
    items.push(h('li', {}, hs.durationMs !== null ? `handshake complete after ${hs.durationMs.toFixed(3)} ms` : 'handshake complete'));
    items.push(h('li', {}, hs.roundTrips === null ? h('span', {}, 'round trips ', unknown(hs.facts.roundTrips?.reason)) : `${hs.roundTrips} round trip${hs.roundTrips === 1 ? '' : 's'}${hs.roundTripReasons.length ? ` (${hs.roundTripReasons.join(', ')})` : ''}`));
  }
  for (const [k, name] of Object.entries(FACT_NAMES)) {
    const f = hs.facts[k];
    if (f?.evidence === 'unknown' && !(k === 'complete' && hs.complete === null) && !(k === 'roundTrips' && hs.roundTrips === null)) items.push(h('li', {}, `${name} `, unknown(f.reason)));
  }
  return h('ul', { class: 'facts' }, ...items);
}

/** One connection: its handshake ladder, its migrations, and (when the analyses give them) its streams and recovery. */
export function connectionView(data: ReportData, c: ConnectionJson, select: Select, extra: (HTMLElement | null)[]): HTMLElement {
  const title = `Connection ${c.id}: ${c.client ?? 'client unknown'} ⇄ ${c.server ?? 'server unknown'}`;
  return h(
    'section',
    { 'data-view': 'connection', 'data-connection': c.id, id: `connection-${c.id}`, 'aria-labelledby': `connection-${c.id}-title` },
    h('h2', { id: `connection-${c.id}-title` }, title),
    h('p', {}, `SNI `, c.sni ?? unknown(data.unknownTls[String(c.id)]?.why ?? 'not in the input'), `, ALPN `, c.alpn ?? unknown(data.unknownTls[String(c.id)]?.why ?? 'not in the input'), `, ${c.version ?? 'version unknown'}, cipher suite ${c.cipherSuite ?? 'unknown'}`),
    handshakeFacts(c),
    h('h3', {}, 'Handshake'),
    c.handshake.events.length === 0 ? h('p', {}, 'No handshake events in the input.') : ladderView(c, data.explain[String(c.id)] ?? [], data.explainLosses?.[String(c.id)], select),
    h('h3', {}, 'Migrations'),
    c.migrations.length === 0 ? h('p', {}, 'No migration: the connection kept its path.') : h('div', { class: 'migrations' }, ...c.migrations.map((m) => migrationView(c, m, select))),
    ...extra,
  );
}
