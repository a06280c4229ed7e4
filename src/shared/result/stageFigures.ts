// Per-stage figures of a run with a load profile: for each stage the plan (its span and
// target), what the generator achieved (connections open, completions per second), its
// latencies from the stage's own histogram, and whether the planned peak was reached.
import { stageSpans, type Stage, type StageTarget } from '../loadProfile.ts';
import { isPlannedSecond, type RunSample, type StageFigures } from '../runResult.ts';
import { SATURATED_CPU_PERCENT } from './generatorHealth.ts';
import { summarizeHistogram, type Histogram } from './histogramCodec.ts';

/** A worker's event loop busy this share of a second had no time to spare (as in capacity.ts). */
const BUSY_PERCENT = 95;
/** A stage counts as reached when the achieved peak is at least this share of the planned one. */
const REACHED_SHARE = 0.9;
/** An open-model stage falls short when more than this share of a second's planned sends (and at least 5) are still waiting at its end. */
const BEHIND_SHARE = 0.1;

export function stageFigures(
  stages: readonly Stage[],
  target: StageTarget,
  samples: readonly RunSample[],
  stageOf: (t: number) => number,
  latency: ReadonlyMap<number, Histogram>,
): StageFigures[] {
  return stageSpans(stages).map((span) => {
    const mine = samples.filter((s) => isPlannedSecond(s) && stageOf(s.t) === span.index && span.endSec > span.startSec);
    const total = mine.reduce((a, s) => a + s.throughput, 0);
    const errors = mine.reduce((a, s) => a + s.errors, 0);
    const statusErrors = mine.reduce((a, s) => a + (s.errorsByKind?.status ?? 0), 0);
    const n = mine.length;
    const meanConnections = n > 0 ? round1(mine.reduce((a, s) => a + s.openConnections, 0) / n) : 0;
    const peakConnections = mine.reduce((a, s) => Math.max(a, s.openConnections), 0);
    const perSec = n > 0 ? round1(total / n) : 0;
    // What the plan is compared with: completions per second, or for a flow iterations started
    // per second (a flow's rate plans iterations; each makes several step completions).
    const flow = mine.some((s) => s.iterations !== undefined);
    const achievedPerSec = flow && n > 0 ? round1(mine.reduce((a, s) => a + (s.iterations?.started ?? 0), 0) / n) : perSec;
    const h = latency.get(span.index);
    const figures: StageFigures = {
      index: span.index,
      startSec: span.startSec,
      endSec: span.endSec,
      from: span.from,
      to: span.to,
      target,
      seconds: n,
      throughput: { total, perSec },
      latencyUs: h && h.totalCount > 0 ? summarizeHistogram(h) : null,
      errors,
      ...(statusErrors > 0 ? { statusErrors } : {}),
      achieved: { meanConnections, peakConnections, perSec: achievedPerSec },
      reached: true,
    };
    if (n === 0) return figures;
    const planned = Math.max(span.from, span.to);
    // A quarter of the stage's seconds with a worker busy ≥ 95% (CPU, or an event loop that never
    // idled): it could not keep the plan. Event-loop delay alone is not counted here — on a
    // shared machine the OS delays a worker with time to spare too (the run's generator verdict
    // still reports it).
    const saturated = mine.filter((s) => s.cpuPercent >= SATURATED_CPU_PERCENT || (s.loopBusyPercent ?? 0) >= BUSY_PERCENT).length * 4 >= n;
    if (target === 'connections') {
      if (peakConnections < Math.floor(planned * REACHED_SHARE)) {
        figures.reached = false;
        figures.note = `reached ${peakConnections} of ${planned} planned connections${errors > 0 ? `: ${errorsInWords(mine, errors)}` : ''}`;
      }
      if (saturated) figures.note = `${figures.note ? `${figures.note}; ` : ''}the generator was saturated`;
      return figures;
    }
    // The open model: sends that came due in the stage and had not gone out by its last second
    // (the backlog grew over the stage) were never offered on time — every connection was busy.
    const before = samples.filter((s) => s.t < mine[0].t).at(-1)?.behind ?? 0;
    const behind = Math.max(0, (mine.at(-1)!.behind ?? 0) - before);
    const lagging = behind > Math.max(5, planned * BEHIND_SHARE);
    const reasons: string[] = [];
    if (saturated) reasons.push(`the generator was saturated: it may not have sent at the planned ${round1(planned)}/s`);
    if (lagging) {
      reasons.push(
        flow
          ? `${behind} scheduled iterations were still waiting at its end: ${round1(meanConnections)} virtual users' connections could not carry the planned ${round1(planned)}/s (started ${achievedPerSec}/s; raise virtual users)`
          : `${behind} scheduled sends were still waiting at its end: ${round1(meanConnections)} connections could not carry the planned ${round1(planned)}/s (completed ${perSec}/s; raise connections)`,
      );
    }
    if (reasons.length > 0) {
      figures.reached = false;
      figures.note = reasons.join('; ');
    } else if (span.from === span.to && achievedPerSec < planned * REACHED_SHARE) {
      // On a hold the plan's rate is known exactly; on a ramp the completions lag by the latency.
      figures.note = flow ? `started ${achievedPerSec} iterations/s of the planned ${round1(planned)}/s` : `completed ${perSec}/s of the planned ${round1(planned)}/s`;
    }
    return figures;
  });
}

/** "190 errors (refused 190)": the stage's errors by kind, most first, from the live seconds that carry them. */
function errorsInWords(seconds: readonly RunSample[], errors: number): string {
  const byKind = new Map<string, number>();
  for (const s of seconds) for (const [kind, n] of Object.entries(s.errorsByKind ?? {})) byKind.set(kind, (byKind.get(kind) ?? 0) + (n ?? 0));
  const kinds = [...byKind].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`);
  return `${errors} error${errors === 1 ? '' : 's'}${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
