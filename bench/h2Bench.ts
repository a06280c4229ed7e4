// HTTP/2 (h2c): Barrage's HTTP/2 driver (one worker, every latency recorded in its µs histogram,
// status and bytes counted, timeouts swept) against the cheapest correct client: bare node:http2
// sessions each keeping the same number of streams of the same fixed GET in flight, recording
// nothing (referenceWorker.ts, a fresh worker thread, as Barrage's load runs). Both load the demo
// target's /h2 over h2c (the target in a process of its own) with the same sessions × streams,
// side by side in one run, A B A B; each side's median is shown, and the ratio is the median of the
// pairs' ratios (pairedFigure in common.ts).
import { closeWorkerPools, startRun } from '../src/main/engine/index.ts';
import type { RunResult } from '../src/shared/runResult.ts';
import { parseScenario, type Scenario } from '../src/shared/scenario.ts';
import { othersText, pairedFigure, pairedRounds, processCpuSec, roundsNote, sleep, watchOthers, withTimeout, type BenchSettings, type Measured, type PairedRounds, type SectionResult } from './common.ts';
import { runReference, SETTLE_MS } from './references.ts';
import { log, type Row } from './report.ts';
import { startTargetProcess, type TargetProcess } from './targetProcess.ts';

/** Sessions (connections) × streams per session: 50 requests in flight, as the HTTP/1.1 rows' 50 connections. */
const SESSIONS = 5;
const STREAMS = 10;

interface H2Measurement extends Measured {
  requests: number;
  perSec: number;
  cpuSec: number;
  cpuSecPer100k: number;
  targetCpuPercent: number;
  note?: string;
}

export async function h2Bench(settings: BenchSettings): Promise<SectionResult> {
  const target = await startTargetProcess();
  const url = `${target.httpUrl}/h2`;
  log(`h2: target pid ${target.pid} at ${url} (h2c), ${SESSIONS} sessions × ${STREAMS} streams`);
  const raw: H2Measurement[] = [];
  let rounds: PairedRounds<H2Measurement>;
  try {
    // Warm the target's JIT.
    await referenceLoop(url, 1, target, 0);
    rounds = await pairedRounds(
      settings,
      (round) => barrageH2(url, settings, target, round),
      (round) => referenceLoop(url, settings.durationSec, target, round),
      raw,
    );
  } finally {
    await target.close();
  }
  const b = rounds.barrage;
  const r = rounds.reference;
  const notes = raw.map(
    (m) =>
      `${m.tool}#${m.round} ${Math.round(m.perSec).toLocaleString('en-US')}/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k ` +
      `(target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)})${m.note ? ` [${m.note}]` : ''}`,
  );
  const rows: Row[] = [
    {
      section: 'h2',
      figure: `h2c requests/s vs a bare http2 client loop, ${SESSIONS} sessions × ${STREAMS} streams`,
      ...pairedFigure(b.map((m) => m.perSec), r.map((m) => m.perSec)),
      goal: { kind: 'min', ratio: 0.9 },
      note: `${roundsNote(rounds)}; ${notes.join('; ')}`,
      noisy: rounds.noisy,
    },
    {
      section: 'h2',
      figure: 'generator CPU-s per 100k HTTP/2 requests (every one recorded)',
      ...pairedFigure(b.map((m) => m.cpuSecPer100k), r.map((m) => m.cpuSecPer100k)),
      goal: { kind: 'max', ratio: 1.1 },
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

async function barrageH2(url: string, settings: BenchSettings, target: TargetProcess, round: number): Promise<H2Measurement> {
  const scenario = scenarioOf({ protocol: 'http', url, http2: true, connections: SESSIONS, streams: STREAMS, durationSec: settings.durationSec, workers: 1 });
  // A fresh worker, as the reference gets (see wsBench.ts).
  await closeWorkerPools();
  const others = watchOthers();
  const targetBefore = (await target.stats()).cpuSec;
  const bootCpu = process.cpuUsage();
  let loadCpu: NodeJS.CpuUsage | undefined;
  const handle = startRun(scenario, { workers: 1, onStart: () => (loadCpu = process.cpuUsage()) });
  let result: RunResult;
  try {
    result = await withTimeout(handle.result, (settings.durationSec + 20) * 1000, 'a Barrage HTTP/2 run');
  } catch (err) {
    handle.stop();
    throw err;
  }
  await sleep(SETTLE_MS);
  const cpuSec = processCpuSec(loadCpu ?? bootCpu);
  const targetCpuSec = (await target.stats()).cpuSec - targetBefore;
  const s = result.summary;
  const m: H2Measurement = {
    tool: 'barrage',
    round,
    requests: s.throughput.total,
    perSec: s.throughput.perSec,
    cpuSec,
    cpuSecPer100k: s.throughput.total > 0 ? (cpuSec / s.throughput.total) * 1e5 : NaN,
    targetCpuPercent: (targetCpuSec / s.durationSec) * 100,
    othersCores: others(targetCpuSec),
  };
  const problems: string[] = [];
  if (s.status !== 'completed') problems.push(`status ${s.status}${s.failure ? `: ${s.failure}` : ''}`);
  if (s.errors.total > 0) problems.push(`errors ${JSON.stringify(s.errors.byKind)}`);
  if (s.http2 && s.http2.peakStreams < STREAMS) problems.push(`at most ${s.http2.peakStreams} streams in flight`);
  if (s.generator.saturated) problems.push(`generator saturated: ${s.generator.reasons.join('; ')}`);
  if (problems.length) m.note = problems.join('; ');
  log(
    `h2: Barrage round ${round}: ${fmt(m.perSec)} req/s, p50 ${s.latencyUs.p50} µs, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k ` +
      `(worker CPU ${s.generator.cpuPercent}%), target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}${m.note ? ` — ${m.note}` : ''}`,
  );
  return m;
}

async function referenceLoop(url: string, durationSec: number, target: TargetProcess, round: number): Promise<H2Measurement> {
  const others = watchOthers();
  const targetBefore = (await target.stats()).cpuSec;
  const r = await runReference({ kind: 'h2loop', url, sessions: SESSIONS, streams: STREAMS, durationSec });
  const targetCpuSec = (await target.stats()).cpuSec - targetBefore;
  const m: H2Measurement = {
    tool: 'bare http2',
    round,
    requests: r.completed,
    perSec: r.completed / r.durationSec,
    cpuSec: r.cpuSec,
    cpuSecPer100k: r.completed > 0 ? (r.cpuSec / r.completed) * 1e5 : NaN,
    targetCpuPercent: (targetCpuSec / r.durationSec) * 100,
    othersCores: others(targetCpuSec),
  };
  if (r.errors) m.note = `${r.errors} errors`;
  if (round > 0) log(`h2: bare http2 round ${round}: ${fmt(m.perSec)} req/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k, target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}`);
  return m;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
