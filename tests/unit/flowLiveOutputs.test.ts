// A flow's per-step series on the live outputs: a `step` label on the Prometheus endpoint's
// per-step metrics, and a `step` line per step after each second in the jsonl stream.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusEndpoint } from '../../src/main/liveMetrics/prometheusEndpoint.ts';
import { JsonlStream } from '../../src/main/ci/jsonlStream.ts';
import { syntheticFlowRun } from '../fixtures/syntheticRun.ts';
import { tempDir } from '../fixtures/tempStore.ts';

const endpoints: PrometheusEndpoint[] = [];
afterEach(async () => {
  for (const e of endpoints.splice(0)) await e.close();
});

describe('flow steps on the live outputs', () => {
  it('labels the per-step Prometheus series with the step, figures equal to the samples', async () => {
    const run = syntheticFlowRun({ seconds: 3 });
    const endpoint = await PrometheusEndpoint.start(0);
    endpoints.push(endpoint);
    endpoint.begin(run.config);
    for (const sample of run.samples.slice(0, 2)) endpoint.second(5, { sample, elapsedSec: sample.t + 1, plannedSec: 3, totals: { throughput: 0, errors: 0 } });
    const text = await endpoint.registry.metrics();
    const labels = 'run="5",scenario="shop flow",protocol="flow",stage=""';
    expect(text).toContain(`barrage_step_completed_total{${labels},step="list items"} 21`);
    expect(text).toContain(`barrage_step_completed_per_second{${labels},step="list items"} 11`);
    expect(text).toContain(`barrage_step_completed_total{${labels},step="login"} 20`);
    expect(text).toContain(`barrage_step_errors_total{${labels},step="add to cart",kind="check"} 2`);
    expect(text).toContain(`barrage_step_errors_total{${labels},step="add to cart",kind="status"} 1`);
    expect(text).toContain(`barrage_step_checks_total{${labels},step="add to cart",result="failed"} 2`);
    expect(text).toContain(`barrage_step_latency_seconds{${labels},step="add to cart",quantile="0.5"} 0.002`);
  });

  it('moves the per-step gauges to the new stage: the last stage\'s series leave, its counters stay', async () => {
    const run = syntheticFlowRun({ seconds: 3 });
    // Second 0 is stage 1, seconds 1–2 stage 2.
    const config = { ...run.config, stages: [{ durationSec: 1, target: 5 }, { durationSec: 2, target: 5 }] };
    const endpoint = await PrometheusEndpoint.start(0);
    endpoints.push(endpoint);
    endpoint.begin(config);
    for (const sample of run.samples.slice(0, 2)) endpoint.second(5, { sample, elapsedSec: sample.t + 1, plannedSec: 3, totals: { throughput: 0, errors: 0 } });
    const text = await endpoint.registry.metrics();
    const stage = (n: number) => `run="5",scenario="shop flow",protocol="flow",stage="${n}"`;
    expect(text).toContain(`barrage_step_completed_per_second{${stage(2)},step="list items"} 11`);
    expect(text).not.toContain(`barrage_step_completed_per_second{${stage(1)}`);
    expect(text).not.toContain(`barrage_step_latency_seconds{${stage(1)}`);
    expect(text).toContain(`barrage_step_latency_seconds{${stage(2)},step="add to cart",quantile="0.5"}`);
    // Counters keep each stage's total.
    expect(text).toContain(`barrage_step_completed_total{${stage(1)},step="list items"} 10`);
  });

  it('writes a step line per step after each second of the jsonl stream, without histograms', () => {
    const run = syntheticFlowRun({ seconds: 2 });
    const file = path.join(tempDir(), 'run.jsonl');
    const out = new JsonlStream(file);
    for (const sample of run.samples) out.second(1, { sample, elapsedSec: sample.t + 1, plannedSec: 2, totals: { throughput: 0, errors: 0 } });
    out.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.type, l.t, l.step ?? null])).toEqual([
      ['sample', 0, null],
      ['step', 0, 'login'],
      ['step', 0, 'list items'],
      ['step', 0, 'add to cart'],
      ['sample', 1, null],
      ['step', 1, 'list items'],
      ['step', 1, 'add to cart'],
    ]);
    expect(lines[6]).toMatchObject({ count: 5, errors: 2, checks: { passed: 4, failed: 1 }, statusCodes: { '201': 4, '500': 1 }, latencyUs: { p50: 2000, max: 2000 } });
    expect(lines.some((l) => 'histogram' in l || 'steps' in l || 'iterationHistogram' in l)).toBe(false);
  });
});
