// The scale run, in a process of its own (forked by scaleBench.ts), so that the generator's
// memory is measured without the bench's own: one Barrage run holding N WebSocket connections
// open (push mode, a trickle of server messages), RSS sampled throughout.
import { readdirSync, readFileSync } from 'node:fs';
import { startRun } from '../src/main/engine/runController.ts';
import type { RunSummary } from '../src/shared/runResult.ts';
import { parseScenario } from '../src/shared/scenario.ts';

export interface ScaleJob {
  url: string;
  connections: number;
  connectRate: number;
  durationSec: number;
  /** Local addresses to spread the connections over (beyond one address's ~28,000 ports). */
  sourceAddresses?: string[];
  /** Count the RSS of this process's children too (a run in load processes, beyond the fd limit). */
  withChildren?: boolean;
}

export interface ScaleOutcome {
  summary: RunSummary;
  /** RSS of this process once its load worker had loaded, before the first connection. */
  rssBaselineBytes: number;
  /** Highest RSS sampled while the run was going (every 50 ms). */
  rssPeakBytes: number;
  /** RSS at the first per-second sample that reported the most open connections. */
  rssAtPeakOpenBytes: number;
  /** Highest RSS sampled while every connection was open (from the first second that showed them all to the planned end). */
  rssHoldingMaxBytes: number;
  /** Kernel's high-water mark of RSS for the whole process life (includes boot). */
  vmHwmBytes: number;
  /** Open connections at the end of each second, as the generator reported them. */
  openBySecond: number[];
  /** Epoch ms of the run's start and of the first second-end that showed every connection open. */
  startedAt: number;
  allOpenBySecondEnd: number | null;
  cpuSec: number;
}

export type FromScale = { type: 'done'; outcome: ScaleOutcome } | { type: 'error'; message: string };

const send = process.send?.bind(process);
if (!send) {
  console.error('bench/scaleChild.ts is started by the bench (fork with an IPC channel)');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));

function vmHwm(): number {
  try {
    const kb = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** RSS of this process's direct children (the run's load processes), from /proc. */
function childrenRss(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
      total += Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function main(job: ScaleJob): Promise<ScaleOutcome> {
  const parsed = parseScenario({
    protocol: 'ws',
    url: job.url,
    mode: 'push',
    connections: job.connections,
    connectRate: job.connectRate,
    durationSec: job.durationSec,
    workers: 1,
    ...(job.sourceAddresses ? { sourceAddresses: job.sourceAddresses } : {}),
    // The swarm's own pings stay on (their default period): part of holding connections open.
  });
  if (!parsed.ok) throw new Error(`bench scenario: ${parsed.error}`);
  (globalThis as { gc?: () => void }).gc?.();
  let rssBaseline = NaN;
  let rssPeak = 0;
  let rssAtPeakOpen = NaN;
  let peakOpenSeen = -1;
  let startedAt = 0;
  let allOpenAt: number | null = null;
  let cpu0: NodeJS.CpuUsage | undefined;
  const openBySecond: number[] = [];
  let rssHoldingMax = NaN;
  const rssNow = () => process.memoryUsage.rss() + (job.withChildren ? childrenRss() : 0);
  const sampler = setInterval(() => {
    const rss = rssNow();
    if (rss > rssPeak) rssPeak = rss;
    // Holding: all connections open, before the planned end (when closing begins).
    if (allOpenAt !== null && Date.now() < startedAt + job.durationSec * 1000 && !(rss <= rssHoldingMax)) rssHoldingMax = rss;
    // Children are read from /proc (a scan of every pid): 4 times a second is enough for them.
  }, job.withChildren ? 250 : 50);
  try {
    const handle = startRun(parsed.value, {
      workers: 1,
      onStart: (info) => {
        startedAt = info.startedAt;
        rssBaseline = rssNow();
        rssPeak = rssBaseline;
        cpu0 = process.cpuUsage();
      },
      onProgress: (p) => {
        const open = p.sample.openConnections;
        openBySecond[p.sample.t] = open;
        const rss = rssNow();
        if (open > peakOpenSeen) {
          peakOpenSeen = open;
          rssAtPeakOpen = rss;
        }
        if (allOpenAt === null && open >= job.connections) {
          allOpenAt = startedAt + (p.sample.t + 1) * 1000;
          rssHoldingMax = rss;
        }
      },
    });
    const result = await handle.result;
    const cpu = process.cpuUsage(cpu0);
    return {
      summary: result.summary,
      rssBaselineBytes: rssBaseline,
      rssPeakBytes: rssPeak,
      rssAtPeakOpenBytes: rssAtPeakOpen,
      rssHoldingMaxBytes: rssHoldingMax,
      vmHwmBytes: vmHwm(),
      openBySecond,
      startedAt,
      allOpenBySecondEnd: allOpenAt,
      cpuSec: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    clearInterval(sampler);
  }
}

process.once('message', (raw) => {
  main(raw as ScaleJob).then(
    (outcome) => send({ type: 'done', outcome } satisfies FromScale, () => process.exit(0)),
    (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies FromScale, () => process.exit(1)),
  );
});
