/**
 * How many terminal cells a piece of text takes, and how to cut it to a width, for the
 * fixed-width tables. Most cells are ASCII and take the fast path; text from the wire (a
 * CONNECTION_CLOSE reason phrase) may hold anything, so control characters are made
 * visible (they would move the cursor or colour the terminal) and wide characters count
 * two cells (Unicode East Asian Width W/F, the common blocks).
 */

/** printable ASCII only: one cell per character, nothing to replace */
const PLAIN = /^[\x20-\x7e]*$/;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/** text safe to print: a C0/C1 control character or DEL shown as U+FFFD */
export function printable(s: string): string {
  return PLAIN.test(s) ? s : s.replace(CONTROL, '\ufffd');
}

function cells(cp: number): 0 | 1 | 2 {
  // combining marks and zero-width characters sit on the cell before
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfeff) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** the cells `s` takes on a terminal (after `printable`) */
export function displayWidth(s: string): number {
  if (PLAIN.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += cells(ch.codePointAt(0)!);
  return w;
}

/**
 * `s` cut to at most `width` cells, its last cell an ellipsis when anything was cut; the
 * text and the cells it takes.
 */
export function cutToWidth(s: string, width: number): { text: string; width: number } {
  if (PLAIN.test(s)) {
    if (s.length <= width) return { text: s, width: s.length };
    return width <= 0 ? { text: '', width: 0 } : { text: s.slice(0, width - 1) + '…', width };
  }
  const full = displayWidth(s);
  if (full <= width) return { text: s, width: full };
  if (width <= 0) return { text: '', width: 0 };
  let text = '';
  let w = 0;
  for (const ch of s) {
    const c = cells(ch.codePointAt(0)!);
    if (w + c > width - 1) break;
    text += ch;
    w += c;
  }
  return { text: text + '…', width: w + 1 };
}
