import type { Argv } from 'yargs';
import { CaseEvidenceCollector } from '../analysis/conformance/case-evidence.js';
import { judgeCases } from '../analysis/conformance/judge-cases.js';
import { isTestCase, TEST_CASES, type TestCaseName } from '../analysis/conformance/test-cases.js';
import { checkTable, checkToJson, checkToJunit, totals, type CheckResult, type CheckSuite } from '../report/check-report.js';
import { palette } from '../report/colour.js';
import { analyseInputs } from './analyse-inputs.js';
import { withCommonOptions, type CommonOptions } from './common-options.js';
import { readKeyLogs, reportUnmatchedKeyLogs } from './keylogs.js';
import { terminalWidth } from './terminal-width.js';
import { Output } from './output.js';
import { ProblemReporter } from './problems.js';

export interface CheckOptions extends Omit<CommonOptions, 'format'> {
  format: CommonOptions['format'] | 'junit';
  expect: TestCaseName[];
  allowUnknown: boolean;
}

/** `--expect a,b --expect c`: the test cases, each named once, in the order given */
export function parseExpect(v: string | string[] | undefined): TestCaseName[] {
  const names = [v ?? []].flat().flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new Error(`--expect needs at least one test case: ${TEST_CASES.join(', ')}`);
  const unknown = names.filter((n) => !isTestCase(n));
  if (unknown.length > 0) throw new Error(`--expect: no test case ${unknown.map((n) => `'${n}'`).join(', ')}; the test cases are ${TEST_CASES.join(', ')}`);
  return [...new Set(names as TestCaseName[])];
}

export function withCheckOptions<T>(y: Argv<T>) {
  return withCommonOptions(y)
    .option('format', { describe: 'output format (junit: JUnit XML, one testsuite per capture)', choices: ['junit'] as const, requiresArg: true })
    .option('expect', {
      describe: `the test cases to judge, comma-separated: ${TEST_CASES.join(', ')}`,
      type: 'string',
      requiresArg: true,
      demandOption: 'name the test cases to judge with --expect',
      coerce: parseExpect,
    })
    .option('allow-unknown', { describe: 'a case that cannot be judged (no keys) does not fail the run', type: 'boolean', default: false });
}

/**
 * Exit code: 2 when an input could not be read to its end, else 1 when a case failed or
 * (without --allow-unknown) could not be judged, else 0. An unknown fails by default: a CI
 * job that asked for a verdict must not go green on one that was never made.
 */
export function checkExitCode(r: CheckResult): number {
  if (r.suites.some((s) => !s.readable)) return 2;
  const t = totals(r);
  if (t.fail > 0) return 1;
  return t.unknown > 0 && !r.allowUnknown ? 1 : 0;
}

/** `quiclens check CAPTURE… --expect CASES`: the interop runner's test cases as verdicts, per capture. */
export async function checkCommand(opts: CheckOptions): Promise<number> {
  const out = new Output();
  const keyProblems = new ProblemReporter();
  const keys = readKeyLogs(opts.keylog, keyProblems);
  const result: CheckResult = { expected: opts.expect, allowUnknown: opts.allowUnknown, suites: [] };
  for (const path of opts.inputs) {
    const told: string[] = [];
    const problems = new ProblemReporter((s) => {
      told.push(s.replace(/^quiclens: /, '').trimEnd());
      process.stderr.write(s);
    });
    const evidence = new CaseEvidenceCollector();
    const common = { ...opts, inputs: [path], format: 'json' as const };
    const { view } = await analyseInputs(common, (p) => evidence.observe(p), problems, { keyLogs: keys });
    problems.finish();
    const verdicts = judgeCases(opts.expect, { ...view, evidence: (c) => evidence.of(c) });
    const suite: CheckSuite = {
      path,
      format: view.inputs[0]?.format ?? null,
      records: view.inputs.reduce((n, i) => n + i.records, 0),
      connections: view.connections.length,
      verdicts,
      problems: told,
      readable: problems.exitCode === 0,
    };
    result.suites.push(suite);
    if (opts.format === 'ndjson') out.write(JSON.stringify((checkToJson({ ...result, suites: [suite] }).captures as unknown[])[0]) + '\n');
  }
  reportUnmatchedKeyLogs(keys, keyProblems);
  keyProblems.finish();
  if (opts.format === 'table') out.write(checkTable(result, palette(out.stream, opts.color), Math.min(140, terminalWidth(out.stream) ?? 120)));
  else if (opts.format === 'json') out.write(JSON.stringify(checkToJson(result), null, 2) + '\n');
  else if (opts.format === 'junit') out.write(checkToJunit(result));
  await out.flush();
  const t = totals(result);
  if (t.unknown > 0 && !opts.allowUnknown && t.fail === 0) process.stderr.write(`quiclens: ${t.unknown} case${t.unknown === 1 ? '' : 's'} could not be judged (unknown): exit 1; --allow-unknown accepts them\n`);
  return keyProblems.exitCode === 2 ? 2 : checkExitCode(result);
}
