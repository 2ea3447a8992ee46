/**
 * A bounded reorder window: holds up to `capacity` items and lets the earliest go whenever
 * it is full, so a stream whose items are at most `capacity` places out of order comes out
 * sorted, in memory that does not grow with the stream.
 *
 * main-schema §Timestamps asks loggers to write each trace in ascending time but lets them
 * fail (multi-threaded and streaming loggers do), and leaves sorting to tools. A JSON-SEQ
 * file is read as a stream, so a full sort would mean holding the whole file; a window
 * fixes the local disorder those loggers produce. Equal times keep their file order.
 */
export class ReorderWindow<T> {
  private readonly heap: { time: number; seq: number; item: T }[] = [];
  private seq = 0;
  private released = -Infinity;
  /** items that arrived after a later one had already been let go */
  late = 0;
  /** the first such item's position, as the caller numbered it */
  firstLate: number | undefined;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`a reorder window holds at least 1 item, not ${capacity}`);
  }

  /** Adds an item; returns the item that leaves the window, if it is full. */
  push(time: number, item: T, position?: number): T | undefined {
    if (time < this.released) {
      this.late++;
      this.firstLate ??= position;
    }
    this.up({ time, seq: this.seq++, item });
    return this.heap.length > this.capacity ? this.pop() : undefined;
  }

  /** Everything still held, earliest first. */
  *drain(): Generator<T> {
    while (this.heap.length > 0) yield this.pop()!;
  }

  get size(): number {
    return this.heap.length;
  }

  private before(a: { time: number; seq: number }, b: { time: number; seq: number }): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private up(node: { time: number; seq: number; item: T }): void {
    const h = this.heap;
    let i = h.length;
    h.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(node, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = node;
  }

  private pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    if (!top) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = l;
        if (l >= h.length) break;
        if (r < h.length && this.before(h[r]!, h[l]!)) m = r;
        if (!this.before(h[m]!, last)) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    if (top.time > this.released) this.released = top.time;
    return top.item;
  }
}
