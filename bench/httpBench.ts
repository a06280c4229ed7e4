// HTTP: Barrage (closed model, one worker) against a bare in-process autocannon run with the
// same connections and duration (in a fresh worker thread, as Barrage's load runs: see
// referenceWorker.ts), rounds A B A B, medians; then, as information, wrk -t1 and ab -k with the
// same connections, all against the demo target's GET / in a process of its own.
import { execFile, execFileSync } from 'node:child_process';
import { closeWorkerPools, startRun } from '../src/main/engine/index.ts';
import type { RunResult } from '../src/shared/runResult.ts';
import { parseScenario, type Scenario } from '../src/shared/scenario.ts';
import {
  onPath,
  othersText,
  pairedFigure,
  pairedRounds,
  parseProcStat,
  processCpuSec,
  roundsNote,
  sleep,
  watchOthers,
  watchThreads,
  withTimeout,
  type BenchSettings,
  type SectionResult,
  type ThreadCpu,
} from './common.ts';
import { runReference, SETTLE_MS } from './references.ts';
import { log, median, type Row } from './report.ts';
import { startTargetProcess, type TargetProcess } from './targetProcess.ts';

export interface HttpMeasurement {
  tool: string;
  round: number;
  requests: number;
  durationSec: number;
  perSec: number;
  /** Generator CPU seconds over the load (for Barrage: from the run's start, after its workers loaded). */
  cpuSec: number;
  cpuSecPer100k: number;
  /** Barrage only: CPU including loading its worker threads. */
  cpuSecWithBoot?: number;
  /** `cpuSec` by thread (Barrage and autocannon; null where /proc/self/task is not readable). */
  threads?: ThreadCpu | null;
  /** Share of one core the target used during the run. */
  targetCpuPercent: number;
  /** Cores other processes on the machine used during the run (noise), when known. */
  othersCores: number | null;
  errors: number;
  note?: string;
}

export async function httpBench(settings: BenchSettings): Promise<SectionResult> {
  const target = await startTargetProcess();
  log(`http: target pid ${target.pid} at ${target.httpUrl}`);
  const url = `${target.httpUrl}/`;
  const raw: { oneWorker: HttpMeasurement[]; c: Partial<Record<CTool, HttpMeasurement[] | { skipped: string }>> } = {
    oneWorker: [],
    c: {},
  };
  const rows: Row[] = [];
  try {
    // Warm the target's JIT so the first measured run is not the slow one.
    await bareAutocannon(url, settings.connections, 1, target, 0);

    const one = await pairedRounds(
      settings,
      (round) => barrageHttp(url, settings, 1, target, round),
      (round) => bareAutocannon(url, settings.connections, settings.durationSec, target, round),
      raw.oneWorker,
    );
    const b = one.barrage;
    const a = one.reference;
    rows.push({
      section: 'http',
      figure: `requests/s, 1 worker vs autocannon, ${settings.connections} conns`,
      ...pairedFigure(b.map((m) => m.perSec), a.map((m) => m.perSec)),
      goal: { kind: 'min', ratio: 0.95 },
      note: `${roundsNote(one)}; ${roundsText(raw.oneWorker)}`,
      noisy: one.noisy,
    });
    rows.push({
      section: 'http',
      figure: 'generator CPU-s per 100k requests',
      ...pairedFigure(b.map((m) => m.cpuSecPer100k), a.map((m) => m.cpuSecPer100k)),
      goal: { kind: 'max', ratio: 1.05 },
      note: `${raw.oneWorker.map((m) => `${m.tool}#${m.round} ${m.cpuSecPer100k.toFixed(2)}`).join(', ')}; ${threadsNote(b, a)}`,
      noisy: one.noisy,
    });

    // The C tools, as information: how far an autocannon-based generator is from them.
    for (const tool of ['wrk', 'ab'] as const) {
      const path = await findTool(tool, settings);
      if (typeof path !== 'string') {
        raw.c[tool] = { skipped: path.skipped };
        log(`http: ${tool} rows skipped: ${path.skipped}`);
        rows.push({ section: 'http', figure: `requests/s vs ${C_TOOL_LABEL[tool]}`, barrage: null, reference: null, goal: null, note: path.skipped });
        continue;
      }
      const measured: HttpMeasurement[] = [];
      for (let round = 1; round <= settings.rounds; round++) {
        measured.push(tool === 'wrk' ? await runWrk(path, url, settings, target, round) : await runAb(path, url, settings, target, round));
      }
      raw.c[tool] = measured;
      rows.push({
        section: 'http',
        figure: `requests/s, 1 worker vs ${C_TOOL_LABEL[tool]}`,
        barrage: median(b.map((m) => m.perSec)),
        reference: median(measured.map((m) => m.perSec)),
        goal: null,
        // The C tools run after the pairs, not paired with Barrage's rounds: a ratio of medians.
        note: roundsText(measured),
        noisy: one.noisy,
      });
      rows.push({
        section: 'http',
        figure: `generator CPU-s per 100k requests vs ${C_TOOL_LABEL[tool]}`,
        barrage: median(b.map((m) => m.cpuSecPer100k)),
        reference: median(measured.map((m) => m.cpuSecPer100k)),
        goal: null,
        noisy: one.noisy,
      });
    }
  } finally {
    await target.close();
  }
  return { rows, raw };
}

