import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // vitest's default, one worker fewer than the cores, runs one file at a time on a 2-core
    // machine; most of a test file's time is spent waiting on processes it starts (the CLI,
    // tshark, Chromium), so two files at a time keep both cores busy
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // each file in a fresh module graph cost more than most files' tests (src loaded again for
    // each of ~120 files): the worker keeps src's modules between files. No test changes
    // process-wide state another file reads (no mocks of modules, no environment edits)
    isolate: false,
  },
});
