/**
 * Notes and progress on stderr: what the user may like to know but did not ask for (a file
 * passed over in a folder, a FIFO waiting for its writer, where a report was written).
 * `--quiet` silences them; errors, and the problems found in the inputs, are always told.
 * One command runs per process, so the choice is made once, when its options are read.
 */
let quiet = false;

export function setQuiet(q: boolean): void {
  quiet = q;
}

/** true under --quiet: a progress line (or any other note) is not drawn */
export function isQuiet(): boolean {
  return quiet;
}

/** one line on stderr, unless --quiet */
export function note(message: string): void {
  if (!quiet) process.stderr.write(`quiclens: ${message}\n`);
}
