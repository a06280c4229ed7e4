// Steps of the same name compared across flow runs with the whole-run verdict statistics, steps
// in one run only named, and the per-step table of `barrage run` / `runs show`.
import { describe, expect, it } from 'vitest';
import { compareStoredRuns } from '../../src/shared/comparison.ts';
import { compareSteps, stepRun, withSteps } from '../../src/shared/stepCompare.ts';
import { runsComparisonText } from '../../src/main/cli/format/comparisonText.ts';
import { summaryTable } from '../../src/main/cli/format/summaryTable.ts';
import { createHistogram, encodeHistogram } from '../../src/shared/result/histogramCodec.ts';
import { flowFigures } from '../../src/shared/result/flowFigures.ts';
import type { StoredRun } from '../../src/shared/history.ts';
import type { FlowScenario } from '../../src/shared/scenario.ts';
import { syntheticFlowRun } from '../fixtures/syntheticRun.ts';

function stored(id: number, slowCartUs?: number, seconds = 20): StoredRun {
  const run = syntheticFlowRun({ seconds });
  if (slowCartUs !== undefined) {
    // "add to cart" slower in every second; the other steps unchanged. Small per-second jitter keeps the bootstrap honest.
    run.samples = run.samples.map((s) => ({
      ...s,
      steps: s.steps!.map((x) => {
        if (x.step !== 'add to cart') return x;
        const h = createHistogram();
        h.recordValueWithCount(slowCartUs + (s.t % 3) * 10, 5);
        return { ...x, histogram: encodeHistogram(h) };
      }),
    }));
    run.summary.flow = flowFigures({ scenario: run.config as FlowScenario, samples: run.samples, durationSec: seconds });
  }
  return { ...run, id, scenarioId: null, scenarioName: 'shop flow', groupId: null, tags: [], notes: '', environment: {} as StoredRun['environment'] };
}

describe('compare per step', () => {
  it('cuts a run down to one step: its counts, errors and latencies per second', () => {
    const cart = stepRun(stored(1), 'add to cart');
    expect(cart.samples[1]).toMatchObject({ t: 1, throughput: 5, errors: 2, latencyUs: { p50: 2000, max: 2000 } });
    expect(cart.summary.throughput.total).toBe(100);
    expect(cart.summary.errors.total).toBe(30);
    expect('steps' in cart.samples[0]).toBe(false);
  });

  it('finds the step that got slower and only that one, with the run-wide statistics', () => {
    const a = stored(1, 2000);
    const b = stored(2, 2600); // +30% on "add to cart" only
    const steps = compareSteps([a, b])!;
    expect(steps.steps.map((s) => s.step)).toEqual(['login', 'list items', 'add to cart']);
    const verdict = (step: string, figure: string) => steps.steps.find((s) => s.step === step)!.comparison.pairs[0].verdicts.find((v) => v.figure === figure)!.verdict;
    expect(verdict('add to cart', 'p50')).toBe('worse');
    expect(verdict('list items', 'p50')).not.toBe('worse');
    expect(verdict('list items', 'p99')).not.toBe('worse');
    const whole = withSteps(compareStoredRuns([a, b]), steps);
    expect(whole.outcome).toBe('worse');
    const text = runsComparisonText(whole);
    expect(text).toMatch(/Step "add to cart", run 2 against run 1:/);
    expect(text).toMatch(/Result: worse — .*step "add to cart"/);
  });

  it('names the steps only one run has, and leaves non-flows alone', () => {
    const a = stored(1);
    const b = stored(2);
    b.summary.flow!.steps[2] = { ...b.summary.flow!.steps[2], name: 'checkout' };
    const steps = compareSteps([a, b])!;
    expect(steps.steps.map((s) => s.step)).toEqual(['login', 'list items']);
    expect(steps.notInAll).toEqual([{ step: 'add to cart', runs: [1] }, { step: 'checkout', runs: [2] }]);
    expect(runsComparisonText(withSteps(compareStoredRuns([a, b]), steps))).toMatch(/Step "checkout" is only in run 2: not compared\./);
    const http = stored(3);
    delete http.summary.flow;
    expect(compareSteps([a, http])).toBeNull();
  });
});

describe('flow run output in the terminal', () => {
  it('prints the per-step table, the iteration line and the failed checks', () => {
    const text = summaryTable(syntheticFlowRun({ seconds: 10 }).summary, 'shop flow');
    expect(text).toContain('STEP          COUNT  REQ/S     P50     P99   P99.9  ERRORS                   CHECKS');
    expect(text).toContain('setup: login     20      2  500 µs  500 µs  500 µs  0                        20 passed');
    expect(text).toContain('add to cart      50      5    2 ms    2 ms    2 ms  15 (check 10, status 5)  10 of 50 failed');
    expect(text).toContain('Iterations  50 started, 50 completed, 0 abandoned; duration p50 4 ms, p99 4 ms, max 4 ms');
    expect(text).toContain('Checks      97.2% passed (350 of 360)');
    expect(text).toContain('  FAILED    add to cart: latency ≤ 50 ms failed 10 of 50');
  });
});
