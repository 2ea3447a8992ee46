import { readFileSync } from 'node:fs';
import { KeyLog } from '../crypto/keylog.js';
import type { ProblemReporter } from './problems.js';

/**
 * Reads the --keylog files into one KeyLog. A file that cannot be read is a fatal input
 * problem; a bad line is reported with its number and the rest of the file is still used.
 */
export function readKeyLogs(paths: readonly string[], problems: ProblemReporter): KeyLog {
  const log = new KeyLog();
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      problems.report({ file: path, message: e.code === 'ENOENT' ? 'no such key log file' : e.message, fatal: true });
      continue;
    }
    for (const p of log.add(text)) problems.report({ file: path, line: p.line, message: p.message, fatal: false });
  }
  return log;
}
