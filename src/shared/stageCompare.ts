// The same stage of two (or more) runs compared: each run is cut down to one stage of its load
// profile — the seconds the stage holds (a second belongs to the stage holding its middle, as in
// the per-stage table), its own latency summary (from the stage's histogram), throughput and
// errors — and that cut-down run goes through the usual comparison (compareRuns: block bootstrap
// over its steady seconds). So `barrage compare 12 13 --stage 2` and the app's Compare view with a
// stage chosen judge stage 2 on stage 2's seconds only, not the whole run.
import { stageOfSecond, type Stage } from './loadProfile.ts';
import { isSteadySecond, type LatencySummary, type RunResult, type StageFigures } from './runResult.ts';
import { formatCount } from './units.ts';

const EMPTY_LATENCY: LatencySummary = { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

/** A stage as people name it: its number in the per-stage table, from 1. Throws a one-line message. */
export function parseStageNumber(text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1 || !Number.isSafeInteger(Number(t))) {
    throw new Error(`"${text}" is not a stage number (stages are numbered from 1, as in the per-stage table)`);
  }
  return Number(t);
}

type RunLike = Pick<RunResult, 'config' | 'summary' | 'samples'> & { id: number };

/** Why stage `stage` (from 1) of this run cannot be compared, in one line; null when it can. */
export function stageProblem(run: RunLike, stage: number): string | null {
  const stages = run.config.stages;
  if (!stages?.length) return `run ${run.id} has no stages (it ran a constant load), so it has no stage ${stage}`;
  if (stage > stages.length) return `run ${run.id} has ${stages.length} stage${stages.length === 1 ? '' : 's'}, so no stage ${stage}`;
  if (stages[stage - 1].durationSec <= 0) return `stage ${stage} of run ${run.id} is a 0 s jump and holds no second; pick the stage after it`;
  const figures = run.summary.stages?.[stage - 1];
  if (!figures) return `run ${run.id} has no per-stage figures (it is ${run.summary.status}; a run recovered after a crash keeps none)`;
  if (figures.seconds === 0) return `stage ${stage} of run ${run.id} holds no measured second (the run ended before it)`;
  return null;
}

/**
 * The run cut down to one stage (from 1; check stageProblem first): its seconds, re-based so the
 * stage's first second is 0 (charts of two runs' stages then line up), and a summary of the stage:
 * throughput, latencies and errors from the stage's figures, bytes and the generator from its
 * seconds, peak connections of the stage. What no stage records — connections opened and failed,
 * status codes, WebSocket message counts, the schedule — stays the whole run's; comparisons of a
 * stage must not show those (they use KEY_FIGURES, which need none of them). There is no
 * histogram of the stage (only its summary is stored): `histogram` is empty.
 */
export function stageRun<T extends RunLike & { histogram: string }>(run: T, stage: number): T {
  const stages = run.config.stages as Stage[];
  const index = stage - 1;
  const figures = run.summary.stages![index];
  const mine = run.samples.filter((s) => stageOfSecond(stages, s.t) === index).sort((a, b) => a.t - b.t);
  const first = mine[0]?.t ?? 0;
  const last = mine.at(-1)?.t ?? first;
  const seconds = mine.map((s) => ({ ...s, t: s.t - first }));
  const steady = seconds.filter(isSteadySecond);
  const sum = (k: 'bytesSent' | 'bytesReceived') => mine.reduce((a, s) => a + s[k], 0);
  return {
    ...run,
    histogram: '',
    samples: seconds,
    summary: {
      ...run.summary,
      // The run's own end, when it falls inside the stage's last second: that cut-off second
      // is then left out of the steady ones, as for a whole run.
      durationSec: Math.min(run.summary.durationSec, last + 1) - first,
      throughput: {
        total: figures.throughput.total,
        perSec: figures.throughput.perSec,
        steadyPerSec: steady.length ? round1(steady.reduce((a, s) => a + s.throughput, 0) / steady.length) : null,
      },
      latencyUs: figures.latencyUs ?? EMPTY_LATENCY,
      errors: { total: figures.errors, byKind: {} },
      bytes: { sent: sum('bytesSent'), received: sum('bytesReceived') },
      connections: { ...run.summary.connections, peak: figures.achieved.peakConnections },
      generator: {
        ...run.summary.generator,
        cpuPercent: mine.length ? round1(mine.reduce((a, s) => a + s.cpuPercent, 0) / mine.length) : 0,
        maxCpuPercent: mine.reduce((a, s) => Math.max(a, s.cpuPercent), 0),
        maxLoopLagMs: mine.reduce((a, s) => Math.max(a, s.loopLagMs), 0),
      },
      thresholds: undefined,
      stages: undefined,
      notes: [`stage ${stage} only: ${describeStage(figures)}`],
    },
  };
}

/** "seconds 5–35 of the run, planned 0→200 connections": the stage as the table shows it. */
export function describeStage(f: StageFigures): string {
  return `seconds ${round1(f.startSec)}–${round1(f.endSec)} of the run, planned ${planText(f)}`;
}

/** "0→200 connections", "400/s". */
function planText(f: StageFigures): string {
  const unit = f.target === 'rate' ? '/s' : ' connections';
  return f.from === f.to ? `${formatCount(f.to, 1)}${unit}` : `${formatCount(f.from, 1)}→${formatCount(f.to, 1)}${unit}`;
}

/** When the runs planned the stage differently (length, targets, what they ramp), what differs; '' when alike. */
export function stagePlanDifference(runs: readonly RunLike[], stage: number): string {
  const plans = runs.map((r) => `${round1(r.summary.stages![stage - 1].endSec - r.summary.stages![stage - 1].startSec)} s of ${planText(r.summary.stages![stage - 1])}`);
  if (new Set(plans).size <= 1) return '';
  return `stage ${stage} was planned differently: ${runs.map((r, i) => `run ${r.id} ${plans[i]}`).join('; ')}`;
}

/** What a stage comparison says about its stage: which stage, each run's seconds and plan. */
export interface StageSelection {
  /** From 1, as in the per-stage table. */
  stage: number;
  runs: Array<{ id: number; description: string }>;
  /** '' when every run planned the stage alike. */
  planDifference: string;
}

export function stageSelection(runs: readonly RunLike[], stage: number): StageSelection {
  return {
    stage,
    runs: runs.map((r) => ({ id: r.id, description: describeStage(r.summary.stages![stage - 1]) })),
    planDifference: stagePlanDifference(runs, stage),
  };
}

/** A stage's percentile curve from its stored summary (no histogram of the stage is kept): the points there are. */
export function summaryPercentiles(l: LatencySummary): Array<{ percentile: number; us: number }> {
  if (l.count === 0) return [];
  return [
    { percentile: 0, us: l.min },
    { percentile: 50, us: l.p50 },
    { percentile: 90, us: l.p90 },
    { percentile: 95, us: l.p95 },
    { percentile: 99, us: l.p99 },
    { percentile: 99.9, us: l.p999 },
  ];
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
