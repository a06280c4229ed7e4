// The Grafana dashboard shipped in docs/grafana/ queries only metrics the Prometheus endpoint
// exposes (a renamed metric would leave a panel silently empty).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PrometheusEndpoint } from '../../src/main/liveMetrics/prometheusEndpoint.ts';

it('every barrage_* series in the dashboard is one the endpoint serves', async () => {
  const dash = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/grafana/barrage-run.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
  const used = new Set(dash.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\bbarrage_[a-z_]+/g)].map((m) => m[0]))));
  expect(used.size).toBeGreaterThanOrEqual(6);
  const endpoint = await PrometheusEndpoint.start(0);
  try {
    const served = new Set((await endpoint.registry.getMetricsAsJSON()).map((m) => m.name));
    // Counters are exposed with a _total suffix.
    for (const name of used) expect(served.has(name) || served.has(name.replace(/_total$/, '')), name).toBe(true);
  } finally {
    await endpoint.close();
  }
});
