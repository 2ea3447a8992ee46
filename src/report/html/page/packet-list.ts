import { h, onActivate } from './dom.js';
import type { PacketStore } from './packet-store.js';

/** a row's height and an expanded packet's detail height, in CSS pixels: fixed, so positions are arithmetic */
const ROW = 24;
const DETAIL = 280;
/** rows drawn above and below the visible ones, so a fast scroll shows no gap */
const OVERSCAN = 8;

/**
 * The packet list: every packet of the report, filtered by direction, packet type, frame
 * type and free text, drawn virtually (only the rows in view are in the DOM) so a
 * 100,000-packet capture scrolls as a short one. One packet at a time is expanded to its
 * frames and fields, in a panel of fixed height under its row.
 */
export class PacketList {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly direction: HTMLSelectElement;
  private readonly type: HTMLSelectElement;
  private readonly frameType: HTMLSelectElement;
  private readonly text: HTMLInputElement;
  private readonly status: HTMLElement;
  /** store positions of the packets that pass the filters, ascending */
  private shown: Int32Array;
  /** positions in `shown` */
  private selected: number | null = null;
  private expanded: number | null = null;
  private frameRendered = 0;
  private textTimer: number | undefined;

  constructor(private readonly store: PacketStore) {
    const kinds = store.kinds();
    const choice = (testid: string, label: string, values: string[]) =>
      h('label', {}, `${label} `, h('select', { 'data-testid': testid }, h('option', { value: 'all' }, 'all'), ...values.map((v) => h('option', { value: v }, v))));
    const dirLabel = choice('filter-direction', 'direction', ['client', 'server']);
    const typeLabel = choice('filter-type', 'packet type', kinds.types);
    const frameLabel = choice('filter-frame', 'frame type', kinds.frames);
    this.direction = dirLabel.querySelector('select')!;
    this.type = typeLabel.querySelector('select')!;
    this.frameType = frameLabel.querySelector('select')!;
    this.text = h('input', { type: 'search', 'data-testid': 'filter-text', placeholder: 'text: CID, address, frame field…', 'aria-label': 'filter by text' });
    this.status = h('p', { class: 'list-status', 'aria-live': 'polite' });
    this.spacer = h('div', { class: 'spacer' });
    this.scroller = h(
      'div',
      { class: 'packet-list', 'data-testid': 'packet-list', role: 'listbox', 'aria-label': 'packets', 'data-total': store.count },
      this.spacer,
    );
    const head = h('div', { class: 'packet-head', 'aria-hidden': 'true' }, ...['frame', 'time (s)', 'conn', 'dir', 'type', 'pn', 'bytes', 'frames'].map((c) => h('span', {}, c)));
    this.element = h(
      'section',
      { 'data-view': 'packets', id: 'packets', 'aria-labelledby': 'packets-title' },
      h('h2', { id: 'packets-title' }, 'Packets'),
      h('div', { class: 'filters' }, dirLabel, typeLabel, frameLabel, h('label', {}, this.text)),
      this.status,
      head,
      this.scroller,
      h('p', { class: 'print-only' }, `The list holds ${store.count} packets; print shows none of them. For all of them as text: quiclens packets INPUT --format ndjson.`),
    );
    this.shown = this.filter();
    for (const sel of [this.direction, this.type, this.frameType]) sel.addEventListener('change', () => this.refilter());
    this.text.addEventListener('input', () => {
      window.clearTimeout(this.textTimer);
      this.textTimer = window.setTimeout(() => this.refilter(), 150);
    });
    this.scroller.addEventListener('scroll', () => {
      if (this.frameRendered) return;
      this.frameRendered = window.requestAnimationFrame(() => {
        this.frameRendered = 0;
        this.render();
      });
    });
    this.scroller.addEventListener('keydown', (ev) => this.onKey(ev));
    window.addEventListener('resize', () => this.render());
  }

  /** first drawing, once the list is in the document and has a height */
  start(): void {
    this.layout();
    this.render();
  }

  /** selects the packet of this frame (of this connection when given), clearing the filters if they hide it */
  select(frame: number, connection?: number): boolean {
    const at = this.findPacket(frame, connection);
    if (at < 0) return false;
    let pos = this.positionOf(at);
    if (pos < 0) {
      this.direction.value = 'all';
      this.type.value = 'all';
      this.frameType.value = 'all';
      this.text.value = '';
      this.refilter();
      pos = this.positionOf(at);
    }
    this.selected = pos;
    this.element.scrollIntoView({ block: 'nearest' });
    this.scrollTo(pos, true);
    this.render();
    this.focusSelected();
    return true;
  }

  private findPacket(frame: number, connection?: number): number {
    for (let i = 0; i < this.store.count; i++) {
      if (this.store.frame(i) === frame && (connection === undefined || this.store.connection(i) === connection)) return i;
    }
    return -1;
  }

