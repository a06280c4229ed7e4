import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Three projects, run one after the other (sequence.groupOrder):
//
// - "unit" — tests/unit/ (and MEASURE_NOTHING below): pure logic (statistics, schemas,
//   thresholds, the engine's schedulers on a fake clock, the renderer's models, the store on
//   temp files). Nothing in them measures time, so their files run in parallel, one per core (vitest's default is cores − 1: a single
//   worker on a 2-core machine; hence maxWorkers), and without a fresh module graph per file
//   (isolate: false): importing the same modules again for every file cost about 40% of their
//   CPU time (71 s → 42 s on a busy 2-core machine). So a unit test must not leave global state behind (no vi.mock, no module-level
//   changes); a test that mocks a module belongs in the load project, which isolates each file.
// - "e2e" — tests/e2e/: the UI in Chromium against `barrage serve`, after the unit tests, two
//   files at a time (each with its own server and history; they check what views show, not time);
//   and the files outside tests/e2e/ that a neighbour cannot fail: the CLI's end-to-end files
//   that check output, not time (END_TO_END_CLI), files that check what is stored, exported or
//   served (OUTPUT_NOT_TIME), and known answers far wider than any noise (WIDE_KNOWN_ANSWERS).
// - "load" — everything else in tests/: runs against loopback targets, the CLI as a process.
//   These measure time: files running in parallel on a small machine would measure each other,
//   so they run one at a time, last, with nothing else running. That includes every capacity
//   search: its generator-limited verdict reads the load worker's event-loop busy share, which
//   a starved machine pushes past 95% even at 150 requests/s (3 runs in 8 at load 13 here), so a
//   neighbour could end a known-answer search early.
//
// A new test file outside tests/unit/ and tests/e2e/ is a load test until someone decides it is
// pure or its bounds are wide enough to share the machine; move it to a list below with the reason.
//
// A few files start the CLI as a process but measure no time (they read a stored history, or
// wait for a lock): they run with the unit tests, in parallel, instead of queueing with the load.
const MEASURE_NOTHING = ['tests/compareCli.test.ts', 'tests/groupRuns.test.ts', 'tests/cliHistory.test.ts', 'tests/importCli.test.ts'];
//
// Others run short loads, but only to have something to store, redact, report or refuse: their
// assertions are about what the CLI prints, stores and exits with (bounds such as "more than 100
// requests/s" hold on any machine). They join the end-to-end files, two at a time, instead of
// queueing with the load tests that measure (about 80 s of the serial queue).
const END_TO_END_CLI = [
  'tests/cli.test.ts',
  'tests/storedSecretsCli.test.ts',
  'tests/damagedHistory.test.ts',
  'tests/demoTargetCli.test.ts',
  'tests/showdownCli.test.ts',
  'tests/k8sCollect.test.ts',
  'tests/toolImports.test.ts',
];
//
// And files that ran with the load tests but check only what is printed, stored, exported or
// served, never how long anything took: imports and refusals (OpenAPI, bad flags, damaged or
// foreign history files), reports rendered offline, figures exposed (OTLP, the app's /metrics)
// compared with the run's own stored seconds, a run killed mid-stride and recovered, stored runs
// with known differences compared. Their bounds are counts or consistency, which hold on any
// machine; deadTarget's are floors (the ages of requests that never get an answer, missed pongs)
// that a busy machine can only raise. Each has its own history, temp files and port 0. In the
// serial queue they cost about 110 s plus a second or so each of start-up; two at a time beside
// the e2e files, about half of that.
const OUTPUT_NOT_TIME = [
  'tests/openapiImport.test.ts',
  'tests/openapiAppImport.test.ts',
  'tests/otlpPush.test.ts',
  'tests/appMetrics.test.ts',
  'tests/credentials.test.ts',
  'tests/historySafety.test.ts',
  'tests/nothingCompletedSummary.test.ts',
  'tests/firstHourWords.test.ts',
  'tests/compareStageCli.test.ts',
  'tests/storeExchange.test.ts',
  'tests/compareConfigDiff.test.ts',
  'tests/cliPapercuts.test.ts',
  'tests/cliPipes.test.ts',
  'tests/uiServer.test.ts',
  'tests/statsApi.test.ts',
  'tests/shardMergeApi.test.ts',
  'tests/k6Unreported.test.ts',
  'tests/storeRecovery.test.ts',
  'tests/htmlReport.test.ts',
  'tests/deadTarget.test.ts',
  'tests/ciReportsCli.test.ts',
  'tests/flowResultCli.test.ts',
  // Flows run as shards and merged: the merged counts must be the shards' sums, exactly.
  'tests/shardedFlow.test.ts',
  // Bodies and messages over the size limit: counted as too-large, whatever the speed.
  'tests/tooLarge.test.ts',
  // Wiring and refusals: the Electron shell on a fake electron, serve's build options on a mocked
  // Vite, live metrics fed made-up seconds, the showdown refusing a bad certificate, the demo
  // target's processes sharing one port.
  'tests/electronShell.test.ts',
  'tests/serveBuildQuiet.test.ts',
  'tests/liveMetricsStages.test.ts',
  'tests/showdownTls.test.ts',
  'tests/targetCluster.test.ts',
];
//
// Two known answers so far from any noise that a neighbouring file cannot move them: an A/B run
// whose B answers 20 ms later than A at the median (on a busy machine A's median swings between
// 0.2 and 4 ms; the verdict needs only "worse" and the direction of throughput, A thousands of
// requests/s against B's ≤ 100), and the example flows against the demo target's 20–40 ms
// JSON-RPC delay, with a median bound of 20–120 ms. abRun alone was 53 s of the serial queue.
const WIDE_KNOWN_ANSWERS = ['tests/abRun.test.ts', 'tests/flowExamples.test.ts'];
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
          include: ['tests/unit/**/*.test.ts', ...MEASURE_NOTHING],
          maxWorkers: Math.max(2, availableParallelism()),
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts', ...END_TO_END_CLI, ...OUTPUT_NOT_TIME, ...WIDE_KNOWN_ANSWERS],
          // Each file starts its own `barrage serve` (port 0, its own history) and Chromium, or
          // its own target, temp history and ports, and its assertions are about what is shown,
          // printed or stored, not about time: two files at a time overlap one file's waiting
          // (page loads, a short run) with the other's work.
          maxWorkers: 2,
          fileParallelism: true,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'load',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/unit/**', 'tests/e2e/**', ...MEASURE_NOTHING, ...END_TO_END_CLI, ...OUTPUT_NOT_TIME, ...WIDE_KNOWN_ANSWERS],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
