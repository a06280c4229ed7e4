// What the bench's sections share: settings, CPU clocks, the machine's description.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { delimiter, join } from 'node:path';
import { median, type Row } from './report.ts';

export interface BenchSettings {
  quick: boolean;
  /** Seconds per HTTP and WebSocket echo run. */
  durationSec: number;
  /** A B A B: rounds per side. */
  rounds: number;
  /** Extra A B pairs allowed when other processes made rounds noisy (bounded: the bench's time). */
  maxExtraPairs: number;
  connections: number;
  scale: { connections: number; connectRate: number; holdSec: number; pushRate: number };
  /** BENCH_INSTALL=1: the bench may `apt-get install -y wrk` when wrk is missing. */
  mayInstall: boolean;
}

export function settingsFor(quick: boolean): BenchSettings {
  return {
    quick,
    durationSec: quick ? 2 : 5,
    rounds: 2,
    maxExtraPairs: quick ? 1 : 2,
    connections: 50,
    scale: { connections: 10_000, connectRate: 5000, holdSec: quick ? 2 : 5, pushRate: 0.2 },
    mayInstall: process.env.BENCH_INSTALL === '1',
  };
}

/** The result of one section: its table rows plus the raw measurements (for --json). */
export interface SectionResult {
  rows: Row[];
  raw: unknown;
}

/** A round is quiet when other processes used at most this many cores during it. */
export const QUIET_CORES = 0.25;

export interface Measured {
  tool: string;
  round: number;
  othersCores: number | null;
}

export interface PairedRounds<M> {
  /** The rounds the figures are taken from, per side. */
  barrage: M[];
  reference: M[];
  pairs: number;
  quietPairs: number;
  /** Fewer quiet pairs than asked for: the figures carry others' noise. */
  noisy: boolean;
}

function quiet(m: Measured): boolean {
  return m.othersCores === null || m.othersCores <= QUIET_CORES;
}

/**
 * A B A B: `settings.rounds` pairs, Barrage first in each. A pair during which other processes
 * used more than QUIET_CORES is noisy; up to `maxExtraPairs` more pairs are run to get enough
 * quiet ones. Figures come from the quiet pairs when there are any, else from all of them.
 */
export async function pairedRounds<M extends Measured>(
  settings: BenchSettings,
  barrage: (round: number) => Promise<M>,
  reference: (round: number) => Promise<M>,
  all: M[],
): Promise<PairedRounds<M>> {
  const pairs: Array<[M, M]> = [];
  const quietCount = () => pairs.filter(([a, b]) => quiet(a) && quiet(b)).length;
  for (let round = 1; round <= settings.rounds + settings.maxExtraPairs; round++) {
    if (round > settings.rounds && quietCount() >= settings.rounds) break;
    const a = await barrage(round);
    all.push(a);
    const b = await reference(round);
    all.push(b);
    pairs.push([a, b]);
  }
  const quietPairs = pairs.filter(([a, b]) => quiet(a) && quiet(b));
  const used = quietPairs.length > 0 ? quietPairs : pairs;
  return {
    barrage: used.map(([a]) => a),
    reference: used.map(([, b]) => b),
    pairs: pairs.length,
    quietPairs: quietPairs.length,
    noisy: quietPairs.length < settings.rounds,
  };
}

/**
 * A figure of paired rounds, as a row shows it: each side's median (for reading), and the
 * Barrage / reference ratio of every pair, whose median is the row's ratio and verdict.
 *
 * Why not the ratio of the two medians (the rule until session 5): on a machine whose speed
 * changes during the bench (others' load, frequency, the host), every figure of both sides moves
 * together from one pair to the next, and the two medians can come from pairs run at different
 * speeds — one rerun of the h2 row read 0.73 by the ratio of medians while its five pairs read
 * 0.94, 0.90, 0.72, 1.04 and 1.02. The two runs of a pair are seconds apart, so their ratio
 * cancels the drift between pairs; the median of those ratios also ignores one bad pair.
 * `barrage` and `reference` must be in pair order (as PairedRounds gives them).
 */
