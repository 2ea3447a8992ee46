/**
 * A command whose module needs an optional package (DuckDB for index and query: a native
 * binary of about 70 MB, for each platform, that the offline tarball does not bundle). The
 * module is loaded when the command runs, so every other command works without it; when
 * it is not installed, the user is told what to install (exit 2), never a stack trace.
 */
export function needingPackage<T>(pkg: string, load: () => Promise<(opts: T) => Promise<number>>): (opts: T) => Promise<number> {
  return async (opts) => {
    let handler: (opts: T) => Promise<number>;
    try {
      handler = await load();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'ERR_MODULE_NOT_FOUND' || !e.message.includes(pkg)) throw err;
      process.stderr.write(`quiclens: this command needs the package ${pkg}, which is not installed (an optional dependency): npm install -g ${pkg}, or npm install ${pkg} beside quiclens\n`);
      return 2;
    }
    return handler(opts);
  };
}
