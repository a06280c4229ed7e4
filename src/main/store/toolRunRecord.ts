// What every run imported from another load tool (k6, Artillery) has in common: only a summary
// (no per-second samples, no histogram), no Barrage generator to judge, and an environment
// that says which tool measured it. One place, so the importers differ only in how they read
// their tool's figures.
import type { Scenario } from '../../shared/scenario.ts';
import type { GeneratorHealth, LatencySummary, RunSummary } from '../../shared/runResult.ts';
import type { RunRecord } from '../../shared/history.ts';
import { unknownEnvironment } from './environment.ts';

/** Another tool's generator is not ours to judge: one nominal worker, nothing measured. */
export function unmeasuredGenerator(): GeneratorHealth {
  return { workers: 1, cpuPercent: 0, maxCpuPercent: 0, maxLoopLagMs: 0, saturated: false, reasons: [] };
}

/** A latency summary with no latencies (e.g. a tool that measured no WebSocket round trip). */
export function emptyLatency(): LatencySummary {
  return { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
}

/** The stored record of a run measured by `tool`, tagged `imported` and the tool's name. */
export function toolRunRecord(tool: 'k6' | 'artillery', config: Scenario, summary: RunSummary, name: string | undefined): RunRecord {
  return {
    config,
    summary,
    samples: [],
    histogram: '',
    scenarioId: null,
    scenarioName: name ?? null,
    groupId: null,
    tags: ['imported', tool],
    notes: '',
    environment: unknownEnvironment(tool, config.url),
  };
}