export function pairedFigure(barrage: number[], reference: number[]): Pick<Row, 'barrage' | 'reference' | 'pairRatios'> {
  const pairRatios: number[] = [];
  for (let i = 0; i < Math.min(barrage.length, reference.length); i++) {
    const ratio = barrage[i] / reference[i];
    if (Number.isFinite(ratio)) pairRatios.push(ratio);
  }
  return { barrage: median(barrage), reference: median(reference), pairRatios };
}

export function roundsNote(r: PairedRounds<unknown>): string {
  if (!r.noisy) return `${r.quietPairs} quiet pairs of ${r.pairs}`;
  return r.quietPairs > 0
    ? `NOISY: only ${r.quietPairs} of ${r.pairs} pairs quiet (others ≤ ${QUIET_CORES} cores); figures from those`
    : `NOISY: none of ${r.pairs} pairs quiet (others > ${QUIET_CORES} cores); figures from all`;
}

/** CPU seconds (user + system) of this whole process, all threads, since `since`. */
export function processCpuSec(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

let clockTicks: number | undefined;
/** Kernel clock ticks per second (/proc CPU times are in these units). */
export function clockTicksPerSec(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * CPU seconds from a /proc/<pid>/stat line: own (utime + stime) and of waited-for children
 * (cutime + cstime).
 */
export function parseProcStat(line: string): { selfSec: number; childrenSec: number } {
  // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
  const fields = line.slice(line.lastIndexOf(')') + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state): field n is fields[n - 3].
  const tick = clockTicksPerSec();
  const n = (i: number) => Number(fields[i - 3]);
  return { selfSec: (n(14) + n(15)) / tick, childrenSec: (n(16) + n(17)) / tick };
}

/** An executable on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  fdLimit: string;
  ephemeralPorts: string;
}

export function describeMachine(): Machine {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const model = /^model name\s*:\s*(.+)$/m.exec(read('/proc/cpuinfo'))?.[1]?.trim() ?? 'unknown';
  const fd = /^Max open files\s+(\S+)\s+(\S+)/m.exec(read('/proc/self/limits'));
  return {
    cpus: availableParallelism(),
    cpuModel: model,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: read('/proc/sys/kernel/osrelease').trim() || process.platform,
    fdLimit: fd ? `${fd[1]} soft / ${fd[2]} hard` : 'unknown',
    ephemeralPorts: read('/proc/sys/net/ipv4/ip_local_port_range').trim().replace(/\s+/, '–') || 'unknown',
  };
}

/** Busy CPU seconds of the whole machine so far (all cores, /proc/stat), or null off Linux. */
export function machineBusySec(): number | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    return (total - cpu[3] - (cpu[4] ?? 0)) / clockTicksPerSec();
  } catch {
    return null;
  }
}

/**
 * Cores used by everything else on the machine during a measurement: machine busy time minus
 * the generator's and the target's own CPU, over the wall time. The bench cannot stop other
 * processes; it says how much they took, so a noisy round can be told from a slow generator.
 */
export function othersCores(machineBusyDelta: number | null, ownCpuSec: number, wallSec: number): number | null {
  if (machineBusyDelta === null || wallSec <= 0) return null;
  return Math.max(0, (machineBusyDelta - ownCpuSec) / wallSec);
}

/**
 * Starts watching a measurement window; the function returned gives the cores other processes
 * used in it, given the target's CPU in the window (and any child's, like wrk's).
 */
export function watchOthers(): (targetCpuSec: number, childCpuSec?: number) => number | null {
  const machine0 = machineBusySec();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  return (targetCpuSec, childCpuSec = 0) => {
    const machine1 = machineBusySec();
    const delta = machine0 === null || machine1 === null ? null : machine1 - machine0;
    return othersCores(delta, processCpuSec(own0) + targetCpuSec + childCpuSec, (performance.now() - t0) / 1000);
  };
}

export function othersText(cores: number | null): string {
  return cores === null ? 'others: unknown' : `others ${cores.toFixed(1)} cores`;
}

