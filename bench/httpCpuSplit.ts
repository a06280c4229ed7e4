// Profiling aid for the http row (not part of `npm run bench`): where a run's CPU goes, by
// thread, for Barrage and for bare autocannon, measured over the bench's own window (from the
// load worker's ready to 250 ms after the result), in alternating rounds against the demo
// target in a process of its own, generator and target pinned as the bench pins them.
//
//   node bench/httpCpuSplit.ts [rounds=3] [seconds=5]
//
// Per thread from /proc/self/task/<tid>/stat (clock ticks): the main thread (tid = pid), the
// load thread (the one thread that appeared when the run's worker was created), and everything
// else (V8's platform threads: background compilation and GC; libuv's pool). The bench's figure
// is the process total; the split says which of them Barrage's extra CPU is in.
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { closeWorkerPools, startRun } from '../src/main/engine/index.ts';
import { parseScenario } from '../src/shared/scenario.ts';
import { clockTicksPerSec, pinGenerator, processCpuSec, sleep } from './common.ts';
import type { FromReference, ReferenceOutcome } from './referenceWorker.ts';
import { SETTLE_MS } from './references.ts';
import { startTargetProcess } from './targetProcess.ts';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 5);
/** `barrage` or `autocannon`: that side only (one process per side, for V8 tracing flags). */
const only = process.argv[4];
const CONNECTIONS = 50;
const HZ = clockTicksPerSec();

/** For lining up a --cpu-prof profile: its timestamps are the same monotonic clock, in µs. */
function mark(what: string): void {
  if (process.env.SPLIT_MARKS) console.log(`mark ${what} ${process.hrtime.bigint() / 1000n}`);
}

/** CPU seconds of every live thread of this process, by tid. */
function threads(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), (Number(f[11]) + Number(f[12])) / HZ);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

interface Split {
  total: number;
  main: number;
  load: number;
  other: number;
  requests: number;
}

function split(before: Map<number, number>, after: Map<number, number>, loadTids: Set<number>, total: number, requests: number): Split {
  let main = 0;
  let load = 0;
  let other = 0;
  for (const [tid, sec] of after) {
    const d = sec - (before.get(tid) ?? 0);
    if (tid === process.pid) main += d;
    else if (loadTids.has(tid)) load += d;
    else other += d;
  }
  // Threads gone by the end (the reference's terminated worker): in the total only.
  return { total, main, load, other: other + Math.max(0, total - main - load - other), requests };
}

async function barrage(url: string): Promise<Split> {
  await closeWorkerPools();
  const parsed = parseScenario({ protocol: 'http', url, connections: CONNECTIONS, durationSec: seconds, workers: 1 });
  if (!parsed.ok) throw new Error(parsed.error);
  const tidsBefore = new Set(threads().keys());
  let t0 = new Map<number, number>();
  let cpu0: NodeJS.CpuUsage | undefined;
  let loadTids = new Set<number>();
  const handle = startRun(parsed.value, {
    workers: 1,
    onStart: () => {
      mark('start');
      cpu0 = process.cpuUsage();
      t0 = threads();
      loadTids = new Set([...t0.keys()].filter((t) => !tidsBefore.has(t)));
    },
  });
  const result = await handle.result;
  mark('result');
  await sleep(SETTLE_MS);
  mark('settled');
  const total = processCpuSec(cpu0);
  return split(t0, threads(), loadTids, total, result.summary.throughput.total);
}

async function reference(url: string): Promise<Split> {
  const tidsBefore = new Set(threads().keys());
  const worker = new Worker(new URL('./referenceWorker.ts', import.meta.url));
  let t0 = new Map<number, number>();
  let cpu0: NodeJS.CpuUsage | undefined;
  let loadTids = new Set<number>();
  let tEnd = new Map<number, number>();
  const outcome = await new Promise<ReferenceOutcome>((resolve, reject) => {
    worker.on('message', (m: FromReference) => {
      if (m.type === 'ready') {
        mark('start');
        cpu0 = process.cpuUsage();
        t0 = threads();
        loadTids = new Set([...t0.keys()].filter((t) => !tidsBefore.has(t)));
        worker.postMessage({ kind: 'autocannon', url, connections: CONNECTIONS, durationSec: seconds });
      } else if (m.type === 'done') {
        // The load thread's last reading, before it is terminated (its /proc entry goes with it).
        mark('result');
        tEnd = threads();
        resolve(m.outcome);
      } else reject(new Error(m.type === 'error' ? m.message : 'reference failed'));
    });
  });
  await worker.terminate();
  await sleep(SETTLE_MS);
  mark('settled');
  const total = processCpuSec(cpu0);
  const after = threads();
  for (const [tid, sec] of tEnd) if (!after.has(tid)) after.set(tid, sec);
  return split(t0, after, loadTids, total, outcome.completed);
}

const per100k = (sec: number, requests: number) => ((sec / requests) * 1e5).toFixed(3);
const fmt = (tool: string, s: Split) =>
  `${tool.padEnd(10)} ${String(s.requests).padStart(7)} req  total ${s.total.toFixed(3)} s (${per100k(s.total, s.requests)}/100k)  ` +
  `main ${s.main.toFixed(2)} (${per100k(s.main, s.requests)})  load ${s.load.toFixed(2)} (${per100k(s.load, s.requests)})  other ${s.other.toFixed(2)} (${per100k(s.other, s.requests)})`;

pinGenerator();
const target = await startTargetProcess();
const url = `${target.httpUrl}/`;
try {
  if (only === undefined) await reference(url);
  if (only !== undefined) {
    for (let r = 1; r <= rounds; r++) console.log(fmt(only, only === 'barrage' ? await barrage(url) : await reference(url)));
    await target.close();
    process.exit(0);
  }
  const ratios: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const b = await barrage(url);
    console.log(fmt('barrage', b));
    const a = await reference(url);
    console.log(fmt('autocannon', a));
    const ratio = b.total / b.requests / (a.total / a.requests);
    ratios.push(ratio);
    console.log(`  pair ${r}: CPU per request ratio ${ratio.toFixed(3)}; load avg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  }
  ratios.sort((x, y) => x - y);
  console.log(`median ratio ${ratios[Math.floor(ratios.length / 2)].toFixed(3)}`);
} finally {
  await target.close();
}
process.exit(0);
