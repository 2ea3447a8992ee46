import { palette } from '../report/colour.js';
import { migrationsTable, summaryJsonLists } from '../report/summary.js';
import { analyseInputs, exitCode } from './analyse-inputs.js';
import type { CommonOptions } from './common-options.js';
import { writeJsonLists } from './json-output.js';
import { Output } from './output.js';

/** `quiclens migrations`: every path change of every connection, its kind and verdict. */
export async function migrationsCommand(opts: CommonOptions): Promise<number> {
  const out = new Output();
  const { view, problems } = await analyseInputs(opts);
  const findings = view.findings.filter((f) => /^(migration_|path_)/.test(f.code));
  if (opts.format === 'table') out.write(migrationsTable(view, findings, palette(out.stream, opts.color)));
  else {
    // the same document as summary's (design.md), findings narrowed to paths
    await writeJsonLists(out, summaryJsonLists({ ...view, findings }), opts.format !== 'ndjson');
  }
  await out.flush();
  return exitCode(problems, findings, opts);
}
