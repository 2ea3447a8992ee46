import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openCapture, type CaptureFile } from '../capture/open-capture.js';
import { openQlog, type QlogFile } from '../qlog/open-qlog.js';
import { InputError } from '../wire/input-issue.js';
import type { ProblemReporter } from './problems.js';

/** how deep a folder input is searched: a scenario folder holds its qlog folder */
const MAX_DEPTH = 4;

type Input = CaptureFile | QlogFile;

/**
 * Opens each input by its content: a qlog file, else a capture. A folder is read for the
 * captures and qlogs in it and its subfolders, in name order; other files there are named
 * once and passed over. A file given twice (itself and inside a folder) is read once. A
 * file that cannot be opened is reported and left out; the others are still analysed.
 */
export async function* openInputs(paths: readonly string[], problems: ProblemReporter): AsyncGenerator<Input> {
  const seen = new Set<string>();
  for (const path of paths) yield* openPath(path, problems, seen, 0);
}

async function* openPath(path: string, problems: ProblemReporter, seen: Set<string>, depth: number): AsyncGenerator<Input> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    yield* openFolder(path, problems, seen, depth);
    return;
  }
  const real = info ? await realpath(path) : path;
  if (seen.has(real)) return;
  seen.add(real);
  try {
    yield (await openQlog(path)) ?? (await openCapture(path));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // neither reader took it: say both were tried
    problems.report(err.issue.offset === 0 ? { ...err.issue, message: neitherMessage(err.issue.message) } : err.issue);
  }
}

const EXPECTED = 'expected a capture (pcap or pcapng) or a qlog (JSON, or JSON-SEQ records after 0x1E)';

/** the capture reader's complaint about a file's first bytes, said for both readers */
function neitherMessage(captureMessage: string): string {
  const found = captureMessage.match(/found ([0-9a-f]+)$/);
  if (found) return `${EXPECTED}, found bytes ${found[1]}`;
  const short = captureMessage.match(/only (\d+) bytes/);
  if (short) return `${EXPECTED}, but the file has only ${short[1]} bytes`;
  if (/JSON text/.test(captureMessage)) return `${EXPECTED}, found JSON that is neither (a qlog is an object with "traces", or JSON-SEQ records)`;
  return captureMessage;
}

async function* openFolder(dir: string, problems: ProblemReporter, seen: Set<string>, depth: number): AsyncGenerator<Input> {
  const skipped: string[] = [];
  let found = 0;
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      if (depth + 1 >= MAX_DEPTH) continue;
      for await (const input of openFolder(path, problems, seen, depth + 1)) {
        found++;
        yield input;
      }
      continue;
    }
    const real = await realpath(path).catch(() => path);
    if (seen.has(real)) {
      found++;
      continue;
    }
    // inside a folder, a file that is neither a capture nor a qlog (a key log, a README) is passed over
    const input = (await openQlog(path).catch(() => undefined)) ?? (await openCapture(path).catch(() => undefined));
    if (!input) {
      skipped.push(name);
      continue;
    }
    seen.add(real);
    found++;
    yield input;
  }
  if (found === 0 && depth === 0) {
    problems.report({ file: dir, message: `no capture or qlog file in this folder${skipped.length > 0 ? ` (only ${skipped.join(', ')})` : ''}`, fatal: true });
  } else if (skipped.length > 0 && depth === 0) {
    problems.report({ file: dir, message: `passed over ${skipped.length === 1 ? 'a file' : `${skipped.length} files`} that ${skipped.length === 1 ? 'is' : 'are'} neither a capture nor a qlog: ${skipped.join(', ')}`, fatal: false });
  }
}
