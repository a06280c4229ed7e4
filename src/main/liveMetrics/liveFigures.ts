// The figures a live-metrics output exposes, from one merged second of a run: the same sample the
// app plots and the history stores, so a dashboard and Barrage's own run view always agree.
// Shared by the Prometheus endpoint and the OTLP push, so both expose the same figures.
import { stageOfSecond } from '../../shared/loadProfile.ts';
import { decodeHistogram } from '../../shared/result/histogramCodec.ts';
import type { ErrorKind, RunProgress, StepSecond } from '../../shared/runResult.ts';
import type { Scenario } from '../../shared/scenario.ts';

/** What every series of a run is labelled with (OpenTelemetry: attributes). */
export type RunLabels = {
  /** The run's id in the history, or "unsaved". */
  run: string;
  /** The scenario's name, or its URL when it has none. */
  scenario: string;
  protocol: string;
  /** 1-based stage of a run with a load profile; "" when it has none. */
  stage: string;
};

export function runLabels(runId: number | null, scenario: Scenario, t: number): RunLabels {
  const stage = scenario.stages !== undefined ? stageOfSecond(scenario.stages, t) : null;
  return {
    run: runId === null ? 'unsaved' : String(runId),
    scenario: scenario.name ?? scenario.url,
    protocol: scenario.protocol,
    stage: stage === null || stage === undefined ? '' : String(stage + 1),
  };
}

/** One second's figures in base units (seconds, not µs or ms), as metrics want them. */
export interface SecondFigures {
  /** Seconds since the start: the sample's `t`. */
  second: number;
  completedPerSecond: number;
  /** Latency of the second's completions; null when nothing completed. */
  latencySeconds: { p50: number; p99: number; max: number; mean: number } | null;
  errorsPerSecond: number;
  /** The second's errors by kind (live samples carry them; a second without any has {}). */
  errorsByKind: Partial<Record<ErrorKind, number>>;
  openConnections: number;
  bytesSent: number;
  bytesReceived: number;
  /** Busiest load worker's CPU in the second, percent of one core. */
  generatorCpuPercent: number;
  /** Largest event-loop delay of a load worker in the second. */
  generatorLoopLagSeconds: number;
  warmup: boolean;
  /** Completions and errors of the run so far. */
  completedTotal: number;
  errorsTotal: number;
}

export function secondFigures(p: RunProgress): SecondFigures {
  const s = p.sample;
  return {
    second: s.t,
    completedPerSecond: s.throughput,
    latencySeconds: s.latencyUs && { p50: s.latencyUs.p50 / 1e6, p99: s.latencyUs.p99 / 1e6, max: s.latencyUs.max / 1e6, mean: s.latencyUs.mean / 1e6 },
    errorsPerSecond: s.errors,
    errorsByKind: s.errorsByKind ?? {},
    openConnections: s.openConnections,
    bytesSent: s.bytesSent,
    bytesReceived: s.bytesReceived,
    generatorCpuPercent: s.cpuPercent,
    generatorLoopLagSeconds: s.loopLagMs / 1000,
    warmup: s.warmup,
    completedTotal: p.totals.throughput,
    errorsTotal: p.totals.errors,
  };
}

/** One flow step's figures in one second (a `step` label / attribute on every series). */
export interface StepSecondFigures {
  step: string;
  completed: number;
  /** Latency of the step's completions in the second; null when none completed. */
  latencySeconds: { p50: number; p99: number; max: number } | null;
  /** Errors by kind; errors whose kind the second did not say are counted as "other", so the sum stays right. */
  errorsByKind: Array<[string, number]>;
  checksPassed: number;
  checksFailed: number;
}

/** The second's figures of each step that did anything in it (RunSample.steps). */
export function stepSecondFigures(p: RunProgress): StepSecondFigures[] {
  return (p.sample.steps ?? []).map((step: StepSecond) => {
    let latencySeconds: StepSecondFigures['latencySeconds'] = null;
    if (step.histogram && step.count > 0) {
      const h = decodeHistogram(step.histogram);
      latencySeconds = { p50: h.getValueAtPercentile(50) / 1e6, p99: h.getValueAtPercentile(99) / 1e6, max: h.maxValue / 1e6 };
    }
    const kinds = Object.entries(step.errorsByKind ?? {}).map(([k, n]): [string, number] => [k, n ?? 0]);
    const unkinded = step.errors - kinds.reduce((a, [, n]) => a + n, 0);
    if (unkinded > 0) kinds.push(['other', unkinded]);
    return { step: step.step, completed: step.count, latencySeconds, errorsByKind: kinds, checksPassed: step.checks.passed, checksFailed: step.checks.failed };
  });
}
