// Scale: 10,000 concurrent WebSocket connections from one Barrage run, against the demo target's
// push feed (a trickle: one message per connection every few seconds) in a process of its own.
// The generator runs in a child process of its own too, so its memory is measured cleanly.
// Connect rate is measured where the connections arrive: the target's accept times.
import { fork } from 'node:child_process';
import type { BenchSettings, SectionResult } from './common.ts';
import { log, type Row } from './report.ts';
import type { FromScale, ScaleJob, ScaleOutcome } from './scaleChild.ts';
import { startTargetProcess, type TargetStats } from './targetProcess.ts';

const MB = 1024 * 1024;

export async function scaleBench(settings: BenchSettings): Promise<SectionResult> {
  const { connections, connectRate, holdSec, pushRate } = settings.scale;
  const target = await startTargetProcess();
  const url = `${target.wsUrl}/ws/push?rate=${pushRate}`;
  log(`scale: target pid ${target.pid}; ${connections} connections at ${connectRate}/s, held ~${holdSec} s, push ${pushRate} msg/s each`);
  let outcome: ScaleOutcome;
  let targetStats: TargetStats;
  try {
    await target.resetStats();
    const rampSec = connections / connectRate;
    outcome = await runScaleChild({ url, connections, connectRate, durationSec: Math.ceil(rampSec + holdSec) });
    targetStats = await target.stats();
  } finally {
    await target.close();
  }

  const s = outcome.summary;
  const spanSec = (targetStats.lastAcceptAt - targetStats.firstAcceptAt) / 1000;
  const acceptRate = targetStats.accepted > 1 && spanSec > 0 ? (targetStats.accepted - 1) / spanSec : null;
  // Memory to hold the connections: the highest RSS while all of them were open, over the RSS
  // once the worker had loaded. (The run's overall peak, ramp garbage included, is in the note.)
  const holding = Number.isFinite(outcome.rssHoldingMaxBytes) ? outcome.rssHoldingMaxBytes : outcome.rssPeakBytes;
  const rssDelta = holding - outcome.rssBaselineBytes;
  const peakDelta = outcome.rssPeakBytes - outcome.rssBaselineBytes;
  const peak = s.connections.peak;
  const perThousandMB = peak > 0 ? rssDelta / MB / (peak / 1000) : null;
  const connect = s.ws?.connectUs;
  const raw = { outcome, target: targetStats, acceptRatePerSec: acceptRate, rssHoldingDeltaBytes: rssDelta, rssPeakDeltaBytes: peakDelta };

  log(
    `scale: peak open ${peak.toLocaleString('en-US')} (target saw ${targetStats.peakOpen.toLocaleString('en-US')}), ` +
      `accepted ${targetStats.accepted.toLocaleString('en-US')} in ${spanSec.toFixed(2)} s, ` +
      `failed ${s.connections.failed}, errors ${JSON.stringify(s.errors.byKind)}, status ${s.status}${s.failure ? ` (${s.failure})` : ''}`,
  );
  log(
    `scale: generator RSS ${(outcome.rssBaselineBytes / MB).toFixed(0)} MB at start → ${(holding / MB).toFixed(0)} MB at most while holding, ` +
      `run peak ${(outcome.rssPeakBytes / MB).toFixed(0)} MB (VmHWM ${(outcome.vmHwmBytes / MB).toFixed(0)} MB), ` +
      `open by second ${outcome.openBySecond.join(' ')}, generator CPU ${outcome.cpuSec.toFixed(1)} s, ` +
      `target CPU ${targetStats.cpuSec.toFixed(1)} s (since it started), target RSS ${(targetStats.rssBytes / MB).toFixed(0)} MB`,
  );

  const rows: Row[] = [
    {
      section: 'scale',
      figure: 'peak open WebSocket connections',
      barrage: peak,
      reference: null,
      goal: { kind: 'min', ratio: connections },
      absolute: true,
      note:
        `one run, 1 worker, push mode; opened ${s.connections.opened}, failed ${s.connections.failed}` +
        (s.errors.total ? `, errors ${JSON.stringify(s.errors.byKind)}` : '') +
        (s.status !== 'completed' ? `, status ${s.status}${s.failure ? `: ${s.failure}` : ''}` : ''),
    },
    {
      section: 'scale',
      figure: 'connect rate achieved',
      unit: 'conn/s',
      barrage: acceptRate,
      reference: null,
      goal: { kind: 'min', ratio: 2000 },
      absolute: true,
      note:
        `asked ${connectRate}/s; target accepted ${targetStats.accepted} connections over ${spanSec.toFixed(2)} s` +
        (connect ? `; handshake p50 ${(connect.p50 / 1000).toFixed(1)} ms, p99 ${(connect.p99 / 1000).toFixed(1)} ms` : ''),
    },
    {
      section: 'scale',
      figure: 'generator RSS per 1,000 connections held',
      unit: 'MB',
      barrage: perThousandMB,
      reference: null,
      goal: { kind: 'max', ratio: 10 },
      absolute: true,
      note:
        `generator process RSS ${(outcome.rssBaselineBytes / MB).toFixed(0)} MB once loaded → ${(holding / MB).toFixed(0)} MB at most ` +
        `while holding ${peak} connections (+${(rssDelta / MB).toFixed(1)} MB); run peak incl. ramp garbage ` +
        `${(outcome.rssPeakBytes / MB).toFixed(0)} MB = ${(peakDelta / MB / (Math.max(1, peak) / 1000)).toFixed(1)} MB per 1,000; ` +
        `whole process incl. Node and worker boot: ${(outcome.rssPeakBytes / MB / (Math.max(1, peak) / 1000)).toFixed(1)} MB per 1,000`,
    },
  ];
  return { rows, raw };
}

export function runScaleChild(job: ScaleJob): Promise<ScaleOutcome> {
  const child = fork(new URL('./scaleChild.ts', import.meta.url), [], {
    execPath: process.execPath,
    execArgv: ['--expose-gc', '--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The run bounds itself (duration + its grace); this is the backstop.
  const limitMs = (job.durationSec + 45) * 1000;
  return new Promise<ScaleOutcome>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`the scale run did not finish within ${limitMs / 1000} s`));
    }, limitMs);
    child.on('message', (raw) => {
      const message = raw as FromScale;
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (message.type === 'done') resolve(message.outcome);
      else reject(new Error(`scale run: ${message.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(new Error(`the scale process exited (${signal ?? `code ${code}`}) before reporting`));
      }
    });
    child.send(job);
  });
}
