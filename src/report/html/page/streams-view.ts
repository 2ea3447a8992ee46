import type { StallCauseJson, StreamDirectionJson, StreamsJson } from '../report-data-types.js';
import { h, onActivate, s, unknown } from './dom.js';
import type { Select } from './ladder-view.js';

const BAR_W = 280;
const BAR_H = 26;
/** streams drawn at most; the rest are counted */
const MAX_ROWS = 1000;
const COLOUR = { client: '#0072B2', server: '#D55E00', wait: '#E69F00', unfilled: '#999999' } as const;

function causeWords(c: StallCauseJson): string {
  if (c.where === 'after_capture') return `packet ${c.pn ?? '?'} (frame ${c.frame ?? '?'}) lost after the capture point`;
  const pns = c.missingPns?.length ? `; packet number${c.missingPns.length === 1 ? '' : 's'} ${c.missingPns.join(', ')} missing from the capture` : '';
  return `bytes ${c.bytes[0]}–${c.bytes[1]} never reached the capture point before later ones${pns} (inferred: ${c.reason})`;
}

function bytesWords(d: StreamDirectionJson): string {
  if (d.firstTime === null && !d.reset) return '–';
  return [`${d.bytes}`, d.retransmittedBytes ? `(${d.retransmittedBytes} again)` : '', d.fin ? 'FIN' : '', d.reset ? `RESET ${d.reset.errorCode}` : ''].filter(Boolean).join(' ');
}

/**
 * The streams of one connection as `streams` reports them: per stream a timeline of each
 * direction's data at the capture point, with its head-of-line waits (who was blocked, by
 * which loss: each wait selects the lost packet), then the waits in words and what one
 * ordered byte stream (TCP) would have done.
 */
