/**
 * Bounds on the JSON quiclens reads from qlogs, and the plain-words account of JSON it
 * cannot read. JSON.parse builds any depth and says little about where it failed; the
 * scanner here walks the text without recursion to find the place, the expected token, and
 * for a document that stops early, the last point where everything before it was whole.
 */

/** deepest nesting of arrays and objects in one event (and in a trace's own fields); real events nest under 10 */
export const MAX_QLOG_NESTING = 64;

/** Whether a parsed JSON value nests arrays and objects deeper than `limit`, without recursing. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return false;
}

/** text for a message: at most `max` characters, quoted with escapes so it stays on one line */
export function shortQuote(text: string, max = 24): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

export type JsonScan =
  | { ok: true }
  | {
      ok: false;
      /** character offset of the problem (the text's length when it ends early) */
      pos: number;
      /** what the grammar allowed there, in words */
      expected: string;
      /** the text ends inside the document: a writer stopped mid-way */
      endsEarly: boolean;
      /** for a document that ends early: the longest prefix that closes into valid JSON, and its closing brackets */
      cut?: { pos: number; closers: string };
      /** how many arrays and objects were open at `pos` */
      depth: number;
    };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS = ['true', 'false', 'null'];

type State = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'after';

/**
 * Walks JSON text (RFC 8259) with an explicit stack. Run only once JSON.parse has failed, to
 * say where and why; `maxDepth` stops it at absurd nesting like any other error.
 */
export function scanJson(text: string, maxDepth = 10_000): JsonScan {
  const stack: ('o' | 'a')[] = [];
  let state: State = 'value';
  let cut: { pos: number; closers: string } | undefined;
  const n = text.length;
  let i = 0;
  const closers = () => stack.map((c) => (c === 'o' ? '}' : ']')).reverse().join('');
  const fail = (expected: string, endsEarly = i >= n): JsonScan => ({ ok: false, pos: Math.min(i, n), expected, endsEarly, ...(endsEarly && cut ? { cut } : {}), depth: stack.length });
  const string = (): boolean => {
    // i at the opening quote; true when a closing quote was found
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c === 0x5c) i += 2;
      else i++;
    }
    return false;
  };
  while (true) {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
    if (i >= n) {
      if (state === 'after' && stack.length === 0) return { ok: true };
      return fail(state === 'after' ? `'${stack.at(-1) === 'o' ? '}' : ']'}' or ','` : state === 'colon' ? "':'" : state.startsWith('key') ? 'a quoted key' : 'a value', true);
    }
    const c = text[i]!;
    switch (state) {
      case 'value':
      case 'valueOrClose':
        if (c === ']' && state === 'valueOrClose') {
          stack.pop();
          i++;
          state = 'after';
          if (stack.length > 0) cut = { pos: i, closers: closers() };
        } else if (c === '{' || c === '[') {
          if (stack.length >= maxDepth) return fail(`at most ${maxDepth} nested arrays and objects`, false);
          stack.push(c === '{' ? 'o' : 'a');
          i++;
          state = c === '{' ? 'keyOrClose' : 'valueOrClose';
        } else if (c === '"') {
          if (!string()) return fail('a closing \'"\'', true);
          state = 'after';
        } else if (c === '-' || (c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          if (!NUMBER.test(text)) return fail('a number');
          i = NUMBER.lastIndex;
          state = 'after';
        } else {
          const lit = LITERALS.find((l) => text.startsWith(l, i));
          if (lit) {
            i += lit.length;
            state = 'after';
          } else if (LITERALS.some((l) => l.startsWith(text.slice(i, i + l.length)) && i + l.length > n)) {
            i = n;
            return fail('a value', true);
          } else return fail('a value (an object, array, string, number, true, false or null)', false);
        }
        break;
      case 'key':
      case 'keyOrClose':
        if (c === '}' && state === 'keyOrClose') {
          stack.pop();
          i++;
          state = 'after';
          if (stack.length > 0) cut = { pos: i, closers: closers() };
        } else if (c === '"') {
          if (!string()) return fail('a closing \'"\'', true);
          state = 'colon';
        } else return fail(state === 'keyOrClose' ? "a quoted key or '}'" : 'a quoted key', false);
        break;
      case 'colon':
        if (c !== ':') return fail("':' after the key", false);
        i++;
        state = 'value';
        break;
      case 'after': {
        const top = stack.at(-1);
        if (top === undefined) return fail('the end of the document', false);
        const close = top === 'o' ? '}' : ']';
        if (c === ',') {
          cut = { pos: i, closers: closers() };
          i++;
          state = top === 'o' ? 'key' : 'value';
        } else if (c === close) {
          stack.pop();
          i++;
          if (stack.length > 0) cut = { pos: i, closers: closers() };
        } else return fail(`',' or '${close}'`, false);
        break;
      }
    }
  }
}

/** 1-based line and column of a character offset */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: pos - lineStart + 1 };
}
