// 50,000 WebSocket connections held by one Barrage run on one machine (issue #14): push mode at a
// trickle, spread over two loopback source addresses (one address has ~28,000 ephemeral ports),
// the load in child processes (one process's fd table holds 20,000 here: the run chooses 3), the
// demo target over 4 processes on one port (SO_REUSEPORT, src/main/target/targetCluster.ts).
// Runs only when asked for (`npm run bench -- --only scale50k`): about a minute, and it needs
// ~1.5 GB of memory. Generator RSS counts the run's process and its load children.
import { spawn, type ChildProcess } from 'node:child_process';
import { pinTarget, type SectionResult } from './common.ts';
import { log, type Row } from './report.ts';
import { runScaleChild } from './scaleBench.ts';

/**
 * `barrage target --processes N` in a process of its own, pinned to the target's core before it
 * forks its children (they inherit the pinning): the bench process is pinned to the generator's.
 */
async function startClusterTarget(processes: number): Promise<{ wsUrl: string; pids: string; child: ChildProcess }> {
  const bin = new URL('../bin/barrage.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'target', '--processes', String(processes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  pinTarget(child.pid);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the target cluster did not start within 60 s'));
    }, 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ws = /WebSocket\s+(ws:\/\/\S+)\/ws\/echo/.exec(out)?.[1];
      const pids = /pids ([\d, ]+)\)/.exec(out)?.[1];
      if (ws && pids) {
        clearTimeout(timer);
        resolve({ wsUrl: ws, pids, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`the target cluster exited (code ${code}): ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
}

const MB = 1024 * 1024;
const CONNECTIONS = 50_000;
const CONNECT_RATE = 5000;
const HOLD_SEC = 10;
const PUSH_RATE = 0.2;
const TARGET_PROCESSES = 4;
const SOURCES = ['127.0.0.2', '127.0.0.3'];

export async function scale50kBench(): Promise<SectionResult> {
  const target = await startClusterTarget(TARGET_PROCESSES);
  const url = `${target.wsUrl}/ws/push?rate=${PUSH_RATE}`;
  log(`scale50k: target pids ${target.pids} at ${target.wsUrl}; ${CONNECTIONS} connections at ${CONNECT_RATE}/s from ${SOURCES.join(', ')}, held ~${HOLD_SEC} s`);
  let outcome;
  try {
    outcome = await runScaleChild({
      url,
      connections: CONNECTIONS,
      connectRate: CONNECT_RATE,
      durationSec: Math.ceil(CONNECTIONS / CONNECT_RATE + HOLD_SEC),
      sourceAddresses: SOURCES,
      withChildren: true,
    });
  } finally {
    await stop(target.child);
  }
  const s = outcome.summary;
  const peak = s.connections.peak;
  const holding = Number.isFinite(outcome.rssHoldingMaxBytes) ? outcome.rssHoldingMaxBytes : outcome.rssPeakBytes;
  const perThousandMB = peak > 0 ? holding / MB / (peak / 1000) : null;
  const deltaPerThousandMB = peak > 0 ? (holding - outcome.rssBaselineBytes) / MB / (peak / 1000) : null;
  // Second-granular: the connections over the seconds it took until a second ended with all open.
  const allOpenSec = outcome.allOpenBySecondEnd !== null ? (outcome.allOpenBySecondEnd - outcome.startedAt) / 1000 : null;
  const connectRate = allOpenSec !== null && allOpenSec > 0 ? CONNECTIONS / allOpenSec : null;
  const connect = s.ws?.connectUs;
  log(
    `scale50k: peak ${peak.toLocaleString('en-US')}, opened ${s.connections.opened}, failed ${s.connections.failed}, ` +
      `status ${s.status}${s.failure ? ` (${s.failure})` : ''}, generator ${s.generator.workers} workers, ` +
      `open by second ${outcome.openBySecond.join(' ')}, RSS ${(outcome.rssBaselineBytes / MB).toFixed(0)} MB at start → ${(holding / MB).toFixed(0)} MB holding`,
  );
  for (const note of s.notes) log(`scale50k: note: ${note}`);
  const rows: Row[] = [
    {
      section: 'scale50k',
      figure: 'peak open WebSocket connections (50k)',
      barrage: peak,
      reference: null,
      goal: { kind: 'min', ratio: CONNECTIONS },
      absolute: true,
      note: `one run, ${s.generator.workers} load processes, push mode, 2 source addresses, target in ${TARGET_PROCESSES} processes; opened ${s.connections.opened}, failed ${s.connections.failed}${s.status !== 'completed' ? `, status ${s.status}` : ''}`,
    },
    {
      section: 'scale50k',
      figure: 'connect rate achieved (50k)',
      unit: 'conn/s',
      barrage: connectRate,
      reference: null,
      goal: { kind: 'min', ratio: 2000 },
      absolute: true,
      note:
        `asked ${CONNECT_RATE}/s; all open by the end of second ${allOpenSec ?? '–'} (second-granular)` +
        (connect ? `; handshake p50 ${(connect.p50 / 1000).toFixed(1)} ms, p99 ${(connect.p99 / 1000).toFixed(1)} ms` : ''),
    },
    {
      section: 'scale50k',
      figure: 'generator RSS per 1,000 connections held (50k)',
      unit: 'MB',
      barrage: perThousandMB,
      reference: null,
      goal: { kind: 'max', ratio: 8 },
      absolute: true,
      note:
        `whole generator (run process + load children, Node and boot included) ${(holding / MB).toFixed(0)} MB at most while holding ${peak}; ` +
        `above its start (${(outcome.rssBaselineBytes / MB).toFixed(0)} MB, children booted): ${deltaPerThousandMB?.toFixed(1) ?? '–'} MB per 1,000`,
    },
  ];
  return { rows, raw: { outcome, targetPids: target.pids } };
}
