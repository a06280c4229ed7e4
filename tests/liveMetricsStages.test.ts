// Live metrics of a run with a load profile: each stage is its own label set (`stage`), and the
// move from one stage to the next must not leave the previous stage's gauges looking live. Fed
// with made-up merged seconds (exact values, no engine): the Prometheus endpoint drops the
// previous stage's gauge series and keeps one counter series per stage (their sum is the run's
// total); the OTLP push, whose SDK keeps exporting every attribute set it saw, marks the
// previous stage barrage_run_running 0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { OtlpPush } from '../src/main/liveMetrics/otlpPush.ts';
import { PrometheusEndpoint } from '../src/main/liveMetrics/prometheusEndpoint.ts';
import type { RunProgress, RunSummary } from '../src/shared/runResult.ts';
import { scenarioSchema } from '../src/shared/scenario.ts';
import { parseOpenMetrics, seriesValue } from './support/openMetrics.ts';

const scenario = scenarioSchema.parse({
  protocol: 'http',
  url: 'http://127.0.0.1:9/',
  name: 'staged',
  stages: [
    { durationSec: 2, target: 5 },
    { durationSec: 2, target: 10 },
  ],
});

/** Second t of a run doing 100·(t+1) requests in it. */
function second(t: number): RunProgress {
  const throughput = 100 * (t + 1);
  let total = 0;
  for (let u = 0; u <= t; u++) total += 100 * (u + 1);
  return {
    sample: { t, throughput, latencyUs: { p50: 1000, p99: 2000, max: 3000, mean: 1100 }, errors: 0, openConnections: t < 2 ? 5 : 10, bytesSent: 10, bytesReceived: 20, cpuPercent: 30, loopLagMs: 1, warmup: t === 0 },
    elapsedSec: t + 1,
    plannedSec: 4,
    totals: { throughput: total, errors: 0 },
  };
}

describe('live metrics of a staged run', () => {
  it('Prometheus: only the current stage\'s gauges are served; counters per stage add up to the run', async () => {
    const endpoint = await PrometheusEndpoint.start(0);
    try {
      endpoint.begin(scenario);
      const scrape = async () => parseOpenMetrics(await (await fetch(`http://127.0.0.1:${endpoint.port}/metrics`)).text());
      endpoint.second(7, second(0));
      endpoint.second(7, second(1));
      let series = await scrape();
      expect(seriesValue(series, 'barrage_open_connections').labels).toEqual({ run: '7', scenario: 'staged', protocol: 'http', stage: '1' });
      endpoint.second(7, second(2));
      series = await scrape();
      // One series per gauge, the second stage's.
      for (const name of ['barrage_run_running', 'barrage_run_second', 'barrage_open_connections', 'barrage_completed_per_second', 'barrage_latency_mean_seconds']) {
        expect(seriesValue(series, name).labels.stage, name).toBe('2');
      }
      expect(series.filter((s) => s.name === 'barrage_latency_seconds').map((s) => `${s.labels.stage}:${s.labels.quantile}`).sort()).toEqual(['2:0.5', '2:0.99', '2:1']);
      expect(seriesValue(series, 'barrage_open_connections').value).toBe(10);
      // Counters: stage 1 kept its total (100 + 200), stage 2 has its own (300).
      expect(seriesValue(series, 'barrage_completed_total', { stage: '1' }).value).toBe(300);
      expect(seriesValue(series, 'barrage_completed_total', { stage: '2' }).value).toBe(300);
      endpoint.second(7, second(3));
      endpoint.finished(7, { durationSec: 4 } as RunSummary);
      series = await scrape();
      expect(series.filter((s) => s.name === 'barrage_completed_total').reduce((a, s) => a + s.value, 0)).toBe(second(3).totals.throughput);
      expect(seriesValue(series, 'barrage_run_running')).toMatchObject({ value: 0, labels: { stage: '2' } });
    } finally {
      await endpoint.close();
    }
  });

  it('OTLP: the stage left behind is pushed as no longer running', async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const push = new OtlpPush(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      push.begin(scenario);
      // One second per export, as at the engine's pace (faster, they would fold into one push).
      for (let t = 0; t < 4; t++) {
        push.second(7, second(t));
        await expect.poll(() => bodies.length).toBe(t + 1);
      }
      push.finished(7, { durationSec: 4 } as RunSummary);
      await push.close();
    } finally {
      await new Promise((r) => server.close(r));
    }
    // The last export: the running gauge of each stage the run went through.
    type KV = { key: string; value: { stringValue?: string } };
    const last = JSON.parse(bodies.at(-1)!) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string; gauge?: { dataPoints: Array<{ attributes: KV[]; asDouble?: number; asInt?: number }> } }> }> }> };
    const running = last.resourceMetrics[0].scopeMetrics.flatMap((s) => s.metrics).find((m) => m.name === 'barrage_run_running')!;
    const byStage = Object.fromEntries(running.gauge!.dataPoints.map((dp) => [dp.attributes.find((a) => a.key === 'stage')!.value.stringValue, Number(dp.asDouble ?? dp.asInt)]));
    expect(byStage).toEqual({ '1': 0, '2': 0 });
    // And while the second stage went, the first already read 0.
    const during = bodies.map((b) => JSON.parse(b)).find((doc) => {
      const m = doc.resourceMetrics[0].scopeMetrics.flatMap((s: any) => s.metrics).find((x: any) => x.name === 'barrage_run_second');
      return m?.gauge.dataPoints.some((dp: any) => Number(dp.asDouble ?? dp.asInt) === 2);
    });
    expect(during, 'an export of second 2').toBeDefined();
    const runningDuring = during.resourceMetrics[0].scopeMetrics.flatMap((s: any) => s.metrics).find((x: any) => x.name === 'barrage_run_running');
    expect(Object.fromEntries(runningDuring.gauge.dataPoints.map((dp: any) => [dp.attributes.find((a: any) => a.key === 'stage').value.stringValue, Number(dp.asDouble ?? dp.asInt)]))).toEqual({ '1': 0, '2': 1 });
  });
});
