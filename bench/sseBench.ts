// Server-Sent Events: Barrage's SSE driver (one worker; eventsource-parser, a delivery lag from
// each event's "ts" recorded in the µs histogram, ids kept for Last-Event-ID) against the
// cheapest reader: bare http.get streams that count events by their blank lines and record
// nothing (referenceWorker.ts, a fresh worker thread). Both read the same demo-target feed
// (/sse/events, the target in a process of its own) with the same connections, A B A B;
// each side's median shown, the ratio the median of the pairs' ratios. The feed's rate is the same for both, so events/s shows whether either
// falls behind; CPU per 100k events shows what the parsing and measuring cost.
import { closeWorkerPools, startRun } from '../src/main/engine/index.ts';
import type { RunResult } from '../src/shared/runResult.ts';
import { parseScenario, type Scenario } from '../src/shared/scenario.ts';
import { othersText, pairedFigure, pairedRounds, processCpuSec, roundsNote, sleep, watchOthers, withTimeout, type BenchSettings, type Measured, type PairedRounds, type SectionResult } from './common.ts';
import { runReference, SETTLE_MS } from './references.ts';
import { log, type Row } from './report.ts';
import { startTargetProcess, type TargetProcess } from './targetProcess.ts';

/** Events per second of the feed; every stream gets each one (× connections in all). */
const FEED_RATE = 1000;
/** Each event padded to this many bytes of JSON, a typical small update. */
const EVENT_BYTES = 128;

interface SseMeasurement extends Measured {
  events: number;
  perSec: number;
  cpuSec: number;
  cpuSecPer100k: number;
  targetCpuPercent: number;
  note?: string;
}

export async function sseBench(settings: BenchSettings): Promise<SectionResult> {
  const target = await startTargetProcess();
  const connections = settings.connections;
  // A feed of its own per run (a new name each time): no run reads events another left behind.
  const urlFor = (tool: string, round: number) => `${target.httpUrl}/sse/events?feed=bench-${tool}-${round}&rate=${FEED_RATE}&arrivals=even&bytes=${EVENT_BYTES}`;
  log(`sse: target pid ${target.pid}, ${connections} streams × ${FEED_RATE} events/s of ${EVENT_BYTES} B`);
  const raw: SseMeasurement[] = [];
  let rounds: PairedRounds<SseMeasurement>;
  try {
    // Warm the target's JIT.
    await referenceRead(urlFor('warm', 0), connections, 1, target, 0);
    rounds = await pairedRounds(
      settings,
      (round) => barrageSse(urlFor('barrage', round), settings, target, round),
      (round) => referenceRead(urlFor('bare', round), connections, settings.durationSec, target, round),
      raw,
    );
  } finally {
    await target.close();
  }
  const b = rounds.barrage;
  const r = rounds.reference;
  const notes = raw.map(
    (m) => `${m.tool}#${m.round} ${Math.round(m.perSec).toLocaleString('en-US')}/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k (target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)})${m.note ? ` [${m.note}]` : ''}`,
  );
  const rows: Row[] = [
    {
      section: 'sse',
      figure: `SSE events/s vs a bare event-stream reader, ${connections} streams × ${FEED_RATE}/s`,
      ...pairedFigure(b.map((m) => m.perSec), r.map((m) => m.perSec)),
      goal: { kind: 'min', ratio: 0.95 },
      note: `${roundsNote(rounds)}; ${notes.join('; ')}`,
      noisy: rounds.noisy,
    },
    {
      section: 'sse',
      figure: 'generator CPU-s per 100k events (every one parsed, timed and recorded)',
      ...pairedFigure(b.map((m) => m.cpuSecPer100k), r.map((m) => m.cpuSecPer100k)),
      goal: null,
      noisy: rounds.noisy,
    },
  ];
  return { rows, raw };
}

function scenarioOf(input: unknown): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(`bench scenario: ${parsed.error}`);
  return parsed.value;
}

async function barrageSse(url: string, settings: BenchSettings, target: TargetProcess, round: number): Promise<SseMeasurement> {
  const scenario = scenarioOf({ protocol: 'http', url, sse: { connectRate: 10_000 }, connections: settings.connections, durationSec: settings.durationSec, warmupSec: 0, workers: 1 });
  // A fresh worker, as the reference gets (see wsBench.ts).
  await closeWorkerPools();
  const others = watchOthers();
  const targetBefore = (await target.stats()).cpuSec;
  const bootCpu = process.cpuUsage();
  let loadCpu: NodeJS.CpuUsage | undefined;
  const handle = startRun(scenario, { workers: 1, onStart: () => (loadCpu = process.cpuUsage()) });
  let result: RunResult;
  try {
    result = await withTimeout(handle.result, (settings.durationSec + 20) * 1000, 'a Barrage SSE run');
  } catch (err) {
    handle.stop();
    throw err;
  }
  await sleep(SETTLE_MS);
  const cpuSec = processCpuSec(loadCpu ?? bootCpu);
  const targetCpuSec = (await target.stats()).cpuSec - targetBefore;
  const s = result.summary;
  const events = s.sse?.events ?? 0;
  const m: SseMeasurement = {
    tool: 'barrage',
    round,
    events,
    perSec: events / s.durationSec,
    cpuSec,
    cpuSecPer100k: events > 0 ? (cpuSec / events) * 1e5 : NaN,
    targetCpuPercent: (targetCpuSec / s.durationSec) * 100,
    othersCores: others(targetCpuSec),
  };
  const problems: string[] = [];
  if (s.status !== 'completed') problems.push(`status ${s.status}${s.failure ? `: ${s.failure}` : ''}`);
  if (s.errors.total > 0) problems.push(`errors ${JSON.stringify(s.errors.byKind)}`);
  if ((s.sse?.drops ?? 0) > 0) problems.push(`${s.sse?.drops} streams dropped`);
  if (s.generator.saturated) problems.push(`generator saturated: ${s.generator.reasons.join('; ')}`);
  if (problems.length) m.note = problems.join('; ');
  log(`sse: Barrage round ${round}: ${Math.round(m.perSec)} events/s, lag p50 ${s.latencyUs.p50} µs, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k, target ${Math.round(m.targetCpuPercent)}% CPU${m.note ? ` — ${m.note}` : ''}`);
  return m;
}

async function referenceRead(url: string, connections: number, durationSec: number, target: TargetProcess, round: number): Promise<SseMeasurement> {
  const others = watchOthers();
  const targetBefore = (await target.stats()).cpuSec;
  const r = await runReference({ kind: 'sseread', url, connections, durationSec });
  const targetCpuSec = (await target.stats()).cpuSec - targetBefore;
  const m: SseMeasurement = {
    tool: 'bare reader',
    round,
    events: r.completed,
    perSec: r.completed / r.durationSec,
    cpuSec: r.cpuSec,
    cpuSecPer100k: r.completed > 0 ? (r.cpuSec / r.completed) * 1e5 : NaN,
    targetCpuPercent: (targetCpuSec / r.durationSec) * 100,
    othersCores: others(targetCpuSec),
  };
  if (r.errors) m.note = `${r.errors} stream errors`;
  if (round > 0) log(`sse: bare reader round ${round}: ${Math.round(m.perSec)} events/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k, target ${Math.round(m.targetCpuPercent)}% CPU`);
  return m;
}
