/**
 * The width the fixed-width tables are laid out for: the terminal's own on a TTY; when
 * the output is piped, the `COLUMNS` the shell exports (as `ls` and `git` read it);
 * otherwise undefined, and each table keeps its own default.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}
