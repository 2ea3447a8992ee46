/**
 * ANSI colour for people at a terminal: on only when the stream is a TTY, NO_COLOR is not
 * set (https://no-color.org) and --no-color was not given.
 */
export interface Palette {
  dim(s: string): string;
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const wrap = (code: number, reset: number) => (s: string) => `\x1b[${code}m${s}\x1b[${reset}m`;

const ON: Palette = {
  dim: wrap(2, 22),
  bold: wrap(1, 22),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  cyan: wrap(36, 39),
};
const same = (s: string) => s;
const OFF: Palette = { dim: same, bold: same, red: same, yellow: same, green: same, cyan: same };

export function palette(stream: { isTTY?: boolean }, wanted: boolean): Palette {
  return colourOn(stream, wanted) ? ON : OFF;
}

/** whether colour is on for this stream (a worker that writes for the main thread is told this, and asks `paletteFor`) */
export function colourOn(stream: { isTTY?: boolean }, wanted: boolean): boolean {
  return wanted && stream.isTTY === true && !process.env.NO_COLOR;
}

export function paletteFor(on: boolean): Palette {
  return on ? ON : OFF;
}
