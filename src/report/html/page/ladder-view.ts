import type { ExplainedLoss } from '../../ladder.js';
import type { ConnectionJson, HandshakeEventJson } from '../report-data-types.js';
import { h, onActivate, s } from './dom.js';
import { glossary } from './glossary.js';

export type Select = (frame: number, connection?: number) => void;

/** where the two lifelines stand; in learner mode they move closer to leave room for the sentences */
interface Geometry {
  client: number;
  server: number;
  learner: boolean;
}
const PLAIN: Geometry = { client: 170, server: 560, learner: false };
const LEARNER: Geometry = { client: 80, server: 400, learner: true };
const TOP = 50;
const ROW = 44;
/** the least distance between two steps of the time-scaled ladder */
const GAP = 30;
const EXPLAIN_CHARS = 58;
const LINE = 15;

/** Okabe-Ito: blue for what the client sends, vermillion for the server */
const COLOUR = { client: '#0072B2', server: '#D55E00' } as const;

/**
 * A connection's handshake ladder as SVG: one arrow per event of `timeline`, placed by
 * its time or evenly, each one a control that selects its packet in the list; in learner
 * mode the `--explain` sentence of each step sits beside it, and the glossary opens.
 */
export function ladderView(conn: ConnectionJson, sentences: readonly string[], losses: { losses: ExplainedLoss[]; more: number } | undefined, select: Select): HTMLElement {
  let mode: 'time' | 'even' = 'even';
  let learner = false;
  const modeButton = h('button', { type: 'button', 'data-testid': 'ladder-mode', 'aria-pressed': 'false' }, 'time-scaled');
  const learnerButton = h('button', { type: 'button', 'data-testid': 'learner-mode', 'aria-pressed': 'false' }, 'learner mode');
  const words = glossary();
  const holder = h('div', { class: 'ladder-holder' });
  const more = h('p', { class: 'why', hidden: true }, losses?.more ? `and ${losses.more} more losses (quiclens recovery --format json lists them)` : '');
  const draw = () => {
    holder.replaceChildren(ladderSvg(conn, sentences, learner ? (losses?.losses ?? []) : [], mode, learner, select));
    more.hidden = !learner || !losses?.more;
  };
  modeButton.addEventListener('click', () => {
    mode = mode === 'even' ? 'time' : 'even';
    modeButton.setAttribute('aria-pressed', String(mode === 'time'));
    draw();
  });
  learnerButton.addEventListener('click', () => {
    learner = !learner;
    learnerButton.setAttribute('aria-pressed', String(learner));
    words.hidden = !learner;
    draw();
  });
  draw();
  return h(
    'div',
    { class: 'ladder' },
    h('div', { class: 'toolbar' }, modeButton, learnerButton, h('span', { class: 'hint' }, 'Each arrow is a packet: click it, or Tab to it and press Enter, to select it in the packet list. Learner mode explains each step, and draws the losses (✕) among them.')),
    h('div', { class: 'ladder-body' }, holder, words),
    more,
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** one row of the ladder: a handshake step, or (learner mode) a loss among them */
type Row = { kind: 'step'; e: HandshakeEventJson; sentence: string } | { kind: 'loss'; l: ExplainedLoss };

function ladderSvg(conn: ConnectionJson, sentences: readonly string[], losses: readonly ExplainedLoss[], mode: 'time' | 'even', learner: boolean, select: Select): SVGElement {
  const steps: Row[] = conn.handshake.events.map((e, i) => ({ kind: 'step', e, sentence: sentences[i] ?? '' }));
  // by time; at one instant the handshake's step first, then the losses (as timeline --explain orders them)
  const rows = [...steps, ...losses.map((l): Row => ({ kind: 'loss', l }))]
    .map((r, k) => ({ r, k, time: r.kind === 'step' ? r.e.time : r.l.time }))
    .sort((a, b) => a.time - b.time || a.k - b.k)
    .map((x) => x.r);
  const timeOf = (r: Row) => (r.kind === 'step' ? r.e.time : r.l.time);
  const events = conn.handshake.events;
  const t0 = events[0]?.time ?? 0;
  const span = Math.max(1e-9, Math.max(...rows.map(timeOf), t0) - t0);
  const height = Math.max(ROW * 2, rows.length * ROW);
  // the sentence beside each row, headed by its event's name (the plain ladder shows the name beside the arrow)
  const explainLines = rows.map((r) => (learner ? [r.kind === 'step' ? r.e.event : r.l.event, ...wrap(r.kind === 'step' ? r.sentence : r.l.sentence, EXPLAIN_CHARS)] : []));
  // time-scaled, yet never closer than GAP: steps a few microseconds apart stay apart, each one readable and clickable
  // evenly spaced in learner mode: each step as far down as the sentence above it needs, so each sits level with its own
  const ys: number[] = [];
  rows.forEach((r, i) => {
    if (i === 0) ys.push(TOP + 20);
    else if (mode === 'even') ys.push(ys[i - 1]! + Math.max(ROW, explainLines[i - 1]!.length * LINE + 12));
    else ys.push(Math.max(TOP + 20 + ((timeOf(r) - t0) / span) * height, ys[i - 1]! + GAP));
  });
  // learner mode: each sentence beside its row, pushed down where the one above still runs
  const texts: { y: number; lines: string[] }[] = [];
  let bottom = 0;
  if (learner) {
    rows.forEach((_, i) => {
      const y = Math.max(ys[i]! - 4, bottom + 8);
      texts.push({ y, lines: explainLines[i]! });
      bottom = y + explainLines[i]!.length * LINE;
    });
  }
  const g = learner ? LEARNER : PLAIN;
  const CLIENT_X = g.client;
  const SERVER_X = g.server;
  const EXPLAIN_X = SERVER_X + 26;
  const end = Math.max((ys[ys.length - 1] ?? TOP) + 40, bottom + 20);
  const width = learner ? EXPLAIN_X + EXPLAIN_CHARS * 6.6 + 10 : SERVER_X + 140;
  const svg = s(
    'svg',
    {
      'data-testid': 'ladder',
      'data-mode': mode,
      class: 'ladder-svg',
      viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(end)}`,
      width: Math.ceil(width),
      height: Math.ceil(end),
      role: 'group',
      'aria-label': `handshake ladder of connection ${conn.id}, ${mode === 'time' ? 'time-scaled' : 'evenly spaced'}`,
    },
    s('text', { x: CLIENT_X, y: 20, 'text-anchor': 'middle', class: 'side' }, 'client'),
    s('text', { x: CLIENT_X, y: 36, 'text-anchor': 'middle', class: 'addr' }, conn.client ?? 'address unknown'),
    s('text', { x: SERVER_X, y: 20, 'text-anchor': 'middle', class: 'side' }, 'server'),
    s('text', { x: SERVER_X, y: 36, 'text-anchor': 'middle', class: 'addr' }, conn.server ?? 'address unknown'),
    s('line', { x1: CLIENT_X, y1: TOP, x2: CLIENT_X, y2: end - 10, class: 'lifeline' }),
    s('line', { x1: SERVER_X, y1: TOP, x2: SERVER_X, y2: end - 10, class: 'lifeline' }),
    s('text', { x: 8, y: TOP - 4, class: 'axis' }, mode === 'time' ? 'ms (to scale; steps kept apart)' : 'ms'),
  );
  rows.forEach((r, i) => svg.appendChild(r.kind === 'step' ? step(conn, r.e, ys[i]!, t0, g, select) : lossMarker(conn, r.l, ys[i]!, t0, g, select)));
  texts.forEach((t, i) => {
    const y = ys[i]!;
    const r = rows[i]!;
    svg.appendChild(s('line', { x1: SERVER_X + 6, y1: y, x2: EXPLAIN_X - 4, y2: t.y + 4, class: 'leader' }));
    const text = s('text', { x: EXPLAIN_X, y: t.y + 8, class: `explain${r.kind === 'loss' ? ' explain-loss' : ''}`, 'data-testid': 'explain', 'data-event': r.kind === 'step' ? r.e.event : r.l.event });
    t.lines.forEach((line, j) => text.appendChild(s('tspan', { x: EXPLAIN_X, dy: j === 0 ? 0 : LINE, class: j === 0 ? 'explain-event' : null }, line)));
    svg.appendChild(text);
  });
  return svg;
}

/**
 * A loss on the ladder: a rung from its sender that stops at a ✕ where the packet was lost:
 * near the receiver when it crossed the capture point and was lost after it, near the sender
 * when it never reached the capture point, on the sender's lifeline when the sender's own
 * log declared it. A control that selects the lost packet (or, never captured, the one that
 * carried its data again).
 */
function lossMarker(conn: ConnectionJson, l: ExplainedLoss, y: number, t0: number, g: Geometry, select: Select): SVGElement {
  const { client: CLIENT_X, server: SERVER_X } = g;
  const fromX = l.sender === 'client' ? CLIENT_X : SERVER_X;
  const toX = l.sender === 'client' ? SERVER_X : CLIENT_X;
  const dir = Math.sign(toX - fromX);
  const reach = l.event === 'lost_after_capture' ? 0.8 : l.event === 'lost_before_capture' ? 0.2 : 0;
  const crossX = fromX + (toX - fromX) * reach + (reach === 0 ? dir * 8 : 0);
  const colour = COLOUR[l.sender] ?? '#000000';
  const time = `${((l.time - t0) * 1000).toFixed(3)}`;
  const target = l.frame ?? l.retransmissionFrame;
  const what = `${l.packetType ? `${l.packetType} ` : ''}packet ${l.pn ?? '?'} lost`;
  const group = s(
    'g',
    {
      'data-testid': 'loss-marker',
      'data-event': l.event,
      'data-frame': l.frame,
      'data-pn': l.pn,
      'data-by': l.sender,
      tabindex: target === null ? null : 0,
      role: target === null ? 'img' : 'button',
      class: `loss by-${l.sender}`,
      'aria-label': `${time} ms, ${l.sender}: ${what}. ${l.sentence}${target === null ? '' : ` Selects frame ${target}.`}`,
    },
    s('title', {}, `${what}${l.frame !== null ? ` (frame ${l.frame})` : ''}: ${l.event}`),
    s('rect', { x: 4, y: y - 20, width: SERVER_X + 10, height: GAP - 2, class: 'hit' }),
    s('text', { x: 8, y: y + 4, class: 'time' }, time),
    reach === 0 ? null : s('line', { x1: fromX, y1: y, x2: crossX, y2: y, stroke: colour, 'stroke-width': 2, class: l.sender === 'client' ? 'lost-line' : 'lost-line dashed' }),
    // the ✕: two strokes, drawn in the sender's colour and thick enough to read without it
    s('path', { d: `M${crossX - 6},${y - 6} L${crossX + 6},${y + 6} M${crossX - 6},${y + 6} L${crossX + 6},${y - 6}`, stroke: colour, 'stroke-width': 3, class: 'cross' }),
    s('text', { x: (CLIENT_X + SERVER_X) / 2, y: y - 6, 'text-anchor': 'middle', class: 'detail' }, what),
  );
  if (target !== null) onActivate(group, () => select(target, conn.id));
  return group;
}

function step(conn: ConnectionJson, e: HandshakeEventJson, y: number, t0: number, g: Geometry, select: Select): SVGElement {
  const { client: CLIENT_X, server: SERVER_X } = g;
  const fromX = e.by === 'client' ? CLIENT_X : SERVER_X;
  const toX = e.by === 'client' ? SERVER_X : CLIENT_X;
  const dir = Math.sign(toX - fromX);
  const colour = COLOUR[e.by] ?? '#000000';
  const time = `${((e.time - t0) * 1000).toFixed(3)}`;
  const group = s(
    'g',
    {
      'data-testid': 'ladder-step',
      'data-event': e.event,
      'data-frame': e.frame,
      'data-by': e.by,
      tabindex: 0,
      role: 'button',
      class: `step by-${e.by}`,
      'aria-label': `${time} ms, ${e.by}: ${e.event}, ${e.detail}; frame ${e.frame}`,
    },
    s('title', {}, `frame ${e.frame}: ${e.event}`),
    s('rect', { x: 4, y: y - 20, width: SERVER_X + (g.learner ? 10 : 130), height: GAP - 2, class: 'hit' }),
    s('text', { x: 8, y: y + 4, class: 'time' }, time),
    s('line', { x1: fromX, y1: y, x2: toX - dir * 8, y2: y, stroke: colour, 'stroke-width': 2, class: e.by === 'client' ? '' : 'dashed' }),
    s('polygon', { points: `${toX},${y} ${toX - dir * 10},${y - 5} ${toX - dir * 10},${y + 5}`, fill: colour }),
    s('text', { x: (CLIENT_X + SERVER_X) / 2, y: y - 6, 'text-anchor': 'middle', class: 'detail' }, e.detail),
    g.learner ? null : s('text', { x: SERVER_X + 12, y: y + 4, class: 'event' }, e.event),
  );
  onActivate(group, () => select(e.frame, conn.id));
  return group;
}
