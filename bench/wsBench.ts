// WebSocket echo: Barrage (mode echo, one worker, its default message template, recording and
// matching every round trip) against the cheapest correct client: a bare hand-written ws loop
// with the same connections and in-flight count that sends a fixed small JSON message with a
// sequence number on each echo (no templating, no clock, no matching, no recording; in a fresh
// worker thread, as Barrage's load runs), both against the demo target's /ws/echo in a process
// of its own. Rounds alternate A B A B; each side's median is shown, the ratio is the median of the pairs' ratios.
import { closeWorkerPools, startRun } from '../src/main/engine/index.ts';
import type { RunResult } from '../src/shared/runResult.ts';
import { parseScenario, type Scenario } from '../src/shared/scenario.ts';
import {
  othersText,
  pairedFigure,
  pairedRounds,
  processCpuSec,
  roundsNote,
  sleep,
  watchOthers,
  withTimeout,
  type PairedRounds,
  type BenchSettings,
  type SectionResult,
} from './common.ts';
import { runReference, SETTLE_MS } from './references.ts';
import { log, type Row } from './report.ts';
import { startTargetProcess, type TargetProcess } from './targetProcess.ts';

const IN_FLIGHT = 1;

export interface WsMeasurement {
  tool: string;
  round: number;
  messages: number;
  durationSec: number;
  perSec: number;
  cpuSec: number;
  cpuSecPer100k: number;
  targetCpuPercent: number;
  /** Cores other processes on the machine used during the run (noise), when known. */
  othersCores: number | null;
  /** Barrage: lost + duplicates + out-of-order + unmatched + errors. */
  anomalies: number;
  note?: string;
}

