/**
 * A problem found in an input file, for the user: which file, where (byte offset for
 * captures, line or record for text inputs) and what was expected. `fatal` means nothing
 * after this point could be read; otherwise the bad part was skipped and reading went on.
 */
export interface InputIssue {
  file: string;
  offset?: number;
  line?: number;
  /** 1-based, with `line`, for text inputs whose problem sits at a column */
  column?: number;
  /** 1-based record (frame) number when the problem is inside one record */
  frame?: number;
  message: string;
  fatal: boolean;
}

export function formatIssue(i: InputIssue): string {
  const where =
    i.line !== undefined
      ? `line ${i.line}${i.column !== undefined ? `, column ${i.column}` : ''}`
      : i.frame !== undefined && i.offset !== undefined
        ? `frame ${i.frame}, byte offset ${i.offset}`
        : i.offset !== undefined
          ? `byte offset ${i.offset}`
          : i.frame !== undefined
            ? `frame ${i.frame}`
            : undefined;
  return `${i.file}${where ? ` (${where})` : ''}: ${i.message}`;
}

/** Thrown when an input cannot be read at all; carries the issue to show the user. */
export class InputError extends Error {
  constructor(readonly issue: InputIssue) {
    super(formatIssue(issue));
    this.name = 'InputError';
  }
}
