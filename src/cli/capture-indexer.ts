import { openCapture } from '../capture/open-capture.js';
import type { CaptureIndexer } from '../queue/index-worker.js';
import { indexCaptureToParquet } from './index-capture.js';

/** a job's result keeps this many of a capture's problems (the rest are counted in the line that says so) */
const ISSUES_KEPT = 10;

/**
 * A queue job's work: the capture's Parquet partition, as `quiclens index --parquet` writes
 * it (index-capture.ts). The file is first opened as a capture, so one that is none (wrong
 * first bytes, too short) throws InputError and its job fails at once; a capture damaged
 * further on is indexed as far as it reads, its problems kept with the job's result.
 */
export const parquetIndexer: CaptureIndexer = async (path, parquetDir, keylogs) => {
  await openCapture(path);
  const r = await indexCaptureToParquet(path, parquetDir, { keylog: keylogs });
  const issues = r.problems.slice(0, ISSUES_KEPT);
  if (r.problems.length > ISSUES_KEPT) issues.push(`${r.problems.length - ISSUES_KEPT} more problems not kept`);
  return { captureId: r.captureId, rows: { ...r.rows }, alreadyIndexed: r.skipped !== undefined, issues };
};
