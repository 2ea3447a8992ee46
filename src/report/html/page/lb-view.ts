import { h, onActivate } from './dom.js';
import type { Select } from './ladder-view.js';

interface Listener {
  file: string;
  line: number;
  kind: string;
  listen: string;
  routingKey: string;
  verdicts: Record<string, string>;
  advice?: string;
}
interface Replay {
  capture: string;
  portsDiffered: boolean;
  connections: { id: number; listen: string; packets: number; backends: string[]; firstMovedFrame: number | null; moved: string | null; unroutable: { frame: number; reason: string }[] }[];
}

/** `lb check --capture` as a page: each listener's verdicts, then the capture's connections replayed through it. */
export function lbView(lb: Record<string, unknown>, select: Select): HTMLElement {
  const listeners = (lb.listeners ?? []) as Listener[];
  const replay = lb.replay as Replay | undefined;
  const skipped = (lb.skipped ?? []) as { file: string; line: number; listen: string; reason: string }[];
  const frameLink = (frame: number, connection: number) => {
    const b = h('button', { type: 'button', class: 'link', 'data-frame': frame }, `frame ${frame}`);
    onActivate(b, () => select(frame, connection));
    return b;
  };
  return h(
    'section',
    { 'data-view': 'lb', id: 'lb', 'data-testid': 'lb-replay', 'aria-labelledby': 'lb-title' },
    h('h2', { id: 'lb-title' }, 'Load balancer replay'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['config', 'listener', 'routes by', 'port change', 'address change', 'preferred address'].map((x) => h('th', { scope: 'col' }, x)))),
      h(
        'tbody',
        {},
        ...listeners.flatMap((l) => [
          h(
            'tr',
            {},
            h('td', {}, `${l.file}:${l.line}`),
            h('td', {}, `${l.kind} ${l.listen}`),
            h('td', {}, l.routingKey),
            ...['portChange', 'addressChange', 'preferredAddress'].map((k) => h('td', { class: `verdict-${l.verdicts[k] ?? 'unknown'}` }, l.verdicts[k] ?? 'unknown')),
          ),
          // the advice under its listener, across the row: it is a paragraph, not a cell
          l.advice ? h('tr', { class: 'advice' }, h('td', { colspan: 6 }, l.advice)) : null,
        ].filter((x): x is HTMLTableRowElement => x !== null)),
      ),
    ),
    skipped.length ? h('p', { class: 'why' }, `Not judged: ${skipped.map((x) => `${x.file}:${x.line} ${x.listen} (${x.reason})`).join('; ')}`) : null,
    replay
      ? h(
          'div',
          {},
          h('h3', {}, `Replay of ${replay.capture}${replay.portsDiffered ? ' (its server port differs from the config’s: every client packet went through the one listener)' : ''}`),
          h(
            'ul',
            {},
            ...replay.connections.map((r) =>
              h(
                'li',
                { 'data-connection': r.id },
                `connection ${r.id} via ${r.listen}: ${r.packets} client packets to ${r.backends.length ? r.backends.join(' then ') : 'backends the algorithm does not make public'}`,
                r.firstMovedFrame !== null ? h('span', { class: 'verdict validated-false' }, '; first packet to another backend: ') : '; every packet reaches the same backend',
                r.firstMovedFrame !== null ? frameLink(r.firstMovedFrame, r.id) : null,
                r.moved ? ` (${r.moved})` : null,
                r.unroutable.length ? h('div', { class: 'why' }, `${r.unroutable.length} packets unroutable, e.g. frame ${r.unroutable[0]!.frame}: ${r.unroutable[0]!.reason}`) : null,
              ),
            ),
          ),
        )
      : null,
  );
}
