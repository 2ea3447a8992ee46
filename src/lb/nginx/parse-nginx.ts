import { readdirSync } from 'node:fs';
import { readBoundedText } from '../../wire/bounded-file.js';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { InputError } from '../../wire/input-issue.js';
import type { SourceLocation } from '../model.js';

/**
 * One nginx directive: `name arg…;` or `name arg… { children }`. Arguments keep their
 * quotes removed; variables stay as written (`$remote_addr`).
 */
export interface NginxDirective {
  name: string;
  args: string[];
  children?: NginxDirective[];
  location: SourceLocation;
}

interface Token {
  text: string;
  /** `{`, `}` and `;` unquoted are punctuation; a quoted `"{"` is a word */
  punct: boolean;
  line: number;
  column: number;
}

/**
 * Limits on what is read, so that a hostile or broken config costs bounded time and memory
 * (docs/lb/README.md lists them): real configs are a few hundred lines of short lines, with
 * tens of includes at most a few levels deep.
 */
export const NGINX_LIMITS = {
  /** bytes of one config file, the main one or an include */
  fileBytes: 16 * 1024 * 1024,
  /** characters on one line */
  lineLength: 64 * 1024,
  /** files read through `include`, counted over the whole config */
  includes: 1000,
  /** an include inside an include inside …, this many levels */
  includeDepth: 16,
} as const;

/** the first line longer than the limit, if any: its number */
function longLine(text: string): number | undefined {
  let line = 1;
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    if (stop - start > NGINX_LIMITS.lineLength) return line;
    if (end < 0) return undefined;
    line++;
    start = end + 1;
  }
}

/** a word of the config in a message: one line, at most 40 characters */
function quoted(word: string): string {
  const line = word.split(/\r?\n/)[0]!;
  return line.length > 40 || line !== word ? `${line.slice(0, 40)}…` : line;
}

/** nginx's lexical rules: words, quoted strings with backslash escapes, `#` comments to end of line. */
function tokenize(text: string, file: string): Token[] {
  const long = longLine(text);
  if (long !== undefined) {
    throw new InputError({ file, line: long, column: 1, message: `line ${long} is longer than ${NGINX_LIMITS.lineLength} characters: expected an nginx config`, fatal: true });
  }
  const tokens: Token[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const advance = () => {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
    i++;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advance();
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') advance();
      continue;
    }
    const start = { line, column: col };
    if (c === '{' || c === '}' || c === ';') {
      tokens.push({ text: c, punct: true, ...start });
      advance();
      continue;
    }
    let word = '';
    if (c === '"' || c === "'") {
      advance();
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) advance();
        word += text[i];
        advance();
      }
      if (i >= text.length) throw new InputError({ file, ...start, message: `unterminated ${c === '"' ? 'double' : 'single'}-quoted string: expected a closing ${c}`, fatal: true });
      advance();
    } else {
      // a `{` inside a word belongs to a variable like ${name}
      let braces = 0;
      while (i < text.length) {
        const d = text[i]!;
        if (d === '{' && text[i - 1] === '$') braces++;
        else if (d === '}' && braces > 0) braces--;
        else if (braces === 0 && (d === ' ' || d === '\t' || d === '\r' || d === '\n' || d === ';' || d === '{' || d === '}' || d === '#')) break;
        word += d;
        advance();
      }
    }
    tokens.push({ text: word, punct: false, ...start });
  }
  return tokens;
}

const MAX_NESTING = 64;

/** follows `include` as nginx does; relative paths resolve from the including file's folder */
function expandInclude(pattern: string, from: string, at: SourceLocation): string[] {
  const path = isAbsolute(pattern) ? pattern : join(dirname(from), pattern);
  const name = basename(path);
  if (!name.includes('*') && !name.includes('?')) return [path];
  const dir = dirname(path);
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return readdirSync(dir)
      .filter((f) => re.test(f))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    throw new InputError({ file: at.file, line: at.line, column: at.column, message: `include ${pattern}: no folder ${dir}`, fatal: true });
  }
}

