// A flow run's per-step seconds in the history (schema 6, run_step_samples): written second by
// second as the run goes, read back into RunSample.steps, rebuilt into summary.flow for an
// interrupted run, carried by export and import; runs without steps keep their shape.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from '../../src/main/store/runStore.ts';
import { collectEnvironment } from '../../src/main/store/environment.ts';
import { exportRunsJson, parseRunFile } from '../../src/main/store/runExchange.ts';
import { syntheticFlowRun, syntheticRun } from '../fixtures/syntheticRun.ts';
import { tempDbPath } from '../fixtures/tempStore.ts';

const open: RunStore[] = [];
function store(file = tempDbPath()): RunStore {
  const s = openStore(file);
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe('flow runs in the history', () => {
  it('keeps every step of every second, appended live and with the result', () => {
    const s = store();
    const result = syntheticFlowRun({ seconds: 5 });
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1), startedAt: result.summary.startedAt });
    s.appendSamples(id, result.samples.slice(0, 2));
    const live = s.getRun(id)!;
    expect(live.samples).toEqual(result.samples.slice(0, 2));
    // The provisional summary's per-step figures are exact for the seconds stored so far.
    expect(live.summary.flow?.steps.map((x) => [x.name, x.count])).toEqual([['login', 20], ['list items', 21], ['add to cart', 10]]);
    s.finishRun(id, result);
    const back = s.getRun(id)!;
    expect(back.samples).toEqual(result.samples);
    expect(JSON.stringify(back.summary)).toBe(JSON.stringify(result.summary));
    const raw = new Database(s.file, { readonly: true });
    try {
      // Second 0 has login too: 3 + 4 × 2 rows, not duplicated by the second write.
      expect((raw.prepare('SELECT count(*) AS n FROM run_step_samples WHERE run_id = ?').get(id) as { n: number }).n).toBe(11);
    } finally {
      raw.close();
    }
  });

  it('rebuilds an interrupted flow run’s per-step figures from its stored seconds', () => {
    const s = store();
    const result = syntheticFlowRun({ seconds: 4 });
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1), startedAt: result.summary.startedAt });
    s.appendSamples(id, result.samples.slice(0, 3));
    // The writer is gone: a pid no process has, as after a kill.
    const raw = new Database(s.file);
    raw.prepare("UPDATE runs SET writer_pid = 2147483646, writer_token = 'gone' WHERE id = ?").run(id);
    raw.close();
    expect(s.recoverInterrupted()).toEqual([id]);
    const run = s.getRun(id)!;
    expect(run.summary.status).toBe('interrupted');
    const flow = run.summary.flow!;
    const listItems = flow.steps.find((x) => x.name === 'list items')!;
    expect(listItems.count).toBe(10 + 11 + 12);
    expect(listItems.latencyUs).toMatchObject({ count: 33, min: 1000 });
    expect(flow.steps.find((x) => x.name === 'add to cart')!.checks).toEqual([{ name: 'latency ≤ 50 ms', passed: 12, failed: 3 }]);
    expect(flow.iterations).toMatchObject({ started: 15, completed: 15, abandoned: 0 });
    expect(flow.data?.rows).toBe(2);
    expect(flow.data?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('travels through export and import; a step that is not one is refused by name', () => {
    const a = store();
    const result = syntheticFlowRun({ seconds: 3 });
    const id = a.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    a.finishRun(id, result);
    const text = exportRunsJson([a.getRun(id)!]);
    const [record] = parseRunFile(text, 'runs.json');
    const b = store();
    const imported = b.insertRun(record);
    expect(b.getRun(imported)!.samples).toEqual(result.samples);
    const broken = JSON.parse(text) as { runs: Array<{ samples: Array<{ steps: Array<Record<string, unknown>> }> }> };
    broken.runs[0].samples[1].steps[0].histogram = 'nope';
    expect(() => parseRunFile(JSON.stringify(broken), 'runs.json')).toThrow(/sample 2: step 1 \("list items"\): .*HdrHistogram/);
    const badCount = JSON.parse(text) as typeof broken;
    badCount.runs[0].samples[1].steps[0].outOfOrder = 'many';
    expect(() => parseRunFile(JSON.stringify(badCount), 'runs.json')).toThrow(/sample 2: step 1 \("list items"\): outOfOrder is not a count$/);
  });

  it('leaves runs without steps as they were', () => {
    const s = store();
    const result = syntheticRun({ seconds: 3 });
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    s.finishRun(id, result);
    const back = s.getRun(id)!;
    expect(back.samples).toEqual(result.samples);
    expect(back.samples.some((x) => 'steps' in x || 'iterations' in x)).toBe(false);
    expect(back.summary.flow).toBeUndefined();
  });
});

describe('a ws-send step’s answers out of order and unmatched (schema 8)', () => {
  it('are stored per second, merged over workers and summed into the step’s figures', async () => {
    const { flowFigures } = await import('../../src/shared/result/flowFigures.ts');
    const { mergeStepSeconds } = await import('../../src/shared/result/stepSeconds.ts');
    const { scenarioSchema } = await import('../../src/shared/scenario.ts');
    const scenario = scenarioSchema.parse({
      protocol: 'flow',
      url: 'http://127.0.0.1:9/',
      steps: [
        { type: 'ws-connect', name: 'connect', url: '/ws/rpc' },
        { type: 'ws-send', name: 'rpc', message: '{"id":{{seq}}}', expect: { match: { path: '$.id' }, timeoutMs: 1000 }, count: 4, inFlight: 4 },
      ],
    });
    if (scenario.protocol !== 'flow') throw new Error('not a flow');
    const base = syntheticRun();
    // Two workers' second 1: 3 + 4 out of order, 1 unmatched in the second worker only.
    const merged = mergeStepSeconds([
      [{ step: 'rpc', count: 40, errors: 0, checks: { passed: 0, failed: 0 }, outOfOrder: 3 }],
      [{ step: 'rpc', count: 40, errors: 0, checks: { passed: 0, failed: 0 }, outOfOrder: 4, unmatched: 1 }],
    ])!;
    expect(merged).toEqual([{ step: 'rpc', count: 80, errors: 0, checks: { passed: 0, failed: 0 }, outOfOrder: 7, unmatched: 1 }]);
    const samples = [
      { ...base.samples[0], t: 0, steps: [{ step: 'connect', count: 1, errors: 0, checks: { passed: 0, failed: 0 } }, { step: 'rpc', count: 40, errors: 0, checks: { passed: 0, failed: 0 }, outOfOrder: 2 }] },
      { ...base.samples[0], t: 1, steps: merged },
      // A second with only an unmatched message still has a row.
      { ...base.samples[0], t: 2, steps: [{ step: 'rpc', count: 0, errors: 0, checks: { passed: 0, failed: 0 }, unmatched: 2 }] },
    ];
    const flow = flowFigures({ scenario, samples, durationSec: 3 });
    expect(flow.steps.map((s) => s.ws)).toEqual([undefined, { outOfOrder: 9, unmatched: 3 }]);
    const s = store();
    const result = { ...base, config: scenario, samples, summary: { ...base.summary, protocol: 'flow' as const, flow } };
    const id = s.createRun({ config: scenario, environment: collectEnvironment(scenario, 1) });
    s.finishRun(id, result);
    const back = s.getRun(id)!;
    expect(back.samples.map((x) => x.steps)).toEqual(samples.map((x) => x.steps));
    expect(back.summary.flow!.steps[1].ws).toEqual({ outOfOrder: 9, unmatched: 3 });
  });
});
