import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Any Chromium console error fails the test it happened in (e2e pages register themselves).
    setupFiles: ['test/support/console-error-hook.ts'],
    // Real ONNX Runtime, SQLite files and Chromium: give slow machines room, keep order stable.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