/** a config file's text, refused past NGINX_LIMITS.fileBytes without reading more than that */
function readText(file: string, includedAt?: SourceLocation): string {
  // bounded, and a FIFO with no writer is refused rather than waited on (wire/bounded-file.ts)
  return readBoundedText(file, { maxBytes: NGINX_LIMITS.fileBytes, what: 'an nginx config file', ...(includedAt ? { namedAt: { ...includedAt, by: 'include' } } : {}) });
}

/** what the whole parse of one config shares: how many includes were read so far */
interface ParseContext {
  includes: number;
}

/**
 * Parses an nginx config into directives, following `include` (with `*` patterns) so the
 * includes' directives appear where the include stood. Syntax errors name file, line and
 * column.
 */
export function parseNginx(file: string, text?: string): NginxDirective[] {
  return parseFile(file, text ?? readText(file), [], { includes: 0 });
}

/** one file of the config; `chain` is the includes that led here, outermost first */
function parseFile(file: string, text: string, chain: readonly string[], ctx: ParseContext): NginxDirective[] {
  const tokens = tokenize(text, file);
  let pos = 0;
  const here = (t: Token): SourceLocation => ({ file, line: t.line, column: t.column });

  const block = (closing: Token | null, depth = 0): NginxDirective[] => {
    // real configs nest a few levels; a limit keeps a hostile file from exhausting the stack
    if (depth > MAX_NESTING) throw new InputError({ file, line: closing!.line, column: closing!.column, message: `blocks nested more than ${MAX_NESTING} deep: expected a real nginx config`, fatal: true });
    const out: NginxDirective[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t.punct && t.text === '}') {
        if (!closing) throw new InputError({ file, line: t.line, column: t.column, message: "unexpected '}': no block is open here", fatal: true });
        pos++;
        return out;
      }
      if (t.punct) throw new InputError({ file, line: t.line, column: t.column, message: `unexpected '${quoted(t.text)}': expected a directive name`, fatal: true });
      pos++;
      const args: string[] = [];
      let end: Token | undefined;
      while (pos < tokens.length) {
        const a = tokens[pos++]!;
        if (a.punct) {
          end = a;
          break;
        }
        args.push(a.text);
      }
      if (!end || end.text === '}') {
        const at = end ?? tokens[tokens.length - 1]!;
        throw new InputError({ file, line: at.line, column: at.column, message: `directive '${quoted(t.text)}' is not terminated: expected ';' or '{'`, fatal: true });
      }
      const d: NginxDirective = { name: t.text, args, location: here(t) };
      if (end.text === '{') d.children = block(t, depth + 1);
      if (d.name === 'include' && !d.children) {
        for (const path of args.flatMap((a) => expandInclude(a, file, d.location))) {
          if (path === file || chain.includes(path)) throw new InputError({ file, line: t.line, column: t.column, message: `include ${path} includes itself`, fatal: true });
          if (chain.length + 1 > NGINX_LIMITS.includeDepth) {
            throw new InputError({ file, line: t.line, column: t.column, message: `include ${path}: includes nested more than ${NGINX_LIMITS.includeDepth} deep`, fatal: true });
          }
          if (++ctx.includes > NGINX_LIMITS.includes) {
            throw new InputError({ file, line: t.line, column: t.column, message: `include ${path}: more than ${NGINX_LIMITS.includes} included files in this config`, fatal: true });
          }
          // one push per directive: spreading an include's directives into one call overflows the stack
          for (const included of parseFile(path, readText(path, d.location), [...chain, file], ctx)) out.push(included);
        }
        continue;
      }
      out.push(d);
    }
    if (closing) throw new InputError({ file, line: closing.line, column: closing.column, message: `block '${quoted(closing.text)}' is never closed: expected '}' before the end of the file`, fatal: true });
    return out;
  };
  return block(null);
}
