import type { ConnectionJson, ReportData } from '../report-data-types.js';
import { h, unknown } from './dom.js';

/** a TLS fact of the overview: its value, or `unknown` with why */
function tlsCell(data: ReportData, c: ConnectionJson, value: string | null, name: string): HTMLElement | string {
  if (value !== null) return value;
  const u = data.unknownTls[String(c.id)];
  return unknown(u && u.missing.includes(name) ? u.why : c.log ? 'the log does not record it' : 'no TLS message in the capture says');
}

/** why a connection has no recovery report, as `recovery` says */
function noRecovery(data: ReportData, c: ConnectionJson): string {
  return data.recovery?.[String(c.id)]?.reason ?? 'not analysed';
}

/** each sender's loss rate, or `unknown` with why (as summary's loss column) */
function lossCells(data: ReportData, c: ConnectionJson): (HTMLElement | string)[] {
  const r = c.recovery;
  if (!r) return [unknown(noRecovery(data, c))];
  const side = (s: 'client' | 'server') => (r[s].lossPercent === null ? unknown(r.facts[`${s}.losses`]?.reason) : `${r[s].lossPercent!.toFixed(1)} %`);
  return [side('client'), ' / ', side('server')];
}

/** One row per connection: who, what it spoke, how long, how many packets, what was found. */
export function overview(data: ReportData): HTMLElement {
  const { connections, findings, inputs } = data.summary;
  const head = ['#', 'client', 'server', 'SNI', 'ALPN', 'version', 'duration', 'packets (decrypted)', 'loss client / server', 'RTT', 'findings'];
  const rows = connections.map((c) => {
    const mine = findings.filter((f) => f.connection === c.id).length;
    return h(
      'tr',
      { 'data-connection': c.id },
      h('td', {}, h('a', { href: `#connection-${c.id}` }, String(c.id))),
      h('td', {}, c.client ?? unknown('no address in the input')),
      h('td', {}, c.server ?? unknown('no address in the input')),
      h('td', { class: 'sni' }, tlsCell(data, c, c.sni, 'SNI')),
      h('td', {}, tlsCell(data, c, c.alpn, 'ALPN')),
      h('td', {}, c.version ?? unknown('no long-header packet says')),
      h('td', {}, `${c.durationMs.toFixed(1)} ms`),
      h('td', {}, `${c.packets.total} (${c.packets.decrypted})`),
      h('td', {}, ...lossCells(data, c)),
      h('td', {}, c.recovery?.endToEndRttMs != null ? `${c.recovery.endToEndRttMs.toFixed(3)} ms` : unknown(c.recovery ? c.recovery.facts.endToEndRtt?.reason : noRecovery(data, c))),
      h('td', {}, mine === 0 ? '0' : h('a', { href: '#findings' }, String(mine))),
    );
  });
  return h(
    'section',
    { 'data-view': 'overview', id: 'overview', 'aria-labelledby': 'overview-title' },
    h('h2', { id: 'overview-title' }, 'Overview'),
    h('p', {}, `${inputs.map((i) => `${i.path} (${i.format}, ${i.records} records)`).join('; ')}: ${connections.length} QUIC connection${connections.length === 1 ? '' : 's'}.`),
    connections.length === 0
      ? h('p', {}, 'No QUIC connections found.')
      : h('table', { class: 'overview' }, h('thead', {}, h('tr', {}, ...head.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, ...rows)),
    data.problems.length > 0 ? h('details', { class: 'problems' }, h('summary', {}, `${data.problems.length} problem${data.problems.length === 1 ? '' : 's'} reading the inputs`), h('ul', {}, ...data.problems.map((p) => h('li', {}, p)))) : null,
  );
}
