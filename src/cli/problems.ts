import { formatIssue, type InputIssue } from '../wire/input-issue.js';
import { isQuiet } from './notes.js';

/**
 * Problems with the inputs, told on stderr in plain words as they happen. The first few
 * of each file are printed; the rest are counted, so a badly damaged capture cannot flood
 * the terminal. Decides the exit code: 2 when an input could not be read to its end.
 */
export class ProblemReporter {
  private readonly perFile = new Map<string, number>();
  private fatal = false;

  constructor(
    private readonly write: (s: string) => void = (s) => process.stderr.write(s),
    private readonly maxPerFile = 20,
  ) {}

  report(issue: InputIssue): void {
    if (issue.fatal) this.fatal = true;
    const n = (this.perFile.get(issue.file) ?? 0) + 1;
    this.perFile.set(issue.file, n);
    if (n <= this.maxPerFile || issue.fatal) this.write(`quiclens: ${formatIssue(issue)}\n`);
  }

  /** something worth knowing that is no problem with the input (a file passed over): silent under --quiet */
  note(issue: Omit<InputIssue, 'fatal'>): void {
    if (!isQuiet()) this.write(`quiclens: ${formatIssue({ ...issue, fatal: false })}\n`);
  }

  /** print the counts of problems not shown */
  finish(): void {
    for (const [file, n] of this.perFile) {
      if (n > this.maxPerFile) this.write(`quiclens: ${file}: ${n - this.maxPerFile} more problems not shown\n`);
    }
  }

  get exitCode(): 0 | 2 {
    return this.fatal ? 2 : 0;
  }
}
