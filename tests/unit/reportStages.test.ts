// The HTML report of a run with a load profile draws the plan (dashed) against what was
// achieved — the rate on the throughput chart, connections on a connections chart — and marks
// the stage boundaries on every time chart, as the app does.
import { describe, expect, it } from 'vitest';
import { runReportHtml } from '../../src/main/report/htmlReport.ts';
import type { StoredRun } from '../../src/shared/history.ts';
import type { RunResult } from '../../src/shared/runResult.ts';
import { stagedRun } from '../fixtures/stagedRun.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';

const stored = (r: RunResult): StoredRun => ({ ...r, id: 5, scenarioId: null, scenarioName: 'ramp', groupId: null, tags: [], notes: '', environment: { barrageVersion: null, nodeVersion: null, electronVersion: null, os: null, cpu: null, workers: 1, targetHost: '127.0.0.1:8080' } });
const stages = [
  { durationSec: 4, target: 40 },
  { durationSec: 6, target: 40 },
  { durationSec: 0, target: 80 },
  { durationSec: 5, target: 80 },
];

/** The <svg> of the chart section titled `h2`. */
const chartOf = (html: string, h2: string): string => {
  const at = html.indexOf(`<h2>${h2}</h2>`);
  expect(at, h2).toBeGreaterThan(0);
  return html.slice(at, html.indexOf('</svg>', at));
};
const marksIn = (svg: string) => [...svg.matchAll(/<g class="mark"><title>([^<]+)<\/title>/g)].map((m) => m[1]);

describe('report of a run with stages', () => {
  it('a rate profile: the planned rate dashed on the throughput chart, marks on both time charts', () => {
    const html = runReportHtml(stored(stagedRun({ stages, target: 'rate', seed: 2 })));
    const throughput = chartOf(html, 'Throughput over time');
    expect(throughput).toContain('planned requests/s');
    expect(throughput).toMatch(/stroke-dasharray="6 4"/);
    expect(marksIn(throughput)).toEqual(['stage 1 starts at 0 s', 'stage 2 starts at 4 s', 'stage 4 starts at 10 s']);
    expect(marksIn(chartOf(html, 'Latency over time'))).toEqual(['stage 1 starts at 0 s', 'stage 2 starts at 4 s', 'stage 4 starts at 10 s']);
    expect(html).not.toContain('<h2>Connections over time</h2>');
  });

  it('a connection profile: a connections chart with the planned connections', () => {
    const html = runReportHtml(stored(stagedRun({ stages, target: 'connections', seed: 2 })));
    const connections = chartOf(html, 'Connections over time');
    expect(connections).toContain('planned connections');
    expect(connections).toContain('open connections');
    expect(marksIn(connections)).toHaveLength(3);
    expect(chartOf(html, 'Throughput over time')).not.toContain('planned');
  });

  it('a constant load: no plan, no marks', () => {
    const html = runReportHtml(stored(syntheticRun({ seconds: 5 })));
    expect(html).not.toContain('class="mark"');
    expect(html).not.toContain('planned');
  });
});
