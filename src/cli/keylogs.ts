import { KEYLOG_MAX_BYTES, KEYLOG_MAX_LINE_BYTES, KeyLog } from '../crypto/keylog.js';
import { readFileChunks, sizeText } from '../wire/bounded-file.js';
import { InputError } from '../wire/input-issue.js';
import type { ProblemReporter } from './problems.js';

/** The --keylog files read into one KeyLog, with the client randoms each file named. */
export class KeyLogFiles extends KeyLog {
  /** per file, the client randoms it holds secrets for */
  readonly randoms = new Map<string, Set<string>>();
}

const WHAT = 'a TLS key log (SSLKEYLOGFILE format)';
const SHAPE = "expected lines 'LABEL <64-digit hex client random> <hex secret>' (SSLKEYLOGFILE format)";

/**
 * Reads the --keylog files into one KeyLog, a line at a time (bounded: a line longer than
 * KEYLOG_MAX_LINE_BYTES or a file larger than KEYLOG_MAX_BYTES stops that file). A file
 * that cannot be read, or with no key log line in it, is a fatal input problem naming the
 * first wrong line; in a key log, a bad line is reported with its number and the rest of
 * the file is still used.
 */
export function readKeyLogs(paths: readonly string[], problems: ProblemReporter): KeyLogFiles {
  const log = new KeyLogFiles();
  for (const path of paths) {
    const own = new KeyLog();
    try {
      readOne(path, own, problems);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.report(err.issue);
      // what a key log gave before its bad part is still used; a file that is none gave nothing
      log.merge(own);
      continue;
    }
    log.merge(own);
    log.randoms.set(path, new Set([...(log.randoms.get(path) ?? []), ...own.keys()]));
  }
  return log;
}

/** this many lines with not one key log line among them: the file is something else */
const NOT_A_KEYLOG_AFTER = 100;

function readOne(path: string, log: KeyLog, problems: ProblemReporter): void {
  let lineNo = 0;
  let partial = '';
  let good = 0;
  // the bad lines before the first good one: told once the file proves to be a key log
  const held: { line: number; message: string }[] = [];
  const notAKeyLog = () => {
    const first = held[0]!;
    return new InputError({ file: path, line: first.line, message: `not a key log: ${SHAPE}; ${first.message}`, fatal: true });
  };
  const line = (text: string) => {
    lineNo++;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const problem = log.add(text)[0];
    if (!problem) {
      good++;
      for (const h of held.splice(0)) problems.report({ file: path, line: h.line, message: h.message, fatal: false });
      return;
    }
    if (good > 0) problems.report({ file: path, line: lineNo, message: problem.message, fatal: false });
    else if (held.push({ line: lineNo, message: problem.message }) >= NOT_A_KEYLOG_AFTER) throw notAKeyLog();
  };
  for (const chunk of readFileChunks(path, { maxBytes: KEYLOG_MAX_BYTES, what: WHAT })) {
    const lines = (partial + chunk.toString('latin1')).split('\n');
    partial = lines.pop()!;
    for (const l of lines) line(l);
    if (partial.length > KEYLOG_MAX_LINE_BYTES) {
      throw new InputError({
        file: path,
        line: lineNo + 1,
        message: `the line is longer than ${sizeText(KEYLOG_MAX_LINE_BYTES)}: ${good === 0 ? 'not a key log, ' : ''}${SHAPE} (a key log line is about 200 bytes)`,
        fatal: true,
      });
    }
  }
  if (partial !== '') line(partial);
  if (good === 0 && held.length > 0) throw notAKeyLog();
}

/**
 * After the inputs are read: a key log none of whose secrets any connection used is said
 * so, per file (it is for another capture, or the capture lost the ClientHellos).
 */
export function reportUnmatchedKeyLogs(log: KeyLogFiles, problems: ProblemReporter): void {
  for (const [path, randoms] of log.randoms) {
    if (randoms.size === 0) {
      problems.report({ file: path, message: 'holds no TLS secrets: no connection can be decrypted with it', fatal: false });
      continue;
    }
    if ([...randoms].some((r) => log.matched.has(r))) continue;
    const n = randoms.size;
    problems.report({
      file: path,
      message: `matches no connection: no ClientHello in the inputs carries ${n === 1 ? 'the client random' : `any of the ${n} client randoms`} it names (a key log of another run?)`,
      fatal: false,
    });
  }
}
