// Thresholds of a flow: per step (`p99{step:login} < 300ms`, `errors{step:"add to cart"} < 1%`),
// the checks share (`checks > 99%`), parse errors naming the column, a step the scenario does
// not have refused before the run, and the one step figure checked live (its error count).
import { describe, expect, it } from 'vitest';
import { evaluateThresholds, formatThreshold, parseThreshold, ThresholdError } from '../../src/shared/thresholds.ts';
import { parseScenario } from '../../src/shared/scenario.ts';
import { LiveThresholdWatch, checkableLive } from '../../src/main/services/liveThresholds.ts';
import { syntheticFlowRun, syntheticFlowScenario, syntheticScenario } from '../fixtures/syntheticRun.ts';

function problem(expression: string): { message: string; column: number | null } {
  try {
    parseThreshold(expression);
  } catch (err) {
    if (err instanceof ThresholdError) return { message: err.message, column: err.column };
    throw err;
  }
  throw new Error(`"${expression}" parsed`);
}

describe('flow thresholds: parsing', () => {
  it('reads a step by bare or quoted name, and checks as a share', () => {
    expect(parseThreshold('p99{step:login} < 300ms')).toEqual({ expression: 'p99{step:login} < 300ms', metric: 'p99', operator: '<', limit: 300_000, unit: 'us', step: 'login' });
    expect(parseThreshold('errors{step:"add to cart"} < 1%')).toMatchObject({ metric: 'errors', step: 'add to cart', limit: 0.01, unit: 'share' });
    expect(parseThreshold('errors{ step : "add to cart" } <= 3')).toMatchObject({ step: 'add to cart', limit: 3, unit: 'count' });
    expect(parseThreshold('checks > 99%')).toMatchObject({ metric: 'checks', operator: '>', limit: 0.99, unit: 'share' });
    expect(parseThreshold('checks{step:login} >= 100%')).toMatchObject({ metric: 'checks', step: 'login', limit: 1 });
    expect(formatThreshold(parseThreshold('errors{step:"add to cart"}<1%'))).toBe('errors{step:"add to cart"} < 1%');
    expect(formatThreshold(parseThreshold('p99{step:login}<300ms'))).toBe('p99{step:login} < 300 ms');
  });

  it('names the column of what is wrong', () => {
    expect(problem('p99{step:} < 3ms')).toEqual({ message: '"p99{step:} < 3ms": expected a step name at column 10, e.g. p99{step:login} or p99{step:"add to cart"}', column: 10 });
    expect(problem('p99{step:"add to cart} < 3ms').column).toBe(10);
    expect(problem('p99{step:"add to cart} < 3ms').message).toMatch(/opened with " at column 10 is never closed/);
    expect(problem('p99{step:add to cart} < 3ms')).toMatchObject({ column: 14 });
    expect(problem('p99{step:add to cart} < 3ms').message).toMatch(/expected \} after the step name at column 14; quote a name with spaces/);
    expect(problem('p99{stp:login} < 3ms').message).toMatch(/expected \{stage:N\} or \{step:NAME\} after "p99" at column 4/);
    expect(problem('checks > 99').message).toMatch(/checks takes a share of checks passed in % at column 12/);
    expect(problem('checks > 101%').message).toMatch(/cannot exceed 100%/);
    expect(problem('dropped{step:login} < 1%').message).toMatch(/dropped cannot name a step/);
    expect(problem('checks{stage:2} > 99%').message).toMatch(/checks cannot name a stage/);
  });
});

