// The generator-saturation rule: when the load generator itself runs out of CPU or its event loop
// stalls, the latencies describe the generator, not the target. One rule, used by the engine's
// summary, the history's recomputed summaries and the live run view alike (pure, no Node APIs,
// so the renderer can import it).
import type { GeneratorHealth, RunSample } from '../runResult.ts';

/** A worker at or above this share of one core is the bottleneck, not the target. */
export const SATURATED_CPU_PERCENT = 95;
/** Event-loop delay beyond which timestamps taken by the generator are no longer trustworthy. */
export const SATURATED_LOOP_LAG_MS = 50;
/** Share of the steady seconds that must be CPU-saturated to flag the run. */
export const SATURATED_SHARE = 0.25;

/** One second on its own: did a worker run hot or was its event loop delayed? */
export function secondSaturated(sample: Pick<RunSample, 'cpuPercent' | 'loopLagMs'>): boolean {
  return sample.cpuPercent >= SATURATED_CPU_PERCENT || sample.loopLagMs > SATURATED_LOOP_LAG_MS;
}

/** The verdict over a run's seconds so far (or all of them): saturated, and why. */
export function generatorHealth(samples: readonly RunSample[], workers: number): GeneratorHealth {
  const steady = samples.filter((s) => !s.warmup);
  const considered = steady.length > 0 ? steady : samples;
  const cpuValues = considered.map((s) => s.cpuPercent);
  const maxCpuPercent = cpuValues.length ? Math.max(...cpuValues) : 0;
  const cpuPercent = cpuValues.length ? Math.round((cpuValues.reduce((a, b) => a + b, 0) / cpuValues.length) * 10) / 10 : 0;
  const maxLoopLagMs = samples.length ? Math.max(...samples.map((s) => s.loopLagMs)) : 0;
  const reasons: string[] = [];
  const hot = considered.filter((s) => s.cpuPercent >= SATURATED_CPU_PERCENT).length;
  if (hot > 0 && hot >= Math.ceil(considered.length * SATURATED_SHARE)) {
    reasons.push(`a load worker used ≥${SATURATED_CPU_PERCENT}% of a CPU core in ${hot} of ${considered.length} seconds`);
  }
  if (maxLoopLagMs > SATURATED_LOOP_LAG_MS) {
    reasons.push(`a load worker's event loop was delayed by up to ${Math.round(maxLoopLagMs)} ms`);
  }
  return { workers, cpuPercent, maxCpuPercent, maxLoopLagMs, saturated: reasons.length > 0, reasons };
}
