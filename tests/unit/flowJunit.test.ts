// JUnit of a flow run: one test case per check of each step (failed with how often it failed,
// skipped when it never ran) and step thresholds filed under their step.
import { describe, expect, it } from 'vitest';
import { runJunitXml } from '../../src/main/ci/junitReport.ts';
import { evaluateThresholds } from '../../src/shared/thresholds.ts';
import { syntheticFlowRun } from '../fixtures/syntheticRun.ts';
import { readJunit } from '../support/junitReader.ts';

describe('JUnit for a flow run', () => {
  it('has a case per check and per step threshold', () => {
    const run = syntheticFlowRun({ seconds: 10 });
    run.summary.thresholds = evaluateThresholds(['p99{step:"list items"} < 3ms', 'checks > 99%'], run.summary);
    // A check that never ran: neither passed nor failed.
    run.summary.flow!.steps[1].checks[1] = { ...run.summary.flow!.steps[1].checks[1], passed: 0, failed: 0 };
    const { totals, cases } = readJunit(runJunitXml(run.summary, { runId: 3, name: 'shop flow', url: run.config.url }));
    expect(totals).toEqual({ tests: 7, failures: 2, skipped: 1 });
    expect(cases.map((c) => [c.className, c.name, c.failure?.type ?? 'passed'])).toEqual([
      ['barrage.shop_flow', 'run completed', 'passed'],
      ['barrage.shop_flow.steps.list_items.thresholds', 'p99{step:"list items"} < 3ms', 'passed'],
      ['barrage.shop_flow.thresholds', 'checks > 99%', 'threshold'],
      ['barrage.shop_flow.steps.login.checks', 'login: status 200', 'passed'],
      ['barrage.shop_flow.steps.list_items.checks', 'list items: status 2xx', 'passed'],
      ['barrage.shop_flow.steps.list_items.checks', 'list items: $.items exists', 'passed'],
      ['barrage.shop_flow.steps.add_to_cart.checks', 'add to cart: latency ≤ 50 ms', 'check'],
    ]);
    expect(cases[6].failure!.message).toBe('check "latency ≤ 50 ms" of step "add to cart": 10 of 50 failed (80.00% passed)');
    expect(cases[3].out).toBe('check "status 200" of step "login": all 20 passed');
  });
});