/**
 * Where each side's CPU went, per 100k requests, by thread (medians of the rounds): the main
 * thread (Barrage's run controller merging seconds and building the summary; idle for the
 * reference), the load thread, and the rest (V8's background compiler and GC threads).
 */
function threadsNote(barrage: HttpMeasurement[], reference: HttpMeasurement[]): string {
  const side = (ms: HttpMeasurement[]) => {
    const per = (pick: (t: ThreadCpu) => number) =>
      median(ms.flatMap((m) => (m.threads && m.requests > 0 ? [(pick(m.threads) / m.requests) * 1e5] : [])))?.toFixed(3) ?? '–';
    return ms.some((m) => m.threads) ? `main ${per((t) => t.main)}, load thread ${per((t) => t.load)}, other threads ${per((t) => t.other)}` : 'not known';
  };
  return `by thread, CPU-s per 100k: Barrage ${side(barrage)}; autocannon ${side(reference)}`;
}

function threadsText(t: ThreadCpu | null | undefined): string {
  return t ? `CPU-s main ${t.main.toFixed(2)}, load thread ${t.load.toFixed(2)}, other threads ${t.other.toFixed(2)}` : 'threads not known';
}

function roundsText(ms: HttpMeasurement[]): string {
  const parts = ms.map(
    (m) => `${m.tool}#${m.round} ${Math.round(m.perSec).toLocaleString('en-US')}/s (target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)})`,
  );
  return parts.join('; ');
}

function scenarioOf(input: unknown): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(`bench scenario: ${parsed.error}`);
  return parsed.value;
}

async function targetCpu(target: TargetProcess): Promise<number> {
  return (await target.stats()).cpuSec;
}

