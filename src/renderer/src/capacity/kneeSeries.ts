// The knee chart's data: a capacity search's judged steps (and the step measuring now, from its
// seconds so far) as aligned series against the offered rate, sorted by rate, as uPlot wants
// them. A step is one point; the search's order (grow, then bisect) does not matter here.
import type uPlot from 'uplot';
import type { CapacityStep } from '../../../shared/capacity.ts';

/** The step measuring now, from its run's seconds so far (not judged yet). */
export interface LiveStep {
  rate: number;
  achievedPerSec: number;
  p50Us: number | null;
  p99Us: number | null;
  errorShare: number;
}

export interface KneeData {
  /** x: offered rate; p50 ms, p99 ms (judged steps; the live one in its own series). */
  latency: uPlot.AlignedData;
  /** x: offered rate; achieved per second (judged, now), and the offered rate itself (the line achieved follows until the knee). */
  throughput: uPlot.AlignedData;
  /** x: offered rate; errors in percent. */
  errors: uPlot.AlignedData;
}

const ms = (us: number | null): number | null => (us === null ? null : us / 1000);

export function kneeData(steps: readonly CapacityStep[], live: LiveStep | null): KneeData {
  type Point = { rate: number; achieved: number; p50: number | null; p99: number | null; errors: number; live: boolean };
  const points: Point[] = steps.map((s) => ({ rate: s.rate, achieved: s.achievedPerSec, p50: ms(s.p50Us), p99: ms(s.p99Us), errors: s.errorShare * 100, live: false }));
  if (live) points.push({ rate: live.rate, achieved: live.achievedPerSec, p50: ms(live.p50Us), p99: ms(live.p99Us), errors: live.errorShare * 100, live: true });
  // Two points at one rate (a bisection that repeats a rate): keep both, judged first.
  points.sort((a, b) => a.rate - b.rate || Number(a.live) - Number(b.live));
  const xs = points.map((p) => p.rate);
  const judged = <T>(f: (p: Point) => T | null) => points.map((p) => (p.live ? null : f(p)));
  const now = <T>(f: (p: Point) => T | null) => points.map((p) => (p.live ? f(p) : null));
  return {
    latency: [xs, judged((p) => p.p50), judged((p) => p.p99), now((p) => p.p99)],
    throughput: [xs, judged((p) => p.achieved), now((p) => p.achieved), points.map((p) => p.rate)],
    errors: [xs, judged((p) => p.errors), now((p) => p.errors)],
  };
}
