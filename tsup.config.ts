import { defineConfig } from 'tsup';

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