/** Share of all cores busy over `ms` (from /proc/stat), or null where it cannot be read. */
export async function machineBusyPercent(ms: number): Promise<number | null> {
  const read = () => {
    try {
      const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const idle = cpu[3] + (cpu[4] ?? 0);
      return { idle, total: cpu.reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const a = read();
  await sleep(ms);
  const b = read();
  if (!a || !b || b.total === a.total) return null;
  return Math.round((1 - (b.idle - a.idle) / (b.total - a.total)) * 100);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects after `ms`: every wait in the bench is bounded. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Generator and target on separate cores: the bench process (every thread: its load workers,
 * the references, and the tools it starts, which inherit it) on `generator`, the target process
 * on `target`. So neither steals the other's core, and CPU per request is not inflated by
 * migrations between cores. Null when not pinned (one core, no taskset, or --no-pin).
 */
export interface Pinning {
  generator: number;
  target: number;
}

let pinning: Pinning | null = null;

export function currentPinning(): Pinning | null {
  return pinning;
}

/** Pins this process (all threads) to core 0 and remembers core 1 for targets; the reason when not. */
export function pinGenerator(): Pinning | { notPinned: string } {
  if (availableParallelism() < 2) return { notPinned: 'one core only' };
  const taskset = onPath('taskset');
  if (!taskset) return { notPinned: 'taskset not installed (Debian package util-linux)' };
  try {
    execFileSync(taskset, ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch (err) {
    return { notPinned: `taskset failed (${(err as Error).message.split('\n')[0]})` };
  }
  pinning = { generator: 0, target: 1 };
  return pinning;
}

/** Pins another process (all its threads) to the target's core, when pinning is on. */
export function pinTarget(pid: number | undefined): void {
  if (pinning === null || pid === undefined) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(pinning.target), String(pid)], { stdio: 'ignore' });
  } catch {
    /* the target then runs unpinned; the notes still give its CPU */
  }
}

/**
 * A run's process CPU split by thread (seconds): the process's main thread, the run's load
 * thread, and every other thread (V8's platform threads — background TurboFan compiles,
 * concurrent marking, parallel scavenges, sweeping — and libuv's pool; a thread that ended
 * during the window, such as a reference's terminated worker after its last reading, is counted
 * here too). Read from /proc/self/task/<tid>/stat (kernel clock ticks, so ±10 ms per thread).
 */
export interface ThreadCpu {
  main: number;
  load: number;
  other: number;
}

function threadCpuByTid(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  const tick = clockTicksPerSec();
  for (const tid of tids) {
    try {
      const line = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = line.slice(line.lastIndexOf(')') + 2).trim().split(/\s+/);
      // utime and stime are fields 14 and 15 (fields[0] is field 3).
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / tick);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * Watches the threads of one run. Create it before the run's load worker is created (a thread
 * that appears after is the load thread's candidate), call `start()` when the measuring window
 * opens, `mark()` just before the load worker is terminated (its /proc entry goes with it), and
 * `split(totalSec)` when the window closes, with the process's CPU over the window. Null where
 * /proc/self/task is not readable.
 */
export function watchThreads(): { start(): void; mark(): void; split(totalSec: number): ThreadCpu | null } {
  const existing = new Set(threadCpuByTid().keys());
  let before = new Map<number, number>();
  let marked = new Map<number, number>();
  return {
    start() {
      before = threadCpuByTid();
    },
    mark() {
      marked = threadCpuByTid();
    },
    split(totalSec) {
      const after = threadCpuByTid();
      if (after.size === 0 || before.size === 0) return null;
      for (const [tid, sec] of marked) if (!after.has(tid)) after.set(tid, sec);
      const used = (tid: number) => (after.get(tid) ?? 0) - (before.get(tid) ?? 0);
      // The load thread: of the threads that appeared since the watch began, the busiest.
      let loadTid: number | undefined;
      for (const tid of after.keys()) {
        if (tid === process.pid || existing.has(tid)) continue;
        if (loadTid === undefined || used(tid) > used(loadTid)) loadTid = tid;
      }
      const main = used(process.pid);
      const load = loadTid === undefined ? 0 : used(loadTid);
      return { main, load, other: Math.max(0, totalSec - main - load) };
    },
  };
}
