import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { PacketSession } from '../analysis/read-packets.js';
import { QlogWriter } from '../qlog/write-qlog.js';
import { fileErrorMessage } from '../wire/file-error.js';
import { missingConnection, withCommonOptions, type CommonOptions } from './common-options.js';
import { openInputs } from './inputs.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { note } from './notes.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';

export interface ExportOptions extends CommonOptions {
  out: string;
}

export function withExportOptions<T>(y: Argv<T>) {
  return withCommonOptions(y).option('out', { requiresArg: true, describe: 'folder for the qlog files (created if missing)', type: 'string', default: 'qlog' });
}

/**
 * `quiclens export qlog CAPTURE…`: a qlog trace per connection and vantage point, for qvis
 * and other qlog tools. Prints the files written, one per line.
 */
export async function exportQlogCommand(opts: ExportOptions): Promise<number> {
  const problems = new ProblemReporter();
  const folderProblem = prepareFolder(opts.out);
  if (folderProblem) {
    problems.report({ file: opts.out, message: folderProblem, fatal: true });
    problems.finish();
    return 2;
  }
  const keys = readKeyLogs(opts.keylog, problems);
  const session = new PacketSession({ ports: opts.port, keylog: keys });
  // one writer for all inputs: connection numbers and time zero run across them
  let writer: QlogWriter | undefined;
  let unopened = 0;
  let writeFailed = false;
  let files: string[] = [];
  try {
    for await (const file of openInputs(opts.inputs, problems)) {
      for await (const ev of session.read(file)) {
        if (ev.kind === 'issue') problems.report(ev.issue);
        if (ev.kind !== 'packet') continue;
        if (opts.connection !== undefined && ev.packet.connection.id !== opts.connection) continue;
        if (ev.packet.pn === null && ev.packet.decrypted !== 'not encrypted') unopened++;
        writer ??= new QlogWriter(opts.out, (file.stats.firstTime ?? 0) * 1000, opts.inputs.join(', '));
        writer.write(ev.packet);
      }
    }
    // the last events are written here, so a folder that refuses them fails here too
    if (writer) {
      writer.addRecovery(session.recovery);
      files = writer.finish();
    }
  } catch (err) {
    // a file in the way, a full disk: said plainly, with what was written so far left in place
    const e = err as NodeJS.ErrnoException;
    if (!e.code) throw err;
    writeFailed = true;
    const what = e.code === 'EISDIR' ? 'a folder stands where a file would go' : fileErrorMessage(e, 'a folder');
    problems.report({ file: opts.out, message: `cannot write the qlog files${e.path ? ` (${e.path})` : ''}: ${what}`, fatal: true });
  }
  reportUnmatchedKeyLogs(keys, problems);
  const missing = missingConnection(opts.connection, session.tracker.connections);
  if (missing) problems.report(missing);
  const out = new Output();
  out.write(files.length > 0 ? `${files.join('\n')}\n` : '');
  await out.flush();
  // after a write error the reason is said already: "no connections" would be false
  if (files.length === 0 && !writeFailed) note('no QUIC connections found: no qlog written');
  if (unopened > 0) {
    note(`${unopened} packets could not be opened (no keys): they are written without packet numbers or frames; give the key log with --keylog`);
  }
  problems.finish();
  return problems.exitCode;
}

/**
 * The output folder, made if missing, one level at a time (a recursive mkdir under /proc
 * never returns); why not, in words, or undefined when it is ready.
 */
function prepareFolder(dir: string): string | undefined {
  let info;
  try {
    info = statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    return `cannot use it as a folder: ${fileErrorMessage(err, 'a folder')}`;
  }
  if (info) return info.isDirectory() ? undefined : 'expected a folder for the qlog files, found a file';
  const parent = dirname(resolve(dir));
  if (parent !== resolve(dir)) {
    const problem = prepareFolder(parent);
    if (problem) return problem;
  }
  try {
    mkdirSync(dir);
    return undefined;
  } catch (err) {
    return `cannot make the folder: ${fileErrorMessage(err, 'a folder')}`;
  }
}