describe('flow thresholds: the scenario', () => {
  it('refuses a step the flow does not have, naming it and the flow’s steps', () => {
    const base = syntheticFlowScenario();
    const bad = parseScenario({ ...base, thresholds: ['p99{step:login} < 300ms', 'errors{step:"add to kart"} < 1%'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toBe('thresholds.1: "errors{step:"add to kart"} < 1%" names step "add to kart", which the flow does not have (its steps: login, list items, add to cart)');
    expect(parseScenario({ ...base, thresholds: ['p99{step:login} < 300ms', 'checks > 99%'] }).ok).toBe(true);
  });

  it('refuses steps and checks on a scenario that is not a flow', () => {
    const http = syntheticScenario();
    const stepped = parseScenario({ ...http, thresholds: ['p99{step:login} < 3ms'] });
    expect(stepped.ok ? '' : stepped.error).toMatch(/names a step, but only flows have steps/);
    const checks = parseScenario({ ...http, thresholds: ['checks > 99%'] });
    expect(checks.ok ? '' : checks.error).toMatch(/only flows have checks/);
  });
});

describe('flow thresholds: evaluation', () => {
  // 10 s: "list items" 10…19 requests a second at 1,000 + 100·i µs (p99 2,701 µs, no errors);
  // "add to cart" 5 a second at 2,000 µs, 1 failed check every second and 1 status error in odd
  // seconds: 15 errors in 50 answers (every one answered), so 30%.
  const { summary } = syntheticFlowRun({ seconds: 10 });

  it('measures each step’s own figures', () => {
    const results = evaluateThresholds(
      [
        'p99{step:"list items"} < 3ms',
        'p99{step:"list items"} < 2ms',
        'errors{step:"add to cart"} < 1%',
        'errors{step:"add to cart"} <= 15',
        'errors{step:"list items"} < 1%',
        'rps{step:login} >= 2',
        'checks{step:"add to cart"} > 79%',
        'checks{step:"add to cart"} > 81%',
        'p99{step:nope} < 1s',
      ],
      summary,
    );
    expect(results.map((r) => [r.passed, r.actual])).toEqual([
      [true, 2701],
      [false, 2701],
      [false, 15 / 50],
      [true, 15],
      [true, 0],
      [true, 2],
      [true, 0.8],
      [false, 0.8],
      [false, null],
    ]);
    expect(results[1]).toMatchObject({ step: 'list items', message: 'p99 of step "list items" 2.7 ms (limit < 2 ms): failed' });
    expect(results[2].message).toBe('errors of step "add to cart" 30% (limit < 1%): failed');
    expect(results[8].message).toBe('p99 of step "nope": the run has no step "nope" (its steps: login, list items, add to cart) (limit < 1 s): failed');
  });

  it('measures the run’s checks share, and fails it on a run without checks', () => {
    // Passed: login 20, list items 2 × 145, add to cart 40; failed: add to cart 10.
    const share = (20 + 290 + 40) / (20 + 290 + 50);
    const [pass, fail] = evaluateThresholds(['checks > 97%', 'checks > 98%'], summary);
    expect(pass).toMatchObject({ passed: true, actual: share });
    expect(fail).toMatchObject({ passed: false, message: 'checks 97.2% (limit > 98%): failed' });
    const http = syntheticFlowRun({ seconds: 2 }).summary;
    delete http.flow;
    expect(evaluateThresholds(['checks > 1%'], http)[0]).toMatchObject({ passed: false, actual: null, message: 'checks: applies to flows only (their checks) (limit > 1%): failed' });
  });

  it('checks a step’s error count live, and leaves its other figures to the end', () => {
    const run = syntheticFlowRun({ seconds: 10 });
    const cartErrors = parseThreshold('errors{step:"add to cart"} < 4');
    expect(checkableLive(cartErrors)).toBe(true);
    expect(checkableLive(parseThreshold('p99{step:login} < 1ms'))).toBe(false);
    expect(checkableLive(parseThreshold('checks > 99%'))).toBe(false);
    const watch = new LiveThresholdWatch([parseThreshold('errors{step:"list items"} < 1'), cartErrors]);
    let breach = null;
    for (const s of run.samples) {
      breach = watch.add({ ...s, warmup: false });
      if (breach) break;
    }
    // Seconds 0, 1, 2 have 1, 2, 1 errors on "add to cart": the 4th error comes in second 2.
    expect(breach).toEqual({ index: 1, expression: 'errors{step:"add to cart"} < 4', atSec: 3, message: 'errors of step "add to cart" 4 so far (limit < 4)' });
  });
});
