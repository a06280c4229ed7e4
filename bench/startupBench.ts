// Start-up: how long `barrage run` takes from process start to its first request arriving at a
// loopback target (wall time, and CPU seconds of the barrage process by then), as a user runs it
// (the run stored in a history; a warm start-up cache, i.e. not the very first run after an
// install or an edit), against `barrage --help` from start to exit. See startupProbe.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSettings, SectionResult } from './common.ts';
import { log, median, type Row } from './report.ts';
import { timeFirstRequest, timeHelp, type StartupMeasurement } from './startupProbe.ts';

export async function startupBench(settings: BenchSettings): Promise<SectionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'barrage-bench-startup-'));
  const db = join(dir, 'history.db');
  const rounds = Math.max(3, settings.rounds + 1);
  const run: StartupMeasurement[] = [];
  const help: StartupMeasurement[] = [];
  try {
    // Warms the start-up cache and creates the history, as any earlier use would have.
    await timeFirstRequest(['--db', db]);
    await timeHelp();
    for (let round = 1; round <= rounds; round++) {
      // A B A B: run, help, run, help …
      const r = await timeFirstRequest(['--db', db]);
      run.push(r);
      const h = await timeHelp();
      help.push(h);
      log(`startup: round ${round}: run → first request ${r.wallSec.toFixed(3)} s wall, ${r.cpuSec?.toFixed(2) ?? '?'} CPU-s; --help ${h.wallSec.toFixed(3)} s wall, ${h.cpuSec?.toFixed(2) ?? '?'} CPU-s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cpu = (ms: StartupMeasurement[]) => median(ms.map((m) => m.cpuSec ?? NaN));
  const wall = (ms: StartupMeasurement[]) => median(ms.map((m) => m.wallSec));
  const note = `${rounds} rounds, medians; run: ${run.map((m) => `${m.wallSec.toFixed(2)} s/${m.cpuSec?.toFixed(2)} CPU-s`).join(', ')}; --help: ${help.map((m) => `${m.wallSec.toFixed(2)} s/${m.cpuSec?.toFixed(2)} CPU-s`).join(', ')}`;
  const rows: Row[] = [
    { section: 'startup', figure: '`barrage run` start → first request, wall', barrage: wall(run), reference: null, goal: { kind: 'max', ratio: 0.35 }, absolute: true, unit: 's', note },
    { section: 'startup', figure: '`barrage run` CPU before its first request', barrage: cpu(run), reference: null, goal: { kind: 'max', ratio: 0.4 }, absolute: true, unit: 'CPU-s' },
    { section: 'startup', figure: '`barrage --help` start → exit, wall', barrage: wall(help), reference: null, goal: null, absolute: true, unit: 's' },
    { section: 'startup', figure: '`barrage --help` CPU', barrage: cpu(help), reference: null, goal: null, absolute: true, unit: 'CPU-s' },
  ];
  return { rows, raw: { run, help } };
}
