import { openCapture, type CaptureFile } from '../capture/open-capture.js';
import { openQlog, type QlogFile } from '../qlog/open-qlog.js';
import { InputError } from '../wire/input-issue.js';
import type { ProblemReporter } from './problems.js';

/**
 * Opens each input by its content: a qlog file (or a folder of them), else a capture. A
 * file that cannot be opened is reported and left out; the others are still analysed.
 */
export async function* openInputs(paths: readonly string[], problems: ProblemReporter): AsyncGenerator<CaptureFile | QlogFile> {
  for (const path of paths) {
    try {
      yield (await openQlog(path)) ?? (await openCapture(path));
    } catch (err) {
      if (err instanceof InputError) problems.report(err.issue);
      else throw err;
    }
  }
}
