/**
 * Standard input as an input path. `-` on the command line is renamed to this before
 * yargs parses it (yargs drops a bare `-`); the names a shell gives the same pipe are
 * read the same way, so that `/dev/stdin` never goes through realpath or a seek.
 */
export const STDIN_PATH = '/dev/stdin';

const STDIN_NAMES = new Set([STDIN_PATH, '/dev/fd/0', '/proc/self/fd/0']);

export function isStdin(path: string): boolean {
  return STDIN_NAMES.has(path);
}
