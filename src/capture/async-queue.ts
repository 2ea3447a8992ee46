/**
 * A bounded hand-off from an event emitter to an async iterator: the producer pushes, the
 * consumer pulls, and the producer is paused while `high` items wait, so a fast reader
 * cannot fill memory while a slow consumer works.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private done = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly high = 2048,
  ) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length - this.head >= this.high) this.pause();
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.head < this.items.length) {
        const item = this.items[this.head]!;
        this.items[this.head++] = undefined as T;
        if (this.head === this.items.length) {
          this.items.length = 0;
          this.head = 0;
          if (!this.done) this.resume();
        }
        yield item;
      }
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
