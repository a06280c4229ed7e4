// The app's flow requests (issue #12) through the validating dispatcher — the path of Electron
// IPC and of `barrage serve` alike: a data file's text read by the CLI's own loader
// (flows.parseData), and steps of the same name compared with the CLI's per-step statistics
// (runs.compareSteps).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/app/appServices.ts';
import { readDataFile } from '../../src/main/flowData/dataFile.ts';
import type { ParsedDataFile } from '../../src/shared/contract.ts';
import { flowFigures } from '../../src/shared/result/flowFigures.ts';
import { createHistogram, encodeHistogram } from '../../src/shared/result/histogramCodec.ts';
import type { RunResult } from '../../src/shared/runResult.ts';
import type { FlowScenario } from '../../src/shared/scenario.ts';
import { compareSteps, type StepsComparison } from '../../src/shared/stepCompare.ts';
import { storeRun, runAt } from '../fixtures/storedRuns.ts';
import { syntheticFlowRun } from '../fixtures/syntheticRun.ts';

const USERS_CSV = fileURLToPath(new URL('../../examples/users.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'barrage-flow-app-api-'));
let services: AppServices;

async function call<T>(channel: string, input?: unknown): Promise<T> {
  const r = await services.dispatch(channel, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
}
async function failure(channel: string, input?: unknown): Promise<string> {
  const r = await services.dispatch(channel, input);
  if (r.ok) throw new Error(`${channel} succeeded`);
  return r.error.message;
}

/** A synthetic flow run whose "add to cart" takes `cartUs` (the other steps as the fixture has them). */
function flowRun(minutes: number, cartUs: number): RunResult {
  const run = syntheticFlowRun({ seconds: 20, startedAt: new Date(Date.UTC(2025, 2, 14, 9, minutes)).toISOString() });
  run.samples = run.samples.map((s) => ({
    ...s,
    steps: s.steps!.map((x) => {
      if (x.step !== 'add to cart') return x;
      const h = createHistogram();
      h.recordValueWithCount(cartUs + (s.t % 3) * 10, 5);
      return { ...x, histogram: encodeHistogram(h) };
    }),
  }));
  run.summary.flow = flowFigures({ scenario: run.config as FlowScenario, samples: run.samples, durationSec: 20 });
  return run;
}

const ids: Record<string, number> = {};
beforeAll(() => {
  services = createAppServices({ dbPath: join(dir, 'app.db'), transport: 'browser', engine: { workers: 1 } });
  const store = services.context.store;
  ids.before = storeRun(store, flowRun(0, 2000));
  ids.after = storeRun(store, flowRun(1, 2600)); // +30% on "add to cart" only
  ids.http = storeRun(store, runAt(3, { seed: 1, name: 'plain' }));
});
afterAll(async () => {
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('flows.parseData', () => {
  it('reads the example users file as barrage run --scenario reads it: 100 rows, the columns, the same hash', async () => {
    const parsed = await call<ParsedDataFile>('flows.parseData', { name: 'users.csv', text: readFileSync(USERS_CSV, 'utf8') });
    const cli = readDataFile(USERS_CSV);
    expect(parsed).toMatchObject({ name: 'users.csv', format: 'csv', rowCount: 100, columns: ['user', 'password'], sha256: cli.sha256 });
    expect(parsed.rows[0]).toEqual({ user: 'user1', password: 'pw-user1' });
    expect(parsed.rows).toEqual(cli.rows);
  });

  it('takes JSON rows, and the format given over the name', async () => {
    const text = '[{"user":"a","n":1},\n {"user":"b","n":2}]';
    const parsed = await call<ParsedDataFile>('flows.parseData', { name: 'pasted', text, format: 'json' });
    expect(parsed).toMatchObject({ format: 'json', rowCount: 2, columns: ['user', 'n'] });
  });

  it('refuses a malformed file naming the file and the line, an unknown format, and a bad request naming the field', async () => {
    expect(await failure('flows.parseData', { name: 'users.csv', text: 'user,password\nu1,p1\nu2\n' })).toBe(
      'users.csv: line 3: the row has 1 column; the header has 2 (user, password)',
    );
    expect(await failure('flows.parseData', { name: 'users.json', text: '[{"user":"a"},\n{"name":"b"}]' })).toBe('users.json: line 2 (row 2): has columns name; row 1 has user');
    expect(await failure('flows.parseData', { name: 'users.txt', text: 'user\nu1\n' })).toBe('users.txt: cannot tell the format from the name; choose CSV or JSON');
    expect(await failure('flows.parseData', { name: 'users.csv', text: 'user,password\n' })).toBe('users.csv: has no rows (a data file needs at least one)');
    expect(await failure('flows.parseData', { name: '', text: 'a\n1' })).toMatch(/^name: is required/);
  });
});

describe('runs.compareSteps', () => {
  it('gives exactly the per-step comparison of barrage compare: the slower step worse, the others not', async () => {
    const steps = await call<StepsComparison>('runs.compareSteps', { ids: [ids.before, ids.after] });
    const store = services.context.store;
    expect(steps).toEqual(JSON.parse(JSON.stringify(compareSteps([store.getRun(ids.before)!, store.getRun(ids.after)!]))));
    expect(steps.steps.map((s) => s.step)).toEqual(['login', 'list items', 'add to cart']);
    const verdict = (step: string, figure: string) => steps.steps.find((s) => s.step === step)!.comparison.pairs[0].verdicts.find((v) => v.figure === figure)!.verdict;
    expect(verdict('add to cart', 'p50')).toBe('worse');
    expect(verdict('list items', 'p50')).not.toBe('worse');
  });

  it('is null when a run is not a flow; refuses missing and repeated runs', async () => {
    expect(await call('runs.compareSteps', { ids: [ids.before, ids.http] })).toBeNull();
    expect(await failure('runs.compareSteps', { ids: [ids.before, 9999] })).toBe('run 9999 does not exist');
    expect(await failure('runs.compareSteps', { ids: [ids.before, ids.before] })).toBe(`run ${ids.before} is given twice`);
    expect(await failure('runs.compareSteps', { ids: [ids.before] })).toMatch(/ids: give at least two run ids/);
  });
});
