// Start-up: how long `barrage run` takes from process start to its first request arriving at a
// loopback target (wall time, and CPU seconds of the barrage process by then), as a user runs it
// (the run stored in a history; a warm start-up cache, i.e. not the very first run after an
// install or an edit), against `barrage --help` from start to exit. See startupProbe.ts.
// `barrage` runs its bundle (bin/cliBundle.js) once built: the bench builds it first when the
// sources changed, as the first command after an edit would (in the background), and also
// times the sources themselves (BARRAGE_NO_BUNDLE=1) as information.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSettings, SectionResult } from './common.ts';
import { log, median, type Row } from './report.ts';
import { timeFirstRequest, timeHelp, type StartupMeasurement } from './startupProbe.ts';
// @ts-expect-error plain JavaScript (it runs before any TypeScript can be loaded), no types
import { ensureBundle } from '../bin/cliBundle.js';

export async function startupBench(settings: BenchSettings): Promise<SectionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'barrage-bench-startup-'));
  const db = join(dir, 'history.db');
  const rounds = Math.max(3, settings.rounds + 1);
  const run: StartupMeasurement[] = [];
  const help: StartupMeasurement[] = [];
  const sources: StartupMeasurement[] = [];
  const sourcesEnv = { ...process.env, BARRAGE_NO_BUNDLE: '1' };
  let bundled = false;
  try {
    bundled = await (ensureBundle as () => Promise<boolean>)().catch((err: unknown) => {
      log(`startup: the CLI bundle could not be built (${String(err)}): timing the sources`);
      return false;
    });
    // Warms the start-up caches and creates the history, as any earlier use would have.
    await timeFirstRequest(['--db', db]);
    await timeFirstRequest(['--db', db], sourcesEnv);
    await timeHelp();
    for (let round = 1; round <= rounds; round++) {
      // A B C A B C: run, help, run from the sources …
      const r = await timeFirstRequest(['--db', db]);
      run.push(r);
      const h = await timeHelp();
      help.push(h);
      const src = await timeFirstRequest(['--db', db], sourcesEnv);
      sources.push(src);
      log(`startup: round ${round}: run → first request ${r.wallSec.toFixed(3)} s wall, ${r.cpuSec?.toFixed(2) ?? '?'} CPU-s; --help ${h.wallSec.toFixed(3)} s wall, ${h.cpuSec?.toFixed(2) ?? '?'} CPU-s; run from the sources ${src.wallSec.toFixed(3)} s, ${src.cpuSec?.toFixed(2) ?? '?'} CPU-s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cpu = (ms: StartupMeasurement[]) => median(ms.map((m) => m.cpuSec ?? NaN));
  const wall = (ms: StartupMeasurement[]) => median(ms.map((m) => m.wallSec));
  const note = `${bundled ? 'bundled CLI' : 'the sources (no bundle)'}; ${rounds} rounds, medians; run: ${run.map((m) => `${m.wallSec.toFixed(2)} s/${m.cpuSec?.toFixed(2)} CPU-s`).join(', ')}; --help: ${help.map((m) => `${m.wallSec.toFixed(2)} s/${m.cpuSec?.toFixed(2)} CPU-s`).join(', ')}`;
  const rows: Row[] = [
    { section: 'startup', figure: '`barrage run` start → first request, wall', barrage: wall(run), reference: null, goal: { kind: 'max', ratio: 0.35 }, absolute: true, unit: 's', note },
    { section: 'startup', figure: '`barrage run` CPU before its first request', barrage: cpu(run), reference: null, goal: { kind: 'max', ratio: 0.4 }, absolute: true, unit: 'CPU-s' },
    { section: 'startup', figure: '`barrage --help` start → exit, wall', barrage: wall(help), reference: null, goal: null, absolute: true, unit: 's' },
    { section: 'startup', figure: '`barrage --help` CPU', barrage: cpu(help), reference: null, goal: null, absolute: true, unit: 'CPU-s' },
    { section: 'startup', figure: '`barrage run` from the sources (no bundle): CPU before its first request', barrage: cpu(sources), reference: null, goal: null, absolute: true, unit: 'CPU-s' },
  ];
  return { rows, raw: { run, help, sources, bundled } };
}
