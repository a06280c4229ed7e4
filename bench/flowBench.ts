// Flows (issue #12): the overhead of running requests as a flow. A flow of 3 HTTP steps (no
// think time, no checks, keep-alive per virtual user) against a single-request Barrage run
// (autocannon) on the same demo-target route, the same workers (1) and the same concurrency
// (virtual users = connections), A B A B; medians, the ratio the median of the pairs' ratios. The figure is requests per generator CPU-s,
// the steadier figure on a shared machine (docs/PERFORMANCE.md); goal: the flow ≥ 0.85× the
// single-request run.
import { closeWorkerPools, startRun } from '../src/main/engine/index.ts';
import type { RunResult } from '../src/shared/runResult.ts';
import { parseScenario, type Scenario } from '../src/shared/scenario.ts';
import { othersText, pairedFigure, pairedRounds, processCpuSec, roundsNote, sleep, watchOthers, withTimeout, type BenchSettings, type Measured, type PairedRounds, type SectionResult } from './common.ts';
import { SETTLE_MS } from './references.ts';
import { log, type Row } from './report.ts';
import { startTargetProcess, type TargetProcess } from './targetProcess.ts';

interface FlowMeasurement extends Measured {
  requests: number;
  perSec: number;
  cpuSec: number;
  perCpuSec: number;
  note?: string;
}

function scenarioOf(input: unknown): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(`bench scenario: ${parsed.error}`);
  return parsed.value;
}

export async function flowBench(settings: BenchSettings): Promise<SectionResult> {
  const target = await startTargetProcess();
  const users = settings.connections;
  const base = target.httpUrl;
  log(`flow: target pid ${target.pid}, ${users} virtual users / connections, ${settings.durationSec} s per run`);
  const raw: FlowMeasurement[] = [];
  let rounds: PairedRounds<FlowMeasurement>;
  try {
    const flow = scenarioOf({
      protocol: 'flow',
      url: base,
      virtualUsers: users,
      durationSec: settings.durationSec,
      warmupSec: 0,
      workers: 1,
      steps: [
        { type: 'http', name: 'one', url: '/' },
        { type: 'http', name: 'two', url: '/' },
        { type: 'http', name: 'three', url: '/' },
      ],
    });
    const single = scenarioOf({ protocol: 'http', url: `${base}/`, connections: users, durationSec: settings.durationSec, warmupSec: 0, workers: 1 });
    await measure(single, 'warm', 0, target); // the target's JIT
    rounds = await pairedRounds(
      settings,
      (round) => measure(flow, 'flow', round, target),
      (round) => measure(single, 'single request', round, target),
      raw,
    );
  } finally {
    await target.close();
  }
  const notes = raw.map((m) => `${m.tool}#${m.round} ${Math.round(m.perSec).toLocaleString('en-US')} req/s, ${Math.round(m.perCpuSec).toLocaleString('en-US')} req/CPU-s (${othersText(m.othersCores)})${m.note ? ` [${m.note}]` : ''}`);
  const rows: Row[] = [
    {
      section: 'flow',
      figure: `requests per generator CPU-s: a flow of 3 HTTP steps vs a single-request run, ${users} users/connections`,
      ...pairedFigure(rounds.barrage.map((m) => m.perCpuSec), rounds.reference.map((m) => m.perCpuSec)),
      goal: { kind: 'min', ratio: 0.85 },
      note: `${roundsNote(rounds)}; ${notes.join('; ')}`,
      noisy: rounds.noisy,
    },
    {
      section: 'flow',
      figure: 'requests/s: the same runs',
      ...pairedFigure(rounds.barrage.map((m) => m.perSec), rounds.reference.map((m) => m.perSec)),
      goal: null,
      noisy: rounds.noisy,
    },
  ];
  return { rows, raw };
}

async function measure(scenario: Scenario, tool: string, round: number, target: TargetProcess): Promise<FlowMeasurement> {
  // A fresh worker for each run, as the other sections do.
  await closeWorkerPools();
  const others = watchOthers();
  const targetBefore = (await target.stats()).cpuSec;
  const bootCpu = process.cpuUsage();
  let loadCpu: NodeJS.CpuUsage | undefined;
  const handle = startRun(scenario, { workers: 1, skipProbe: true, onStart: () => (loadCpu = process.cpuUsage()) });
  let result: RunResult;
  try {
    result = await withTimeout(handle.result, ((scenario.durationSec ?? 5) + 20) * 1000, `a Barrage ${tool} run`);
  } catch (err) {
    handle.stop();
    throw err;
  }
  await sleep(SETTLE_MS);
  const cpuSec = processCpuSec(loadCpu ?? bootCpu);
  const targetCpuSec = (await target.stats()).cpuSec - targetBefore;
  const s = result.summary;
  const requests = s.throughput.total;
  const m: FlowMeasurement = { tool, round, requests, perSec: requests / s.durationSec, cpuSec, perCpuSec: cpuSec > 0 ? requests / cpuSec : NaN, othersCores: others(targetCpuSec) };
  const problems: string[] = [];
  if (s.status !== 'completed') problems.push(`status ${s.status}${s.failure ? `: ${s.failure}` : ''}`);
  if (s.errors.total > 0) problems.push(`errors ${JSON.stringify(s.errors.byKind)}`);
  if (problems.length) m.note = problems.join('; ');
  if (round > 0) log(`flow: ${tool} round ${round}: ${Math.round(m.perSec)} req/s, ${Math.round(m.perCpuSec)} req/CPU-s${m.note ? ` — ${m.note}` : ''}`);
  return m;
}