export function streamsView(conn: number, r: StreamsJson | undefined, select: Select): HTMLElement {
  const box = h('div', { class: 'streams', 'data-testid': 'streams' }, h('h3', {}, 'Streams'));
  if (!r) return box;
  if (r.known.evidence === 'unknown' && r.streams.length === 0) {
    box.append(h('p', {}, 'Streams ', unknown(r.known.reason)));
    return box;
  }
  if (r.known.evidence !== 'proven') box.append(h('p', { class: 'why' }, r.known.reason));
  const times = r.streams.flatMap((x) => [x.client.firstTime, x.client.lastTime, x.server.firstTime, x.server.lastTime]).filter((t): t is number => t !== null);
  const stallTimes = r.stalls.flatMap((x) => [x.from, x.until]);
  const t0 = Math.min(...times, ...stallTimes);
  const t1 = Math.max(...times, ...stallTimes);
  const span = t1 - t0 || 1e-3;
  const x = (t: number) => 4 + ((t - t0) / span) * (BAR_W - 8);
  const frameButton = (frame: number, text: string) => {
    const b = h('button', { type: 'button', class: 'link', 'data-frame': frame }, text);
    onActivate(b, () => select(frame, conn));
    return b;
  };
  const rows = r.streams.slice(0, MAX_ROWS).map((st) => {
    const svg = s('svg', { class: 'stream-bar', viewBox: `0 0 ${BAR_W} ${BAR_H}`, width: BAR_W, height: BAR_H, role: 'img', 'aria-label': `stream ${st.id} over time` });
    const bar = (d: StreamDirectionJson, y: number, colour: string, dash: string | null) => {
      if (d.firstTime === null || d.lastTime === null) return;
      svg.appendChild(s('rect', { x: x(d.firstTime), y, width: Math.max(2, x(d.lastTime) - x(d.firstTime)), height: 7, fill: colour, opacity: 0.85, stroke: colour, 'stroke-dasharray': dash }));
    };
    bar(st.client, 4, COLOUR.client, null);
    bar(st.server, 14, COLOUR.server, '3 2');
    for (const w of r.stalls.filter((z) => z.stream === st.id)) {
      const target = w.cause.frame ?? w.filledBy.frame;
      const g = s(
        'g',
        {
          class: 'wait',
          tabindex: 0,
          role: 'button',
          'data-testid': 'hol-wait',
          'data-stream': st.id,
          // the lost packet's record; when it never reached the capture point, the one that filled the gap
          'data-frame': target,
          'data-pn': w.cause.where === 'after_capture' ? w.cause.pn : null,
          'aria-label': `stream ${st.id} waited ${w.waitMs} ms behind ${causeWords(w.cause)}`,
        },
        s('title', {}, `waited ${w.waitMs} ms, ${w.heldBytes} bytes held back, behind ${causeWords(w.cause)}; filled by frame ${w.filledBy.frame}`),
        s('rect', { x: x(w.from), y: 1, width: Math.max(3, x(w.until) - x(w.from)), height: BAR_H - 2, fill: 'none', stroke: COLOUR.wait, 'stroke-width': 2.5, 'pointer-events': 'all' }),
      );
      onActivate(g, () => select(target, conn));
      svg.appendChild(g);
    }
    for (const u of r.unfilled.filter((z) => z.stream === st.id)) {
      svg.appendChild(s('rect', { x: x(u.from), y: 1, width: Math.max(3, BAR_W - 4 - x(u.from)), height: BAR_H - 2, fill: 'none', stroke: COLOUR.unfilled, 'stroke-dasharray': '2 2' }, s('title', {}, `bytes ${u.cause.bytes[0]}–${u.cause.bytes[1]} never arrived as far as the capture shows, and were never sent again: no wait counted`)));
    }
    const req = st.request ? `${st.request.method ?? '?'} ${st.request.path ?? '?'} → ${st.request.status ?? '?'}` : '';
    return h(
      'tr',
      { 'data-testid': 'stream-row', 'data-stream': st.id },
      h('td', {}, String(st.id)),
      h('td', {}, `${st.opener} ${st.directionality}${st.role ? ` ${st.role}` : ''}`),
      h('td', { class: 'request' }, req),
      h('td', {}, bytesWords(st.client)),
      h('td', {}, bytesWords(st.server)),
      h('td', {}, st.quicWaitMs === null ? unknown(r.model.reason) : `${st.quicWaitMs} ms`),
      h('td', {}, st.tcpWaitMs === null ? unknown(r.model.reason) : `${st.tcpWaitMs} ms`),
      h('td', {}, svg),
    );
  });
  box.append(
    h('p', { class: 'hint' }, `Bars: the client's data (solid blue, upper) and the server's (dashed vermillion, lower) from ${t0.toFixed(3)} s to ${t1.toFixed(3)} s; an orange frame is a head-of-line wait: select it for the lost packet.`),
    h(
      'div',
      { class: 'wide' },
      h(
        'table',
        { class: 'streams-table' },
        h('thead', {}, h('tr', {}, ...['stream', 'opened by, type', 'request', 'client → server bytes', 'server → client bytes', 'waited here', 'under TCP', 'timeline'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...rows),
      ),
    ),
  );
  if (r.streams.length > MAX_ROWS) box.append(h('p', { class: 'why' }, `${r.streams.length - MAX_ROWS} more streams not drawn`));
  if (r.untrackedStreams) box.append(h('p', { class: 'why' }, `${r.untrackedStreams} STREAM frames of streams beyond the first 4096 were not followed`));
  if (r.model.evidence === 'unknown') box.append(h('p', {}, 'Head-of-line waits ', unknown(r.model.reason)));
  else {
    box.append(
      h('h4', {}, 'Who was blocked by which loss (each stream is delivered in order, RFC 9000 §2.2)'),
      r.stalls.length === 0
        ? h('p', {}, 'No stream had data waiting behind a missing byte.')
        : h(
            'ul',
            { class: 'stalls' },
            ...r.stalls.map((w) =>
              h(
                'li',
                { 'data-stream': w.stream },
                `stream ${w.stream} (${w.sender}'s bytes) waited ${w.waitMs} ms, ${w.from.toFixed(3)} s to ${w.until.toFixed(3)} s, ${w.heldBytes} bytes held back, behind ${causeWords(w.cause)} `,
                w.cause.frame !== null ? frameButton(w.cause.frame, `lost packet: frame ${w.cause.frame}`) : null,
                '; filled by ',
                frameButton(w.filledBy.frame, `frame ${w.filledBy.frame}`),
                w.othersDelivering.length ? `; meanwhile stream${w.othersDelivering.length === 1 ? '' : 's'} ${w.othersDelivering.join(', ')} kept delivering` : '; no other stream delivered meanwhile',
              ),
            ),
          ),
      ...(r.stallsOmitted ? [h('p', { class: 'why' }, `… and ${r.stallsOmitted} more`)] : []),
      h('h4', {}, 'What one ordered byte stream (HTTP/2 over TCP) would have done'),
      r.tcp.length === 0 ? h('p', {}, 'Nothing different: no loss had bytes of any stream behind it.') : h('ul', {}, ...r.tcp.map((t) => h('li', {}, t.sentence))),
      ...(r.tcpOmitted ? [h('p', { class: 'why' }, `… and ${r.tcpOmitted} more`)] : []),
    );
  }
  return box;
}
