/**
 * Buffered writing to stdout that respects backpressure: millions of NDJSON lines must not
 * pile up in memory when stdout is a slow pipe. A closed pipe (`quiclens … | head`) ends
 * the program quietly.
 */
export class Output {
  private chunk = '';
  private closed = false;
  /** text waiting longer than this is written even when the chunk is not full: a live pipe's packets show as they come */
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: NodeJS.WritableStream = process.stdout,
    private readonly chunkSize = 1 << 16,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') {
        this.closed = true;
        process.exit(process.exitCode ?? 0);
      }
      throw err;
    });
  }

  /** queue text; call `drain()` now and then (it is cheap when nothing waits) */
  write = (s: string): void => {
    if (this.closed) return;
    this.chunk += s;
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), 200);
      // the timer never keeps the program alive on its own; the last flush is explicit
      this.timer.unref();
    }
  };

  async drain(): Promise<void> {
    if (this.chunk.length < this.chunkSize) return;
    await this.flush();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.chunk.length === 0 || this.closed) return;
    const text = this.chunk;
    this.chunk = '';
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve) => this.stream.once('drain', resolve));
    }
  }
}