export async function barrageHttp(
  url: string,
  settings: BenchSettings,
  workers: number,
  target: TargetProcess,
  round: number,
): Promise<HttpMeasurement> {
  const scenario = scenarioOf({
    protocol: 'http',
    url,
    connections: settings.connections,
    durationSec: settings.durationSec,
    workers,
  });
  // A fresh worker, as the reference gets: a worker warm from earlier rounds would flatter Barrage
  // (its JIT; measured 10–20 % less CPU per request). Reuse has rows of its own (reuseBench.ts).
  await closeWorkerPools();
  const others = watchOthers();
  const targetBefore = await targetCpu(target);
  const threads = watchThreads();
  const bootCpu = process.cpuUsage();
  let loadCpu: NodeJS.CpuUsage | undefined;
  const handle = startRun(scenario, {
    workers,
    onStart: () => {
      loadCpu = process.cpuUsage();
      threads.start();
    },
  });
  let result: RunResult;
  try {
    result = await withTimeout(handle.result, (settings.durationSec + 20) * 1000, 'a Barrage HTTP run');
  } catch (err) {
    handle.stop();
    throw err;
  }
  // Same reading as the references: after the run's workers have wound down and exited.
  await sleep(SETTLE_MS);
  const cpuSec = processCpuSec(loadCpu ?? bootCpu);
  const cpuSecWithBoot = processCpuSec(bootCpu);
  const targetCpuSec = (await targetCpu(target)) - targetBefore;
  const s = result.summary;
  const m: HttpMeasurement = {
    tool: 'barrage',
    round,
    requests: s.throughput.total,
    durationSec: s.durationSec,
    perSec: s.throughput.perSec,
    cpuSec,
    cpuSecPer100k: s.throughput.total > 0 ? (cpuSec / s.throughput.total) * 1e5 : NaN,
    cpuSecWithBoot,
    threads: threads.split(cpuSec),
    targetCpuPercent: (targetCpuSec / s.durationSec) * 100,
    othersCores: others(targetCpuSec),
    errors: s.errors.total,
  };
  if (s.status !== 'completed') m.note = `status ${s.status}${s.failure ? `: ${s.failure}` : ''}`;
  if (s.generator.saturated) m.note = `${m.note ? `${m.note}; ` : ''}generator saturated: ${s.generator.reasons.join('; ')}`;
  log(
    `http: Barrage ${workers}w round ${round}: ${fmt(m.perSec)} req/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k ` +
      `(worker CPU ${s.generator.cpuPercent}%; ${threadsText(m.threads)}), target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}, errors ${m.errors}${m.note ? ` — ${m.note}` : ''}`,
  );
  return m;
}

/**
 * autocannon as a user would run it in-process (no listeners, default sampling), in a fresh
 * worker thread as Barrage's load is (see referenceWorker.ts for why).
 */
export async function bareAutocannon(
  url: string,
  connections: number,
  durationSec: number,
  target: TargetProcess,
  round: number,
): Promise<HttpMeasurement> {
  const others = watchOthers();
  const targetBefore = await targetCpu(target);
  const r = await runReference({ kind: 'autocannon', url, connections, durationSec });
  const targetCpuSec = (await targetCpu(target)) - targetBefore;
  const m: HttpMeasurement = {
    tool: 'autocannon',
    round,
    requests: r.completed,
    durationSec: r.durationSec,
    perSec: r.completed / r.durationSec,
    cpuSec: r.cpuSec,
    cpuSecPer100k: r.completed > 0 ? (r.cpuSec / r.completed) * 1e5 : NaN,
    threads: r.threads,
    targetCpuPercent: (targetCpuSec / r.durationSec) * 100,
    othersCores: others(targetCpuSec),
    errors: r.errors,
  };
  if (round > 0) {
    log(
      `http: autocannon round ${round}: ${fmt(m.perSec)} req/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k (${threadsText(m.threads)}), ` +
        `target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}, errors ${m.errors}`,
    );
  }
  return m;
}

type CTool = 'wrk' | 'ab';
const C_TOOL_LABEL: Record<CTool, string> = { wrk: `wrk -t1`, ab: 'ab -k' };
const DEBIAN_PACKAGE: Record<CTool, string> = { wrk: 'wrk', ab: 'apache2-utils' };

