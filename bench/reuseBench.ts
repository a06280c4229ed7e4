// Worker reuse: pairs of identical HTTP runs in this process, the first on a fresh worker (the
// pool emptied before it), the second on the worker the first one left warm. The second must
// not be slower: neither in getting its load going (startRun → the common start instant: worker
// boot and driver loading) nor in requests/s.
import { closeWorkerPools, startRun } from '../src/main/engine/index.ts';
import { parseScenario } from '../src/shared/scenario.ts';
import { pairedFigure, withTimeout, type BenchSettings, type SectionResult } from './common.ts';
import { log, type Row } from './report.ts';
import { startTargetProcess } from './targetProcess.ts';

interface ReuseRun {
  pair: number;
  warm: boolean;
  startSec: number;
  perSec: number;
}

export async function reuseBench(settings: BenchSettings): Promise<SectionResult> {
  const target = await startTargetProcess();
  const runs: ReuseRun[] = [];
  const durationSec = Math.min(settings.durationSec, 3);
  try {
    const parsed = parseScenario({ protocol: 'http', url: `${target.httpUrl}/`, connections: settings.connections, durationSec, workers: 1 });
    if (!parsed.ok) throw new Error(parsed.error);
    for (let pair = 1; pair <= Math.max(2, settings.rounds); pair++) {
      await closeWorkerPools();
      for (const warm of [false, true]) {
        const t0 = performance.now();
        let startedAt = 0;
        const handle = startRun(parsed.value, { workers: 1, onStart: () => (startedAt = performance.now()) });
        const result = await withTimeout(handle.result, (durationSec + 20) * 1000, 'a Barrage run');
        const r: ReuseRun = { pair, warm, startSec: (startedAt - t0) / 1000, perSec: result.summary.throughput.perSec };
        runs.push(r);
        log(`reuse: pair ${pair} ${warm ? 'second (warm worker)' : 'first (new worker)'}: load started after ${r.startSec.toFixed(3)} s, ${Math.round(r.perSec).toLocaleString('en-US')} req/s`);
      }
    }
  } finally {
    await target.close();
  }
  const first = runs.filter((r) => !r.warm);
  const second = runs.filter((r) => r.warm);
  const rows: Row[] = [
    {
      section: 'reuse',
      figure: 'startRun → load starts (s): second run of a pair vs first',
      ...pairedFigure(second.map((r) => r.startSec), first.map((r) => r.startSec)),
      goal: { kind: 'max', ratio: 1 },
      note: runs.map((r) => `#${r.pair}${r.warm ? 'b' : 'a'} ${r.startSec.toFixed(3)} s, ${Math.round(r.perSec)}/s`).join('; '),
    },
    {
      section: 'reuse',
      figure: `requests/s (${durationSec} s runs): second run of a pair vs first`,
      ...pairedFigure(second.map((r) => r.perSec), first.map((r) => r.perSec)),
      // "Not slower", within this machine's run-to-run noise of a few percent.
      goal: { kind: 'min', ratio: 0.95 },
    },
  ];
  return { rows, raw: runs };
}
