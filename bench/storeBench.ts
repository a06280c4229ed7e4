// Run history store benchmark: does the history stay fast with years of runs?
//   - list the newest 100 of 10,000 stored runs with their summaries (goal < 50 ms)
//   - load a one-hour run: 3,600 samples and its histogram (goal < 50 ms)
//   - database size per one-hour run
// plus the cost of the engine's per-second write. Runs on a temporary database file; run
// directly (`node bench/storeBench.ts`) to print the figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/shared/runResult.ts';
import { collectEnvironment } from '../src/main/store/environment.ts';
import { openStore, type RunStore } from '../src/main/store/runStore.ts';
import type { RunRecord } from '../src/shared/history.ts';
import { syntheticRun } from '../tests/fixtures/syntheticRun.ts';

export interface StoreBenchFigure {
  name: string;
  value: number;
  unit: string;
  goal?: string;
}

const RUNS = 10_000;
const HOUR = 3600;
const REPEAT = 20;

export async function benchStore(): Promise<StoreBenchFigure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'barrage-store-bench-'));
  try {
    const file = path.join(dir, 'history.db');
    const figures: StoreBenchFigure[] = [];

    // 10,000 runs of 10 s to 2 min, made of a few distinct synthetic results (building a
    // histogram per run would dominate the bench), spread over three years.
    let store = openStore(file);
    const templates = Array.from({ length: 12 }, (_, i) =>
      syntheticRun({ seconds: 10 + ((i * 37) % 110), seed: i + 1, protocol: i % 4 === 3 ? 'ws' : 'http', valuesPerSecond: 10 }),
    );
    const t0 = performance.now();
    const start = Date.UTC(2023, 0, 1);
    for (let i = 0; i < RUNS; i++) {
      const t = templates[i % templates.length];
      const startedAt = new Date(start + i * 9_000_000 + (i % 7) * 1000).toISOString();
      store.insertRun(record(t, startedAt, i));
    }
    figures.push({ name: 'store: insert one 10 s–2 min run (10,000 in a row)', value: (performance.now() - t0) / RUNS, unit: 'ms' });

    // The one-hour run, written the way the engine writes it: one transaction per second.
    const hour = syntheticRun({ seconds: HOUR, seed: 4242, valuesPerSecond: 20 });
    const hourId = store.createRun({ config: hour.config, environment: collectEnvironment(hour.config, 2), startedAt: hour.summary.startedAt });
    const appendMs: number[] = [];
    for (const sample of hour.samples) {
      const a = performance.now();
      store.appendSamples(hourId, [sample]);
      appendMs.push(performance.now() - a);
    }
    const f = performance.now();
    store.finishRun(hourId, hour);
    const finishMs = performance.now() - f;
    figures.push({ name: 'store: append one second of samples (median)', value: quantile(appendMs, 0.5), unit: 'ms' });
    figures.push({ name: 'store: append one second of samples (p99)', value: quantile(appendMs, 0.99), unit: 'ms' });
    figures.push({ name: 'store: finish a one-hour run', value: finishMs, unit: 'ms' });
    store.close();

    // First query on a fresh connection (SQLite's page cache empty; the OS's may be warm), then
    // the median of repeats.
    store = openStore(file);
    const listOnce = () => store.listRuns({ limit: 100 });
    let ms = time(listOnce);
    if (listOnce().runs.length !== 100 || listOnce().runs[0].summary === null) throw new Error('bench: listing returned the wrong runs');
    figures.push({ name: `store: list newest 100 of ${RUNS + 1} runs with summaries (fresh connection)`, value: ms, unit: 'ms', goal: '< 50 ms' });
    figures.push({ name: `store: list newest 100 of ${RUNS + 1} runs with summaries (median)`, value: median(REPEAT, listOnce), unit: 'ms', goal: '< 50 ms' });
    figures.push({
      name: 'store: list 100 runs filtered by tag, sorted by p99 (median)',
      value: median(REPEAT, () => store.listRuns({ limit: 100, tag: 'nightly', sort: 'p99' })),
      unit: 'ms',
    });
    store.close();

    store = openStore(file);
    const loadOnce = () => store.getRun(hourId);
    ms = time(loadOnce);
    const loaded = loadOnce()!;
    if (loaded.samples.length !== HOUR || loaded.histogram !== hour.histogram) throw new Error('bench: the one-hour run did not load whole');
    figures.push({ name: 'store: load a one-hour run, 3,600 samples + histogram (fresh connection)', value: ms, unit: 'ms', goal: '< 50 ms' });
    figures.push({ name: 'store: load a one-hour run, 3,600 samples + histogram (median)', value: median(REPEAT, loadOnce), unit: 'ms', goal: '< 50 ms' });
    store.close();
    figures.push({ name: `store: database size with ${RUNS + 1} runs`, value: dbBytes(file) / 2 ** 20, unit: 'MiB' });

    figures.push({ name: 'store: database size per one-hour run', value: bytesPerHourRun(dir, hour) / 2 ** 10, unit: 'KiB' });
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Grows a fresh database by a few one-hour runs and divides. */
function bytesPerHourRun(dir: string, hour: RunResult): number {
  const file = path.join(dir, 'size.db');
  let store: RunStore = openStore(file);
  store.close();
  const empty = dbBytes(file);
  const n = 5;
  store = openStore(file);
  for (let i = 0; i < n; i++) store.insertRun(record(hour, new Date(Date.UTC(2024, 0, 1 + i)).toISOString(), i));
  store.close();
  return (dbBytes(file) - empty) / n;
}

/** The file's size once the WAL is folded back in (closing the last connection does that). */
function dbBytes(file: string): number {
  const wal = `${file}-wal`;
  return fs.statSync(file).size + (fs.existsSync(wal) ? fs.statSync(wal).size : 0);
}

function record(t: RunResult, startedAt: string, i: number): RunRecord {
  const endedAt = new Date(Date.parse(startedAt) + t.summary.durationSec * 1000).toISOString();
  return {
    ...t,
    summary: { ...t.summary, startedAt, endedAt },
    scenarioId: null,
    scenarioName: `scenario ${i % 40}`,
    groupId: null,
    tags: i % 5 === 0 ? ['nightly'] : i % 11 === 0 ? ['release', 'eu'] : [],
    notes: i % 50 === 0 ? 'after the connection pool change' : '',
    environment: collectEnvironment(t.config, 2),
  };
}

function time(fn: () => unknown): number {
  const a = performance.now();
  fn();
  return performance.now() - a;
}

function median(repeat: number, fn: () => unknown): number {
  return quantile(Array.from({ length: repeat }, () => time(fn)), 0.5);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const f of await benchStore()) {
    console.log(`${f.name.padEnd(84)} ${f.value.toFixed(f.value < 10 ? 2 : 1).padStart(9)} ${f.unit}${f.goal ? `   goal ${f.goal}` : ''}`);
  }
}