/** The tool's path, or why its rows are skipped ("not installed"). */
async function findTool(tool: CTool, settings: BenchSettings): Promise<string | { skipped: string }> {
  const found = onPath(tool);
  if (found) return found;
  const pkg = DEBIAN_PACKAGE[tool];
  if (!settings.mayInstall) {
    return { skipped: `${tool} not installed (Debian package "${pkg}"; BENCH_INSTALL=1 lets the bench apt-get install it)` };
  }
  log(`http: ${tool} not found; BENCH_INSTALL=1, so trying apt-get update && apt-get install -y ${pkg}`);
  try {
    execFileSync('apt-get', ['update', '-q'], { timeout: 120_000, stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-q', pkg], { timeout: 120_000, stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (err) {
    return { skipped: `${tool} not installed, and apt-get install -y ${pkg} failed (${(err as Error).message.split('\n')[0]})` };
  }
  return onPath(tool) ?? { skipped: `${tool} not installed (apt-get install -y ${pkg} succeeded, but ${tool} is not on PATH)` };
}

/**
 * Runs `command` through a shell that then reports its waited-for children's CPU time
 * (/proc/$$/stat cutime and cstime): the tool is gone, and its /proc entry with it, by the time
 * it has printed its figures.
 */
async function viaShell(command: string, args: string[], timeoutSec: number): Promise<{ out: string; cpuSec: number }> {
  const script = `"$0" "$@"; echo "__STAT__ $(cat /proc/$$/stat)"`;
  const out = await new Promise<string>((resolve, reject) => {
    execFile('sh', ['-c', script, command, ...args], { timeout: timeoutSec * 1000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
  const statLine = /__STAT__ (.+)$/m.exec(out)?.[1];
  return { out, cpuSec: statLine ? parseProcStat(statLine).childrenSec : NaN };
}

/** wrk with one thread (the generator has one core when the bench pins it), same connections. */
async function runWrk(wrk: string, url: string, settings: BenchSettings, target: TargetProcess, round: number): Promise<HttpMeasurement> {
  const others = watchOthers();
  const targetBefore = await targetCpu(target);
  const { out, cpuSec } = await viaShell(wrk, ['-t1', `-c${settings.connections}`, `-d${settings.durationSec}s`, url], settings.durationSec + 20);
  const targetCpuSec = (await targetCpu(target)) - targetBefore;
  const perSec = Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const errorsMatch = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (errorsMatch ? errorsMatch.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  return cToolMeasurement('wrk -t1', round, total, settings.durationSec, perSec, cpuSec, targetCpuSec, others, errors);
}

/**
 * ab with keep-alive (HTTP/1.0 requests), same connections and duration. `-t` alone caps a run
 * at 50,000 requests, so `-n` is set far beyond what the duration allows.
 */
async function runAb(ab: string, url: string, settings: BenchSettings, target: TargetProcess, round: number): Promise<HttpMeasurement> {
  const others = watchOthers();
  const targetBefore = await targetCpu(target);
  const { out, cpuSec } = await viaShell(ab, ['-q', '-k', '-c', String(settings.connections), '-t', String(settings.durationSec), '-n', '100000000', url], settings.durationSec + 20);
  const targetCpuSec = (await targetCpu(target)) - targetBefore;
  const total = Number(/Complete requests:\s*(\d+)/.exec(out)?.[1] ?? NaN);
  const tookSec = Number(/Time taken for tests:\s*([\d.]+)/.exec(out)?.[1] ?? NaN);
  const errors = Number(/Failed requests:\s*(\d+)/.exec(out)?.[1] ?? 0) + Number(/Non-2xx responses:\s*(\d+)/.exec(out)?.[1] ?? 0);
  return cToolMeasurement('ab -k', round, total, tookSec, total / tookSec, cpuSec, targetCpuSec, others, errors);
}

function cToolMeasurement(
  tool: string,
  round: number,
  total: number,
  durationSec: number,
  perSec: number,
  cpuSec: number,
  targetCpuSec: number,
  others: ReturnType<typeof watchOthers>,
  errors: number,
): HttpMeasurement {
  const m: HttpMeasurement = {
    tool,
    round,
    requests: total,
    durationSec,
    perSec,
    cpuSec,
    cpuSecPer100k: total > 0 ? (cpuSec / total) * 1e5 : NaN,
    targetCpuPercent: (targetCpuSec / durationSec) * 100,
    othersCores: others(targetCpuSec, Number.isFinite(cpuSec) ? cpuSec : 0),
    errors,
  };
  log(
    `http: ${tool} round ${round}: ${fmt(m.perSec)} req/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k, ` +
      `target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}, errors ${m.errors}`,
  );
  return m;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