  /** a store position's place in the filtered list, or -1 */
  private positionOf(at: number): number {
    let lo = 0;
    let hi = this.shown.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.shown[mid]!;
      if (v === at) return mid;
      if (v < at) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private filter(): Int32Array {
    const dir = this.direction.value;
    const type = this.type.value;
    const frame = this.frameType.value;
    const words = this.text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const out = new Int32Array(this.store.count);
    let n = 0;
    for (let i = 0; i < this.store.count; i++) {
      if (dir !== 'all' && this.store.direction(i) !== dir) continue;
      if (type !== 'all' && this.store.type(i) !== type) continue;
      if (frame !== 'all' && !this.store.frameTypes(i).includes(frame)) continue;
      if (words.length > 0) {
        const t = this.store.searchText(i);
        if (!words.every((w) => t.includes(w))) continue;
      }
      out[n++] = i;
    }
    return out.slice(0, n);
  }

  private refilter(): void {
    const keep = this.selected === null ? -1 : this.shown[this.selected]!;
    this.shown = this.filter();
    this.expanded = null;
    const pos = keep < 0 ? -1 : this.positionOf(keep);
    this.selected = pos < 0 ? null : pos;
    this.layout();
    if (this.selected !== null) this.scrollTo(this.selected, true);
    else this.scroller.scrollTop = 0;
    this.render();
  }

  private layout(): void {
    this.scroller.setAttribute('data-total', String(this.shown.length));
    this.spacer.style.height = `${this.shown.length * ROW + (this.expanded !== null ? DETAIL : 0)}px`;
    this.status.textContent =
      this.shown.length === this.store.count ? `${this.store.count} packets` : `${this.shown.length} of ${this.store.count} packets match the filters`;
  }

  private top(pos: number): number {
    return pos * ROW + (this.expanded !== null && pos > this.expanded ? DETAIL : 0);
  }

  private scrollTo(pos: number, centre: boolean): void {
    const y = this.top(pos);
    const view = this.scroller.clientHeight;
    if (centre) this.scroller.scrollTop = Math.max(0, y - view / 2);
    else if (y < this.scroller.scrollTop) this.scroller.scrollTop = y;
    else if (y + ROW + (this.expanded === pos ? DETAIL : 0) > this.scroller.scrollTop + view) this.scroller.scrollTop = y + ROW - view;
  }

  private render(): void {
    const hadFocus = this.scroller.contains(document.activeElement);
    const y = this.scroller.scrollTop;
    const view = this.scroller.clientHeight || 600;
    const extra = this.expanded !== null ? DETAIL : 0;
    const first = Math.max(0, Math.floor((y - extra) / ROW) - OVERSCAN);
    const last = Math.min(this.shown.length, Math.ceil((y + view) / ROW) + OVERSCAN);
    const nodes: Node[] = [];
    const tabbable = this.selected ?? first;
    for (let pos = first; pos < last; pos++) {
      const top = this.top(pos);
      if (top + ROW < y - OVERSCAN * ROW || top > y + view + OVERSCAN * ROW) continue;
      nodes.push(this.row(pos, pos === tabbable));
      if (pos === this.expanded) nodes.push(this.detail(pos));
    }
    this.spacer.replaceChildren(...nodes);
    if (hadFocus) this.focusSelected();
  }

  private row(pos: number, tabbable: boolean): HTMLElement {
    const i = this.shown[pos]!;
    const s = this.store;
    const dir = s.direction(i);
    const decrypted = s.decrypted(i);
    const el = h(
      'div',
      {
        class: `packet-row dir-${dir}`,
        role: 'option',
        'data-testid': 'packet-row',
        'data-frame': s.frame(i),
        'data-index': pos,
        'data-connection': s.connection(i),
        'aria-selected': pos === this.selected ? 'true' : 'false',
        'aria-expanded': pos === this.expanded ? 'true' : 'false',
        tabindex: tabbable ? 0 : -1,
        style: `top:${this.top(pos)}px`,
      },
      h('span', {}, s.frame(i)),
      h('span', {}, s.time(i).toFixed(6)),
      h('span', {}, s.connection(i)),
      h('span', { class: 'dir', title: dir }, dir === 'client' ? 'C→S' : dir === 'server' ? 'S→C' : '?'),
      h('span', {}, s.type(i)),
      h('span', {}, s.pn(i) ?? '?'),
      h('span', {}, s.length(i) ?? '?'),
      h('span', { class: 'frames' }, decrypted === 'true' ? s.frameSummary(i) || '(none)' : h('span', { class: 'unknown' }, `frames unknown (${decrypted})`)),
    );
    onActivate(el, () => {
      this.selected = pos;
      this.expanded = this.expanded === pos ? null : pos;
      this.layout();
      this.scrollTo(pos, false);
      this.render();
      this.focusSelected();
    });
    return el;
  }

  private detail(pos: number): HTMLElement {
    const p = this.store.packet(this.shown[pos]!);
    const { frames, ...fields } = p as { frames: Record<string, unknown>[] } & Record<string, unknown>;
    const value = (v: unknown) => (v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    const dl = (o: Record<string, unknown>) => h('dl', {}, ...Object.entries(o).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, value(v))]));
    return h(
      'div',
      { class: 'packet-detail', 'data-testid': 'packet-detail', 'data-frame': String(p.frame), style: `top:${(pos + 1) * ROW}px;height:${DETAIL}px` },
      h('h3', {}, `Packet in frame ${String(p.frame)}`),
      dl(fields),
      h('h4', {}, p.decrypted === true ? `${frames.length} frame${frames.length === 1 ? '' : 's'}` : `frames unknown: ${String(p.decrypted)}`),
      h('ol', { class: 'frame-list' }, ...frames.map((f) => h('li', {}, h('strong', {}, String(f.type)), dl(Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'type')))))),
    );
  }

  private focusSelected(): void {
    const pos = this.selected;
    const row = this.scroller.querySelector<HTMLElement>(pos === null ? '[data-testid="packet-row"][tabindex="0"]' : `[data-testid="packet-row"][data-index="${pos}"]`);
    row?.focus({ preventScroll: true });
  }

  private onKey(ev: KeyboardEvent): void {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 };
    let pos: number;
    const now = this.selected ?? 0;
    if (ev.key in moves) pos = now + moves[ev.key]!;
    else if (ev.key === 'Home') pos = 0;
    else if (ev.key === 'End') pos = this.shown.length - 1;
    else return;
    ev.preventDefault();
    if (this.shown.length === 0) return;
    this.selected = Math.max(0, Math.min(this.shown.length - 1, pos));
    this.scrollTo(this.selected, false);
    this.render();
    this.focusSelected();
  }
}
