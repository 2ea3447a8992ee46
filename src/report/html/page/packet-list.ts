import { h } from './dom.js';
import type { PacketStore } from './packet-store.js';

/** a row's height in CSS pixels: fixed, so a row's place is arithmetic and never read back from the layout */
const ROW = 24;
/** rows drawn above and below the visible ones, so a fast scroll shows no gap */
const OVERSCAN = 8;
/** the columns of a row, in order */
const HEAD = ['frame', 'time (s)', 'conn', 'dir', 'type', 'pn', 'bytes', 'frames'];

/**
 * The packet list: every packet of the report, filtered by direction, packet type, frame
 * type and free text, drawn virtually so a 100,000-packet capture scrolls as a short one:
 * only the rows in view exist, a fixed pool of row elements moved with a transform and
 * filled again as the list scrolls (no row is made or thrown away while scrolling, and the
 * scroll handler reads nothing from the layout). One packet at a time opens to its frames
 * and fields, in a panel under its row as tall as its content, up to a bound past which
 * it scrolls on its own.
 */
export class PacketList {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly detailBox: HTMLElement;
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
  /** the open packet's panel height, measured once when it opens */
  private detailHeight = 0;
  /** the row elements drawn, by position in `shown`; and those free to be used again */
  private drawn = new Map<number, HTMLElement>();
  private readonly spare: HTMLElement[] = [];
  /** the scroller's height, kept up to date by a ResizeObserver instead of read while scrolling */
  private viewHeight = 600;
  private scrollTop = 0;
  private frameRequested = 0;
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
    this.detailBox = h('div', { class: 'packet-detail', 'data-testid': 'packet-detail', role: 'region', tabindex: 0 });
    this.spacer = h('div', { class: 'spacer' });
    this.scroller = h(
      'div',
      { class: 'packet-list', 'data-testid': 'packet-list', role: 'listbox', 'aria-label': 'packets', 'data-total': store.count },
      this.spacer,
    );
    const head = h('div', { class: 'packet-head', 'aria-hidden': 'true' }, ...HEAD.map((c) => h('span', {}, c)));
    this.element = h(
      'section',
      { 'data-view': 'packets', id: 'packets', 'aria-labelledby': 'packets-title' },
      h('h2', { id: 'packets-title' }, 'Packets'),
      h('div', { class: 'filters' }, dirLabel, typeLabel, frameLabel, h('label', {}, this.text)),
      this.status,
      head,
      this.scroller,
      h('p', { class: 'hint list-hint' }, 'Click a row, or press Enter on it, to open its frames; arrow keys, Page Up/Down, Home and End move the selection; Tab reaches the open packet.'),
      h('p', { class: 'print-only' }, `The list holds ${store.count} packets; print shows none of them. For all of them as text: quiclens packets INPUT --format ndjson.`),
    );
    this.shown = this.filter();
    for (const sel of [this.direction, this.type, this.frameType]) sel.addEventListener('change', () => this.refilter());
    this.text.addEventListener('input', () => {
      window.clearTimeout(this.textTimer);
      this.textTimer = window.setTimeout(() => this.refilter(), 150);
    });
    this.scroller.addEventListener('scroll', () => this.requestDraw(), { passive: true });
    // one listener for every row, present and future: a recycled row needs none of its own
    this.scroller.addEventListener('click', (ev) => {
      const row = (ev.target as Element).closest<HTMLElement>('[data-testid="packet-row"]');
      if (row) this.toggle(Number(row.dataset.index));
    });
    this.scroller.addEventListener('keydown', (ev) => this.onKey(ev));
    new ResizeObserver((entries) => {
      for (const e of entries) this.viewHeight = e.contentRect.height || this.viewHeight;
      this.requestDraw();
    }).observe(this.scroller);
  }

  /** first drawing, once the list is in the document and has a height */
  start(): void {
    this.viewHeight = this.scroller.clientHeight || this.viewHeight;
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

  private requestDraw(): void {
    if (this.frameRequested) return;
    this.frameRequested = window.requestAnimationFrame(() => {
      this.frameRequested = 0;
      this.render();
    });
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
    const s = this.store;
    // no filter: every packet, without a pass over them
    if (dir === 'all' && type === 'all' && frame === 'all' && words.length === 0) {
      const all = new Int32Array(s.count);
      for (let i = 0; i < all.length; i++) all[i] = i;
      return all;
    }
    const candidates = frame === 'all' ? null : s.withFrameType(frame);
    const n = candidates ? candidates.length : s.count;
    const out = new Int32Array(n);
    let k = 0;
    for (let j = 0; j < n; j++) {
      const i = candidates ? candidates[j]! : j;
      if (dir !== 'all' && s.direction(i) !== dir) continue;
      if (type !== 'all' && s.type(i) !== type) continue;
      if (words.length > 0) {
        const t = s.searchText(i);
        if (!words.every((w) => t.includes(w))) continue;
      }
      out[k++] = i;
    }
    return out.slice(0, k);
  }

  private refilter(): void {
    const keep = this.selected === null ? -1 : this.shown[this.selected]!;
    this.shown = this.filter();
    this.expanded = null;
    this.invalidate();
    const pos = keep < 0 ? -1 : this.positionOf(keep);
    this.selected = pos < 0 ? null : pos;
    this.layout();
    if (this.selected !== null) this.scrollTo(this.selected, true);
    else this.setScroll(0);
    this.render();
  }

  /** every drawn row shows something else now: back to the spare pool */
  private invalidate(): void {
    for (const el of this.drawn.values()) {
      el.remove();
      this.spare.push(el);
    }
    this.drawn.clear();
  }

  private layout(): void {
    this.scroller.setAttribute('data-total', String(this.shown.length));
    this.spacer.style.height = `${this.shown.length * ROW + (this.expanded !== null ? this.detailHeight : 0)}px`;
    this.status.textContent =
      this.shown.length === this.store.count ? `${this.store.count} packets` : `${this.shown.length} of ${this.store.count} packets match the filters`;
  }

  private top(pos: number): number {
    return pos * ROW + (this.expanded !== null && pos > this.expanded ? this.detailHeight : 0);
  }

  private setScroll(y: number): void {
    this.scroller.scrollTop = y;
    this.scrollTop = this.scroller.scrollTop;
  }

  private scrollTo(pos: number, centre: boolean): void {
    const y = this.top(pos);
    const view = this.viewHeight;
    const now = this.scroller.scrollTop;
    // an open packet's panel belongs to its row: as much of it in view as fits with the row
    const bottom = y + ROW + (this.expanded === pos ? this.detailHeight : 0);
    if (centre) this.setScroll(Math.max(0, y - view / 2));
    else if (y < now) this.setScroll(y);
    else if (bottom > now + view) this.setScroll(Math.min(y, bottom - view));
  }

  /** the positions in view (and a margin), from the scroll offset alone */
  private range(): [number, number] {
    const y = this.scrollTop;
    const extra = this.expanded !== null ? this.detailHeight : 0;
    const first = Math.max(0, Math.floor((y - extra) / ROW) - OVERSCAN);
    const last = Math.min(this.shown.length, Math.ceil((y + this.viewHeight) / ROW) + OVERSCAN);
    return [first, last];
  }

  private render(): void {
    const hadFocus = this.scroller.contains(document.activeElement) && document.activeElement !== this.detailBox && !this.detailBox.contains(document.activeElement);
    this.scrollTop = this.scroller.scrollTop;
    const [first, last] = this.range();
    const y = this.scrollTop;
    const lo = y - OVERSCAN * ROW - (this.expanded !== null ? this.detailHeight : 0);
    const hi = y + this.viewHeight + OVERSCAN * ROW;
    const want = new Set<number>();
    for (let pos = first; pos < last; pos++) {
      const top = this.top(pos);
      if (top + ROW >= lo && top <= hi) want.add(pos);
    }
    // rows that left the view are the ones filled again
    for (const [pos, el] of this.drawn) {
      if (want.has(pos)) continue;
      this.drawn.delete(pos);
      this.spare.push(el);
    }
    const tabbable = this.selected !== null && want.has(this.selected) ? this.selected : first;
    for (const pos of want) {
      let el = this.drawn.get(pos);
      if (!el) {
        el = this.spare.pop() ?? this.newRow();
        this.fill(el, pos);
        this.drawn.set(pos, el);
      }
      this.mark(el, pos, tabbable);
    }
    // spares not needed leave the page: the rows there are the rows in view
    for (const el of this.spare) if (el.parentNode) el.remove();
    for (const el of this.drawn.values()) if (!el.parentNode) this.spacer.insertBefore(el, this.detailBox.parentNode ? this.detailBox : null);
    if (hadFocus) this.focusSelected();
  }

  private newRow(): HTMLElement {
    return h('div', { class: 'packet-row', role: 'option', 'data-testid': 'packet-row' }, ...HEAD.map((_, k) => h('span', { class: k === 3 ? 'dir' : k === 7 ? 'frames' : null })));
  }

  /** writes packet `pos` into a row element */
  private fill(el: HTMLElement, pos: number): void {
    const i = this.shown[pos]!;
    const s = this.store;
    const dir = s.direction(i);
    const decrypted = s.decrypted(i);
    const frame = s.frame(i);
    const time = s.time(i);
    el.className = `packet-row dir-${dir}`;
    el.dataset.index = String(pos);
    el.dataset.frame = String(frame ?? '');
    el.dataset.connection = String(s.connection(i) ?? '');
    el.style.transform = `translateY(${this.top(pos)}px)`;
    const cells = el.children;
    cells[0]!.textContent = frame === null ? '?' : String(frame);
    cells[1]!.textContent = time === null ? '?' : time.toFixed(6);
    cells[2]!.textContent = String(s.connection(i) ?? '?');
    cells[3]!.textContent = dir === 'client' ? 'C→S' : dir === 'server' ? 'S→C' : '?';
    (cells[3] as HTMLElement).title = dir;
    cells[4]!.textContent = s.type(i);
    cells[5]!.textContent = String(s.pn(i) ?? '?');
    cells[6]!.textContent = String(s.length(i) ?? '?');
    const frames = cells[7] as HTMLElement;
    frames.textContent = decrypted === 'true' ? s.frameSummary(i) || '(none)' : `frames unknown (${decrypted})`;
    frames.className = decrypted === 'true' ? 'frames' : 'frames unknown';
  }

  /** the per-row state that changes without the row changing packets: place, selection, focus order */
  private mark(el: HTMLElement, pos: number, tabbable: number): void {
    const transform = `translateY(${this.top(pos)}px)`;
    if (el.style.transform !== transform) el.style.transform = transform;
    const selected = pos === this.selected ? 'true' : 'false';
    if (el.getAttribute('aria-selected') !== selected) el.setAttribute('aria-selected', selected);
    const expanded = pos === this.expanded ? 'true' : 'false';
    if (el.getAttribute('aria-expanded') !== expanded) el.setAttribute('aria-expanded', expanded);
    const tab = pos === tabbable ? '0' : '-1';
    if (el.getAttribute('tabindex') !== tab) el.setAttribute('tabindex', tab);
  }

  /** opens the packet at `pos` (or closes it when open), and selects it */
  private toggle(pos: number): void {
    this.selected = pos;
    if (this.expanded === pos) {
      this.expanded = null;
      this.detailBox.remove();
    } else {
      this.expanded = pos;
      this.openDetail(pos);
    }
    this.layout();
    this.scrollTo(pos, false);
    this.render();
    this.focusSelected();
  }

  /** fills the panel under row `pos` and measures it once: the rows under it move down by its height */
  private openDetail(pos: number): void {
    const p = this.store.packet(this.shown[pos]!);
    const { frames, ...fields } = p as { frames: Record<string, unknown>[] } & Record<string, unknown>;
    const value = (v: unknown) => (v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    const dl = (o: Record<string, unknown>) => h('dl', {}, ...Object.entries(o).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, value(v))]));
    const box = this.detailBox;
    box.dataset.frame = String(p.frame);
    box.setAttribute('aria-label', `packet in frame ${String(p.frame)}: its fields and frames`);
    box.style.transform = `translateY(${(pos + 1) * ROW}px)`;
    box.replaceChildren(
      h('h3', {}, `Packet in frame ${String(p.frame)}`),
      dl(fields),
      h('h4', {}, p.decrypted === true ? `${frames.length} frame${frames.length === 1 ? '' : 's'}` : `frames unknown: ${String(p.decrypted)}`),
      h('ol', { class: 'frame-list' }, ...frames.map((f) => h('li', { 'data-testid': 'detail-frame' }, h('strong', {}, String(f.type)), dl(Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'type')))))),
    );
    box.scrollTop = 0;
    this.spacer.appendChild(box);
    // the one layout read: the panel's height as drawn (bounded by its max-height in the style sheet)
    this.detailHeight = box.offsetHeight;
  }

  private focusSelected(): void {
    const pos = this.selected;
    const row = pos === null ? this.scroller.querySelector<HTMLElement>('[data-testid="packet-row"][tabindex="0"]') : this.drawn.get(pos);
    row?.focus({ preventScroll: true });
  }

  private onKey(ev: KeyboardEvent): void {
    // keys inside the open packet's panel scroll the panel
    if (!(ev.target as Element).closest('[data-testid="packet-row"]')) return;
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      this.toggle(Number((ev.target as HTMLElement).dataset.index));
      return;
    }
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