export async function wsBench(settings: BenchSettings): Promise<SectionResult> {
  const target = await startTargetProcess();
  const url = `${target.wsUrl}/ws/echo`;
  log(`ws: target pid ${target.pid} at ${url}`);
  const raw: WsMeasurement[] = [];
  const rows: Row[] = [];
  let rounds: PairedRounds<WsMeasurement>;
  try {
    // Warm the target's JIT.
    await referenceEcho(url, settings.connections, 1, target, 0);
    rounds = await pairedRounds(
      settings,
      (round) => barrageEcho(url, settings, target, round),
      (round) => referenceEcho(url, settings.connections, settings.durationSec, target, round),
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
  rows.push({
    section: 'ws',
    figure: `echo messages/s vs bare ws client, ${settings.connections} conns, in-flight ${IN_FLIGHT}`,
    ...pairedFigure(b.map((m) => m.perSec), r.map((m) => m.perSec)),
    goal: { kind: 'min', ratio: 0.95 },
    note: `${roundsNote(rounds)}; ${notes.join('; ')}`,
    noisy: rounds.noisy,
  });
  rows.push({
    section: 'ws',
    figure: 'generator CPU-s per 100k echoes (every one recorded and matched)',
    ...pairedFigure(b.map((m) => m.cpuSecPer100k), r.map((m) => m.cpuSecPer100k)),
    goal: { kind: 'max', ratio: 1.1 },
    noisy: rounds.noisy,
  });
  return { rows, raw };
}

function scenarioOf(input: unknown): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(`bench scenario: ${parsed.error}`);
  return parsed.value;
}

async function barrageEcho(url: string, settings: BenchSettings, target: TargetProcess, round: number): Promise<WsMeasurement> {
  const scenario = scenarioOf({
    protocol: 'ws',
    url,
    mode: 'echo',
    connections: settings.connections,
    inFlight: IN_FLIGHT,
    durationSec: settings.durationSec,
    // All connections at once, as the reference opens them.
    connectRate: 10_000,
    // No `message`: the default template ({"seq":…,"ts":…,"data":"<32 random>"}), as a user gets.
    workers: 1,
  });
  // A fresh worker, as the reference gets: a worker warm from earlier rounds would flatter Barrage
  // (its JIT; measured 10–20 % less CPU per request). Reuse has rows of its own (reuseBench.ts).
  await closeWorkerPools();
  const others = watchOthers();
  const targetBefore = (await target.stats()).cpuSec;
  const bootCpu = process.cpuUsage();
  let loadCpu: NodeJS.CpuUsage | undefined;
  const handle = startRun(scenario, { workers: 1, onStart: () => (loadCpu = process.cpuUsage()) });
  let result: RunResult;
  try {
    result = await withTimeout(handle.result, (settings.durationSec + 20) * 1000, 'a Barrage WebSocket run');
  } catch (err) {
    handle.stop();
    throw err;
  }
  // Same reading as the references: after the run's workers have wound down and exited.
  await sleep(SETTLE_MS);
  const cpuSec = processCpuSec(loadCpu ?? bootCpu);
  const targetCpuSec = (await target.stats()).cpuSec - targetBefore;
  const s = result.summary;
  const ws = s.ws;
  const anomalies = ws ? ws.lost + ws.duplicates + ws.outOfOrder + ws.unmatched : 0;
  const m: WsMeasurement = {
    tool: 'barrage',
    round,
    messages: s.throughput.total,
    durationSec: s.durationSec,
    perSec: s.throughput.perSec,
    cpuSec,
    cpuSecPer100k: s.throughput.total > 0 ? (cpuSec / s.throughput.total) * 1e5 : NaN,
    targetCpuPercent: (targetCpuSec / s.durationSec) * 100,
    othersCores: others(targetCpuSec),
    anomalies,
  };
  const problems: string[] = [];
  if (s.status !== 'completed') problems.push(`status ${s.status}${s.failure ? `: ${s.failure}` : ''}`);
  if (s.errors.total > 0) problems.push(`errors ${JSON.stringify(s.errors.byKind)}`);
  if (anomalies > 0) problems.push(`lost ${ws?.lost}, dup ${ws?.duplicates}, ooo ${ws?.outOfOrder}, unmatched ${ws?.unmatched}`);
  if (s.connections.peak < settings.connections) problems.push(`only ${s.connections.peak} connections open`);
  if (s.generator.saturated) problems.push(`generator saturated: ${s.generator.reasons.join('; ')}`);
  if (problems.length) m.note = problems.join('; ');
  log(
    `ws: Barrage round ${round}: ${fmt(m.perSec)} msg/s, p50 ${s.latencyUs.p50} µs, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k ` +
      `(worker CPU ${s.generator.cpuPercent}%), target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}${m.note ? ` — ${m.note}` : ''}`,
  );
  return m;
}

/** The bare hand-written ws echo client (referenceWorker.ts), in a fresh worker thread. */
export async function referenceEcho(
  url: string,
  connections: number,
  durationSec: number,
  target: TargetProcess,
  round: number,
): Promise<WsMeasurement> {
  const others = watchOthers();
  const targetBefore = (await target.stats()).cpuSec;
  const r = await runReference({ kind: 'wsloop', url, connections, inFlight: IN_FLIGHT, durationSec });
  const targetCpuSec = (await target.stats()).cpuSec - targetBefore;
  const m: WsMeasurement = {
    tool: 'bare ws',
    round,
    messages: r.completed,
    durationSec: r.durationSec,
    perSec: r.completed / r.durationSec,
    cpuSec: r.cpuSec,
    cpuSecPer100k: r.completed > 0 ? (r.cpuSec / r.completed) * 1e5 : NaN,
    targetCpuPercent: (targetCpuSec / r.durationSec) * 100,
    othersCores: others(targetCpuSec),
    anomalies: r.errors,
  };
  if (r.errors) m.note = `${r.errors} socket errors`;
  if (round > 0) {
    log(`ws: bare ws round ${round}: ${fmt(m.perSec)} msg/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k, target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}`);
  }
  return m;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
