/**
 * A list that keeps its first `max` items and counts the rest, so a long capture's events
 * stay bounded in memory while the totals stay exact.
 */
export class CappedList<T> {
  readonly items: T[] = [];
  /** every item offered, kept or not */
  count = 0;

  constructor(readonly max = 10_000) {}

  push(item: T): void {
    this.count++;
    if (this.items.length < this.max) this.items.push(item);
  }

  /** how many items were counted but not kept */
  get omitted(): number {
    return this.count - this.items.length;
  }
}
