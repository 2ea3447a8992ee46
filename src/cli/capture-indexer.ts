import type { CaptureIndexer } from '../queue/index-worker.js';
import { InputError } from '../wire/input-issue.js';
import { indexCaptureToParquet, NotIndexed } from './index-capture.js';

/** a job's result keeps this many of a capture's problems (the rest are counted in the line that says so) */
const ISSUES_KEPT = 10;

/**
 * A queue job's work: the capture's Parquet partition, as `quiclens index --parquet` writes
 * it (index-capture.ts). A file with no capture or qlog in it (wrong first bytes, too short)
 * is an InputError, so its job fails at once; a capture damaged further on is indexed as far
 * as it reads, its problems kept with the job's result.
 */
export const parquetIndexer: CaptureIndexer = async (path, parquetDir, keylogs, source) => {
  let r;
  try {
    r = await indexCaptureToParquet(path, parquetDir, { keylog: keylogs, ...(source === undefined ? {} : { source }) });
  } catch (err) {
    if (err instanceof NotIndexed) throw new InputError({ file: path, message: err.message.replace(`${path}: `, ''), fatal: true });
    throw err;
  }
  const issues = r.problems.slice(0, ISSUES_KEPT);
  if (r.problems.length > ISSUES_KEPT) issues.push(`${r.problems.length - ISSUES_KEPT} more problems not kept`);
  return { captureId: r.captureId, rows: { ...r.rows }, alreadyIndexed: r.skipped !== undefined, issues };
};
