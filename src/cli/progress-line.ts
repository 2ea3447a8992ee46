import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** the line is drawn at most this often, and not before a run has taken this long (a short run never flashes it) */
const REDRAW_MS = 250;
const FIRST_AFTER_MS = 1000;

export interface ProgressState {
  bytesRead: number;
  /** the inputs' bytes; 0 when not known (then no share and no time left) */
  totalBytes: number;
  packets: number;
  seconds: number;
}

const MIB = 1024 * 1024;
function size(bytes: number): string {
  return bytes >= 1024 * MIB ? `${(bytes / 1024 / MIB).toFixed(1)} GiB` : `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`;
}
function duration(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** the words of the progress line: bytes read of the total, packets, rate, time left */
export function progressText(p: ProgressState): string {
  const parts: string[] = [];
  const share = p.totalBytes > 0 ? ` (${Math.min(100, Math.floor((p.bytesRead / p.totalBytes) * 100))}%)` : '';
  parts.push(`read ${size(p.bytesRead)}${p.totalBytes > 0 ? ` of ${size(p.totalBytes)}` : ''}${share}`);
  parts.push(`${p.packets.toLocaleString('en-US')} packets`);
  const rate = p.seconds > 0 ? p.bytesRead / p.seconds : 0;
  if (rate > 0) parts.push(`${(rate / MIB).toFixed(1)} MiB/s`);
  if (rate > 0 && p.totalBytes > p.bytesRead) parts.push(`about ${duration((p.totalBytes - p.bytesRead) / rate)} left`);
  return parts.join(', ');
}

/** the progress line is for a person watching a terminal: never on a pipe or a file, never with --quiet */
export function progressWanted(stream: { isTTY?: boolean }, quiet: boolean | undefined): boolean {
  return stream.isTTY === true && quiet !== true;
}

/**
 * One line on stderr, redrawn in place while a long run reads (`\r`, then erase to the end of
 * the line), cut to the terminal's width so it never wraps; erased before anything else is
 * written to stderr and at the end, so it leaves nothing behind.
 */
export class ProgressLine {
  private total = 0;
  private started = 0;
  private lastDraw = 0;
  private shown = false;

  constructor(
    private readonly stream: { write(s: string): unknown; columns?: number } = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(totalBytes: number): void {
    this.total = totalBytes;
    this.started = this.now();
  }

  update(packets: number, bytesRead: number): void {
    const t = this.now();
    if (t - this.started < FIRST_AFTER_MS || t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    const text = progressText({ bytesRead, totalBytes: this.total, packets, seconds: (t - this.started) / 1000 });
    const room = (this.stream.columns ?? 80) - 1;
    this.stream.write(`\r${text.length > room ? text.slice(0, room) : text}\x1b[K`);
    this.shown = true;
  }

  /** erases the line (before other text on stderr); the next update draws it again */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
    this.lastDraw = 0;
  }

  end(): void {
    this.clear();
  }
}

/**
 * The bytes of the inputs: files, and the regular files in folders (as deep as the inputs
 * are searched); streams count nothing. An upper bound, as a folder may hold files that
 * are not read (a key log, a README).
 */
export function inputBytes(paths: readonly string[], depth = 4): number {
  let total = 0;
  for (const path of paths) {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) continue;
    if (info.isFile()) total += info.size;
    else if (info.isDirectory() && depth > 0) {
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch {
        continue;
      }
      total += inputBytes(names.map((n) => join(path, n)), depth - 1);
    }
  }
  return total;
}
