// A ws-send step's answers out of order and unmatched messages where step figures appear: the
// terminal's step table (barrage run, runs show), the HTML report, the app's step rows (live
// and stored). Flows without such a step keep their columns.
import { describe, expect, it } from 'vitest';
import { stepTable } from '../../src/main/cli/format/stepTable.ts';
import { runReportHtml } from '../../src/main/report/htmlReport.ts';
import { foldSteps, liveStepRows, newStepFold, summaryStepRows } from '../../src/renderer/src/flowRun/stepFigures.ts';
import type { StoredRun } from '../../src/shared/history.ts';
import { flowFigures } from '../../src/shared/result/flowFigures.ts';
import type { RunResult, RunSample } from '../../src/shared/runResult.ts';
import { scenarioSchema, type FlowScenario } from '../../src/shared/scenario.ts';
import { syntheticFlowRun, syntheticRun } from '../fixtures/syntheticRun.ts';

const scenario = scenarioSchema.parse({
  protocol: 'flow',
  url: 'http://127.0.0.1:9/',
  steps: [
    { type: 'ws-connect', name: 'connect', url: '/ws/rpc' },
    { type: 'ws-send', name: 'rpc', message: '{"id":{{seq}}}', expect: { match: { path: '$.id' }, timeoutMs: 1000 }, count: 4, inFlight: 4 },
  ],
}) as FlowScenario;

function rpcRun(): RunResult {
  const base = syntheticRun({ seconds: 2 });
  const samples: RunSample[] = [
    { ...base.samples[0], t: 0, steps: [{ step: 'connect', count: 2, errors: 0, checks: { passed: 0, failed: 0 } }, { step: 'rpc', count: 400, errors: 0, checks: { passed: 0, failed: 0 }, outOfOrder: 120 }] },
    { ...base.samples[0], t: 1, steps: [{ step: 'rpc', count: 400, errors: 0, checks: { passed: 0, failed: 0 }, outOfOrder: 1_117, unmatched: 3 }] },
  ];
  return { ...base, config: scenario, samples, summary: { ...base.summary, protocol: 'flow', flow: flowFigures({ scenario, samples, durationSec: 2 }) } };
}

const stored = (run: RunResult): StoredRun => ({ ...run, id: 4, scenarioId: null, scenarioName: 'rpc flow', groupId: null, tags: [], notes: '', environment: {} as StoredRun['environment'] });

describe('answers out of order and unmatched in the step tables', () => {
  it('the terminal’s step table adds the column for a ws-send step that matches answers', () => {
    const text = stepTable(rpcRun().summary.flow!);
    expect(text).toMatch(/CHECKS\s+OUT OF ORDER \/ UNMATCHED\n/);
    expect(text).toMatch(/rpc .* 1,237 \/ 3\n/);
    expect(text).toMatch(/connect .* –\n/);
    // An HTTP flow keeps its columns.
    expect(stepTable(syntheticFlowRun({ seconds: 3 }).summary.flow!)).not.toContain('OUT OF ORDER');
  });

  it('the HTML report adds the column', () => {
    const html = runReportHtml(stored(rpcRun()));
    expect(html).toContain('<th>Checks</th><th>Out of order / unmatched</th><th>Latency measures</th>');
    expect(html).toContain('<td>1,237 / 3</td>');
    expect(runReportHtml(stored(syntheticFlowRun({ seconds: 3 })))).not.toContain('Out of order / unmatched');
  });

  it('the app’s rows, live and from the summary, agree', () => {
    const run = rpcRun();
    const fold = newStepFold(scenario);
    foldSteps(fold, run.samples);
    const live = liveStepRows(fold);
    expect(live.map((r) => r.ws)).toEqual([null, { outOfOrder: 1_237, unmatched: 3 }]);
    expect(summaryStepRows(run.summary.flow!.steps).map((r) => r.ws)).toEqual(live.map((r) => r.ws));
  });
});
