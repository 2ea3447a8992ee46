import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig([
  {
    // file-worker: the worker thread of --jobs, loaded beside cli.js
    entry: { index: 'src/index.ts', cli: 'src/cli/main.ts', 'file-worker': 'src/cli/file-worker.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    // an optional dependency (index, query): loaded from node_modules when those commands run, never bundled
    external: ['@duckdb/node-api'],
    // yargs and what it loads, bundled: Node resolves, reads and compiles each of their ESM
    // files at every start otherwise, about 0.1 s of a run. Bundled, yargs cannot find its
    // own locale files, so its few messages are in English whatever LANG says, like ours
    noExternal: ['yargs', 'yargs-parser', 'cliui', 'y18n', 'escalade', 'get-caller-file', 'string-width', 'strip-ansi', 'ansi-regex', 'wrap-ansi', 'ansi-styles', 'emoji-regex', 'get-east-asian-width'],
    // --version: yargs would look for a package.json from its own place, which bundled is ours
    define: { QUICLENS_VERSION: JSON.stringify(version) },
    dts: { entry: { index: 'src/index.ts' } },
    // the report page's script is built beside, by the config below, at the same time
    clean: ['!report-page/**'],
  },
  {
    // the HTML report's own script: one browser file the report command inlines into each page
    entry: { page: 'src/report/html/page/main.ts' },
    outDir: 'dist/report-page',
    format: ['iife'],
    target: 'es2020',
    platform: 'browser',
    minify: true,
    clean: true,
  },
]);
