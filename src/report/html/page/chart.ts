import { onActivate, s } from './dom.js';
import type { Select } from './ladder-view.js';

export interface Series {
  name: string;
  colour: string;
  /** SVG stroke-dasharray, so that series differ without colour too */
  dash?: string;
  /** [time in s, value] */
  points: [number, number][];
  /** drawn as a staircase (a level that holds until the next sample) */
  step?: boolean;
  /** each sample as a dot too */
  dots?: boolean;
  /** false: dots only, no line (scattered samples) */
  line?: boolean;
}

export interface Marker {
  time: number;
  label: string;
  frame: number | null;
  connection: number;
  colour: string;
}

const W = 680;
const H = 250;
const PAD = { left: 62, right: 14, top: 14, bottom: 62 };
/** at most this many points of a series are drawn: the highest and lowest per pixel column */
const MAX_COLUMNS = W - PAD.left - PAD.right;

/** keeps the lowest and highest sample of each pixel column, in time order: the shape stays, the DOM stays small */
function decimate(points: [number, number][], x: (t: number) => number): [number, number][] {
  if (points.length <= MAX_COLUMNS * 2) return points;
  const out: [number, number][] = [];
  let col = -1;
  let lo: [number, number] | null = null;
  let hi: [number, number] | null = null;
  const flush = () => {
    if (lo && hi) out.push(...((lo[0] <= hi[0] ? [lo, hi] : [hi, lo]) as [number, number][]));
  };
  for (const p of points) {
    const c = Math.floor(x(p[0]));
    if (c !== col) {
      flush();
      col = c;
      lo = hi = p;
    } else {
      if (p[1] < lo![1]) lo = p;
      if (p[1] > hi![1]) hi = p;
    }
  }
  flush();
  return out;
}

function niceTicks(max: number): number[] {
  if (max <= 0) return [0];
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v <= max * 1.0001; v += step) ticks.push(v);
  return ticks;
}

/**
 * A time chart as SVG: series over a shared time axis (seconds from the first record),
 * markers (losses) as ticks under the plot that select their packet.
 */
export function timeChart(testid: string, title: string, yUnit: string, series: Series[], markers: Marker[], select: Select): SVGElement {
  const times = [...series.flatMap((x) => x.points.map((p) => p[0])), ...markers.map((m) => m.time)];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const span = t1 - t0 || 1e-3;
  const yMax = Math.max(1e-9, ...series.flatMap((x) => x.points.map((p) => p[1]))) * 1.08;
  const x = (t: number) => PAD.left + ((t - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const svg = s(
    'svg',
    { 'data-testid': testid, class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title },
    s('title', {}, title),
    s('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: 'axis-line' }),
    s('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, class: 'axis-line' }),
    s('text', { x: 4, y: PAD.top + 4, class: 'axis' }, yUnit),
  );
  for (const v of niceTicks(yMax / 1.08)) {
    svg.appendChild(s('line', { x1: PAD.left - 4, y1: y(v), x2: W - PAD.right, y2: y(v), class: 'grid' }));
    svg.appendChild(s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, v >= 1e4 ? `${Math.round(v / 1000)}k` : String(+v.toPrecision(3))));
  }
  svg.appendChild(s('text', { x: x(t0), y: H - PAD.bottom + 22, class: 'axis' }, `${t0.toFixed(3)} s`));
  svg.appendChild(s('text', { x: x(t0 + span / 2), y: H - PAD.bottom + 22, 'text-anchor': 'middle', class: 'axis' }, `${(t0 + span / 2).toFixed(3)} s from the first record`));
  svg.appendChild(s('text', { x: x(t1), y: H - PAD.bottom + 22, 'text-anchor': 'end', class: 'axis' }, `${t1.toFixed(3)} s`));
  series.forEach((ser, k) => {
    const pts = decimate(ser.points, x);
    if (pts.length === 0) return;
    let d = '';
    pts.forEach(([t, v], i) => {
      if (i === 0) d += `M${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      else {
        if (ser.step) d += `H${x(t).toFixed(1)}`;
        d += `L${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      }
    });
    const line = ser.line !== false;
    if (line) svg.appendChild(s('path', { d, fill: 'none', stroke: ser.colour, 'stroke-width': 1.6, 'stroke-dasharray': ser.dash ?? null, class: 'series', 'data-series': ser.name }));
    if (!line || (ser.dots && pts.length <= 600)) {
      const dots = s('g', { class: 'series', 'data-series': ser.name, fill: line ? ser.colour : 'none', stroke: ser.colour });
      for (const [t, v] of pts) dots.appendChild(s('circle', { cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 2 }));
      svg.appendChild(dots);
    }
    // the legend, under the axis, two entries a row
    const lx = PAD.left + (k % 2) * 300;
    const ly = H - 22 + Math.floor(k / 2) * 16;
    if (line) svg.appendChild(s('line', { x1: lx, y1: ly - 4, x2: lx + 22, y2: ly - 4, stroke: ser.colour, 'stroke-width': 2, 'stroke-dasharray': ser.dash ?? null }));
    else svg.appendChild(s('circle', { cx: lx + 11, cy: ly - 4, r: 3, fill: 'none', stroke: ser.colour }));
    svg.appendChild(s('text', { x: lx + 28, y: ly, class: 'legend' }, ser.name));
  });
  for (const m of markers.slice(0, 400)) {
    const mx = x(m.time);
    const g = s(
      'g',
      { class: 'marker', tabindex: m.frame === null ? null : 0, role: m.frame === null ? null : 'button', 'data-frame': m.frame, 'aria-label': m.label },
      s('title', {}, m.label),
      s('line', { x1: mx, y1: PAD.top, x2: mx, y2: H - PAD.bottom, stroke: m.colour, 'stroke-width': 1, 'stroke-dasharray': '2 3', opacity: 0.7 }),
      s('path', { d: `M${mx},${H - PAD.bottom + 2} l-4,7 h8 z`, fill: m.colour }),
    );
    if (m.frame !== null) onActivate(g, () => select(m.frame!, m.connection));
    svg.appendChild(g);
  }
  return svg;
}
