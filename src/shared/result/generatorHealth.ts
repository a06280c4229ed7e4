// The generator-saturation rule: when the load generator itself runs out of CPU or its event loop
// stalls, the latencies describe the generator, not the target. One rule, used by the engine's
// summary, the history's recomputed summaries and the live run view alike (pure, no Node APIs,
// so the renderer can import it).
import { targetSharesThisMachine } from '../loopback.ts';
import { isSteadySecond, type GeneratorHealth, type RunSample } from '../runResult.ts';

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

/**
 * What to do about a saturated generator, fitted to where the target is. On this machine the
 * target competes with the generator for the same cores (and a loopback run already leaves it one
 * core, see workerCount), so "more workers" would only take CPU from the target.
 */
export function saturationAdvice(targetUrl: string | undefined): string {
  if (targetUrl !== undefined && targetSharesThisMachine(targetUrl)) {
    return 'the target shares this machine: its CPU competes with the generator\'s, so more workers would only take CPU from it. Use fewer connections or a lower rate, or run the target (or the load) on another machine to measure its capacity';
  }
  return 'use fewer connections or a lower rate, more workers (--workers) if this machine has idle cores, or generate the load from a stronger machine';
}

/**
 * The verdict over a run's seconds so far (or all of them): saturated, why, and — given the
 * target's address — what to do about it.
 */
export function generatorHealth(samples: readonly RunSample[], workers: number, targetUrl?: string): GeneratorHealth {
  const steady = samples.filter(isSteadySecond);
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
  const health: GeneratorHealth = { workers, cpuPercent, maxCpuPercent, maxLoopLagMs, saturated: reasons.length > 0, reasons };
  if (health.saturated) health.advice = saturationAdvice(targetUrl);
  return health;
}
