import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Load tests measure time: running files in parallel on a 2-core machine would make
    // them measure each other.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './tests/support/plainSummaryReporter.ts'],
  },
});
