// HTTP: Barrage (closed model, one worker) against a bare in-process autocannon run with the
// same connections and duration (in a fresh worker thread, as Barrage's load runs: see
// referenceWorker.ts), and Barrage with two workers against wrk -t2, all against the demo
// target's GET / in a process of its own. Rounds alternate A B A B; medians are reported.
import { execFile, execFileSync } from 'node:child_process';
import { startRun } from '../src/main/engine/runController.ts';
import type { RunResult } from '../src/shared/runResult.ts';
import { parseScenario, type Scenario } from '../src/shared/scenario.ts';
import {
  onPath,
  othersText,
  pairedRounds,
  parseProcStat,
  processCpuSec,
  roundsNote,
  sleep,
  watchOthers,
  withTimeout,
  type BenchSettings,
  type SectionResult,
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
  const raw: { oneWorker: HttpMeasurement[]; twoWorkers: HttpMeasurement[]; wrk: { skipped?: string } } = {
    oneWorker: [],
    twoWorkers: [],
    wrk: {},
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
      barrage: median(b.map((m) => m.perSec)),
      reference: median(a.map((m) => m.perSec)),
      goal: { kind: 'min', ratio: 0.95 },
      note: `${roundsNote(one)}; ${roundsText(raw.oneWorker)}`,
      noisy: one.noisy,
    });
    rows.push({
      section: 'http',
      figure: 'generator CPU-s per 100k requests',
      barrage: median(b.map((m) => m.cpuSecPer100k)),
      reference: median(a.map((m) => m.cpuSecPer100k)),
      goal: { kind: 'max', ratio: 1.05 },
      note: raw.oneWorker.map((m) => `${m.tool}#${m.round} ${m.cpuSecPer100k.toFixed(2)}`).join(', '),
      noisy: one.noisy,
    });

    const wrk = await findWrk(settings);
    if (typeof wrk !== 'string') {
      raw.wrk.skipped = wrk.skipped;
      rows.push({
        section: 'http',
        figure: `requests/s, 2 workers vs wrk -t2 -c${settings.connections}`,
        barrage: null,
        reference: null,
        goal: { kind: 'min', ratio: 0.95 },
        note: `skipped: ${wrk.skipped}`,
      });
      log(`http: wrk comparison skipped: ${wrk.skipped}`);
    } else {
      const two = await pairedRounds(
        settings,
        (round) => barrageHttp(url, settings, 2, target, round),
        (round) => runWrk(wrk, url, settings, target, round),
        raw.twoWorkers,
      );
      const b2 = two.barrage;
      const w = two.reference;
      rows.push({
        section: 'http',
        figure: `requests/s, 2 workers vs wrk -t2 -c${settings.connections}`,
        barrage: median(b2.map((m) => m.perSec)),
        reference: median(w.map((m) => m.perSec)),
        goal: { kind: 'min', ratio: 0.95 },
        note: `${roundsNote(two)}; ${roundsText(raw.twoWorkers)}`,
        noisy: two.noisy,
      });
      // Same target, adjacent rounds: how one Barrage worker fares against wrk -t2 on this machine.
      rows.push({
        section: 'http',
        figure: `requests/s, 1 worker vs wrk -t2 -c${settings.connections} (adjacent rounds)`,
        barrage: median(b.map((m) => m.perSec)),
        reference: median(w.map((m) => m.perSec)),
        goal: null,
        noisy: one.noisy || two.noisy,
      });
      rows.push({
        section: 'http',
        figure: 'generator CPU-s per 100k requests, 2 workers vs wrk',
        barrage: median(b2.map((m) => m.cpuSecPer100k)),
        reference: median(w.map((m) => m.cpuSecPer100k)),
        goal: null,
        noisy: two.noisy,
      });
    }
  } finally {
    await target.close();
  }
  return { rows, raw };
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
  const others = watchOthers();
  const targetBefore = await targetCpu(target);
  const bootCpu = process.cpuUsage();
  let loadCpu: NodeJS.CpuUsage | undefined;
  const handle = startRun(scenario, {
    workers,
    onStart: () => {
      loadCpu = process.cpuUsage();
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
    targetCpuPercent: (targetCpuSec / s.durationSec) * 100,
    othersCores: others(targetCpuSec),
    errors: s.errors.total,
  };
  if (s.status !== 'completed') m.note = `status ${s.status}${s.failure ? `: ${s.failure}` : ''}`;
  if (s.generator.saturated) m.note = `${m.note ? `${m.note}; ` : ''}generator saturated: ${s.generator.reasons.join('; ')}`;
  log(
    `http: Barrage ${workers}w round ${round}: ${fmt(m.perSec)} req/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k ` +
      `(worker CPU ${s.generator.cpuPercent}%), target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}, errors ${m.errors}${m.note ? ` — ${m.note}` : ''}`,
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
    targetCpuPercent: (targetCpuSec / r.durationSec) * 100,
    othersCores: others(targetCpuSec),
    errors: r.errors,
  };
  if (round > 0) {
    log(
      `http: autocannon round ${round}: ${fmt(m.perSec)} req/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k, ` +
        `target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}, errors ${m.errors}`,
    );
  }
  return m;
}

/** wrk's path, or why the comparison is skipped. */
async function findWrk(settings: BenchSettings): Promise<string | { skipped: string }> {
  const found = onPath('wrk');
  if (found) return found;
  if (!settings.mayInstall) {
    return { skipped: 'wrk is not on PATH (Debian package "wrk"; run with BENCH_INSTALL=1 to let the bench apt-get install it)' };
  }
  log('http: wrk not found; BENCH_INSTALL=1, so trying apt-get install -y wrk');
  const install = () =>
    new Promise<void>((resolve, reject) => {
      execFile('apt-get', ['install', '-y', '-q', 'wrk'], { timeout: 120_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  try {
    try {
      await install();
    } catch {
      execFileSync('apt-get', ['update', '-q'], { timeout: 120_000, stdio: 'ignore' });
      await install();
    }
  } catch (err) {
    return { skipped: `wrk is not on PATH and apt-get install -y wrk failed (${(err as Error).message.split('\n')[0]})` };
  }
  return onPath('wrk') ?? { skipped: 'apt-get install -y wrk succeeded but wrk is still not on PATH' };
}

/**
 * wrk through a shell that reports its waited-for children's CPU time (/proc/$$/stat cutime and
 * cstime), since wrk is gone (and its /proc entry with it) by the time it has printed its figures.
 */
async function runWrk(wrk: string, url: string, settings: BenchSettings, target: TargetProcess, round: number): Promise<HttpMeasurement> {
  const others = watchOthers();
  const targetBefore = await targetCpu(target);
  const script = `"$0" -t2 -c${settings.connections} -d${settings.durationSec}s "$1"; echo "__STAT__ $(cat /proc/$$/stat)"`;
  const out = await new Promise<string>((resolve, reject) => {
    execFile('sh', ['-c', script, wrk, url], { timeout: (settings.durationSec + 20) * 1000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
  const targetCpuSec = (await targetCpu(target)) - targetBefore;
  const perSec = Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const statLine = /__STAT__ (.+)$/m.exec(out)?.[1];
  const cpuSec = statLine ? parseProcStat(statLine).childrenSec : NaN;
  const errorsMatch = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (errorsMatch ? errorsMatch.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  const m: HttpMeasurement = {
    tool: 'wrk',
    round,
    requests: total,
    durationSec: settings.durationSec,
    perSec,
    cpuSec,
    cpuSecPer100k: total > 0 ? (cpuSec / total) * 1e5 : NaN,
    targetCpuPercent: (targetCpuSec / settings.durationSec) * 100,
    othersCores: others(targetCpuSec, Number.isFinite(cpuSec) ? cpuSec : 0),
    errors,
  };
  log(
    `http: wrk -t2 round ${round}: ${fmt(m.perSec)} req/s, ${m.cpuSecPer100k.toFixed(2)} CPU-s/100k, ` +
      `target ${Math.round(m.targetCpuPercent)}% CPU, ${othersText(m.othersCores)}, errors ${m.errors}`,
  );
  return m;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
