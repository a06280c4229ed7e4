import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects, run one after the other (sequence.groupOrder):
//
// - "unit" — tests/unit/: pure logic (statistics, schemas, thresholds, the engine's schedulers on
//   a fake clock, the renderer's models, the store on temp files). Nothing in them measures
//   time, so their files run in parallel, one per core. vitest's default is cores − 1, which is
//   a single worker on a 2-core machine; hence maxWorkers.
// - "load" — everything else in tests/: runs against loopback targets, the CLI as a process,
//   the browser end to end. These measure time: files running in parallel on a small machine
//   would measure each other, so they run one at a time, and only after the unit tests are done.
//
// A new test file outside tests/unit/ is a load test until someone decides it is pure.
const shared = {
  environment: 'node',
  testTimeout: 60_000,
  hookTimeout: 60_000,
} as const;

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/plainSummaryReporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          maxWorkers: Math.max(2, availableParallelism()),
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'load',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/unit/**'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
