#!/usr/bin/env node
// Thin entry point: the CLI itself is built by tsup into dist/cli.js.
import('../dist/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('quiclens: dist/cli.js is missing; run `npm run build` first\n');
    process.exit(2);
  }
  throw err;
});
