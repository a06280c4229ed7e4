// The HTML report of a flow run: the per-step table (with what each step's latency measures,
// the iterations and checks) and a per-step latency-over-time chart.
import { describe, expect, it } from 'vitest';
import { runReportHtml } from '../../src/main/report/htmlReport.ts';
import type { StoredRun } from '../../src/shared/history.ts';
import { syntheticFlowRun, syntheticRun } from '../fixtures/syntheticRun.ts';

function stored(run: ReturnType<typeof syntheticRun>): StoredRun {
  return { ...run, id: 4, scenarioId: null, scenarioName: 'shop flow', groupId: null, tags: [], notes: '', environment: {} as StoredRun['environment'] };
}

describe('HTML report of a flow run', () => {
  it('has the steps table and a line per step in the per-step latency chart', () => {
    const html = runReportHtml(stored(syntheticFlowRun({ seconds: 10 })));
    const steps = html.slice(html.indexOf('<section class="steps">'), html.indexOf('</section>', html.indexOf('<section class="steps">')));
    expect(steps).toContain('<th>Step</th><th>Count</th><th>Req/s</th><th>p50</th><th>p99</th><th>p99.9</th><th>Errors</th><th>Checks</th><th>Latency measures</th>');
    expect(steps).toContain('<tr class="bad"><td>add to cart</td><td>50</td><td>5</td>');
    expect(steps).toContain('<td>setup: login</td><td>20</td>');
    expect(steps).toContain('HTTP request from writing the request to its complete response');
    expect(steps).toContain('Iterations: 50 started, 50 completed, 0 abandoned');
    expect(steps).toContain('Checks: 97.2% passed (350 of 360).');
    const chart = html.slice(html.indexOf('Latency of each step over time'));
    for (const label of ['setup: login p99', 'list items p99', 'add to cart p99']) expect(chart).toContain(label);
  });

  it('adds nothing to a run that is not a flow', () => {
    const html = runReportHtml(stored(syntheticRun({ seconds: 3 })));
    expect(html).not.toContain('class="steps"');
    expect(html).not.toContain('Latency of each step');
  });
});
