// One rule for which runs of an A/B group count (src/shared/groupRuns.ts): the same group gets
// the same verdicts from `barrage compare --group`, the A/B report and the app's Compare view
// (its plan in src/renderer/src/compare/statistics.ts, then `runs.statistics` through the
// validating dispatcher). The group holds a stopped run and a failed run whose figures are far
// off the others': counted anywhere, they would change that place's figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_STATUSES } from '../src/shared/history.ts';
import { countsInGroup, groupRuns, leftOutNote } from '../src/shared/groupRuns.ts';
import type { GroupsComparison } from '../src/shared/comparison.ts';
import type { RunDetail } from '../src/shared/contract.ts';
import type { FigureComparison } from '../src/shared/stats/index.ts';
import { buildReport } from '../src/main/report/buildReport.ts';
import { escapeHtml } from '../src/main/report/escape.ts';
import { createAppServices } from '../src/main/app/appServices.ts';
import { openStore } from '../src/main/store/runStore.ts';
import { statisticsPlan } from '../src/renderer/src/compare/statistics.ts';
import { runCli } from './support/cliProcess.ts';
import { runAt, storeRun, withLatencyScaled } from './fixtures/storedRuns.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-group-rule-'));
const db = join(dir, 'history.db');
const GROUP = 'ab-rule';
const counted = { a: [] as number[], b: [] as number[] };
let stopped: number;
let failed: number;

beforeAll(() => {
  const store = openStore(db);
  try {
    for (let i = 0; i < 4; i++) {
      counted.a.push(storeRun(store, runAt(10 + 3 * i, { seed: 10 + i, seconds: 20, name: 'a' }), { groupId: GROUP, tags: ['ab', 'ab:A'] }));
      counted.b.push(storeRun(store, withLatencyScaled(runAt(11 + 3 * i, { seed: 20 + i, seconds: 20, name: 'b' }), 1.2), { groupId: GROUP, tags: ['ab', 'ab:B'] }));
    }
    // A stopped B run twice as fast as A, and a failed A run three times as slow.
    stopped = storeRun(store, withLatencyScaled(runAt(12, { seed: 30, seconds: 20, name: 'b', status: 'aborted' }), 0.5), { groupId: GROUP, tags: ['ab', 'ab:B'] });
    failed = storeRun(store, withLatencyScaled(runAt(15, { seed: 31, seconds: 20, name: 'a', status: 'failed' }), 3), { groupId: GROUP, tags: ['ab', 'ab:A'] });
  } finally {
    store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('which runs of a group count', () => {
  it('only completed runs', () => {
    expect(RUN_STATUSES.filter(countsInGroup)).toEqual(['completed']);
    const run = (id: number, side: 'A' | 'B', status: (typeof RUN_STATUSES)[number], minute: number) => ({
      id,
      tags: ['ab', `ab:${side}`],
      summary: { status, startedAt: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString() },
    });
    const g = groupRuns([run(4, 'B', 'completed', 4), run(1, 'A', 'completed', 1), run(2, 'B', 'aborted', 2), run(3, 'A', 'interrupted', 3), run(5, 'A', 'completed', 5)]);
    expect(g.a.map((r) => r.id)).toEqual([1, 5]);
    expect(g.b.map((r) => r.id)).toEqual([4]);
    expect(g.leftOut.map((r) => r.id)).toEqual([2, 3]);
    expect(leftOutNote(g.leftOut)).toBe('2 runs left out, only completed runs count (stopped: #2; interrupted: #3)');
    expect(leftOutNote([])).toBe('');
  });
});

describe('the same group gives the same verdicts in the CLI, the report and the app', () => {
  let cli: GroupsComparison;
  let app: FigureComparison[];
  let report: string;

  beforeAll(async () => {
    const r = await runCli(['compare', '--group', GROUP, '--json', '--db', db]);
    expect(r.stderr).toContain(`barrage compare: 2 runs left out, only completed runs count (stopped: #${stopped}; failed: #${failed})`);
    expect(r.code).toBe(3);
    cli = JSON.parse(r.stdout) as GroupsComparison;

    const store = openStore(db);
    try {
      report = buildReport(store, { groupId: GROUP }).content;
    } finally {
      store.close();
    }

    const services = createAppServices({ dbPath: db, transport: 'browser', engine: { workers: 1 } });
    try {
      const call = async <T,>(channel: string, input: unknown): Promise<T> => {
        const res = await services.dispatch(channel, input);
        if (!res.ok) throw new Error(res.error.message);
        return res.value as T;
      };
      // What Compare does when the user opens every run of the group.
      const details = await call<RunDetail[]>('runs.compare', [...counted.a, ...counted.b, stopped, failed]);
      const plan = statisticsPlan(details);
      expect(plan).toHaveLength(1);
      expect(plan[0].request).toEqual({ groupA: counted.a, groupB: counted.b });
      expect(plan[0].title).toContain('2 runs left out');
      app = await call<FigureComparison[]>('runs.statistics', plan[0].request);
    } finally {
      await services.close();
    }
  });

  it('the CLI compares the completed runs only', () => {
    expect(cli.runsA.map((r) => r.id)).toEqual(counted.a);
    expect(cli.runsB.map((r) => r.id)).toEqual(counted.b);
    // Known answer: B's latencies are 20% higher than A's.
    expect(cli.verdicts.find((v) => v.figure === 'p50')?.verdict).toBe('worse');
  });

  it('the app gets the CLI verdicts, figure by figure', () => {
    expect(app).toEqual(cli.verdicts);
  });

  it('the report shows the CLI verdicts and names the runs left out', () => {
    expect(report).toContain('4 runs of A, 4 runs of B, interleaved');
    expect(report).toContain(escapeHtml(`2 runs left out, only completed runs count (stopped: #${stopped}; failed: #${failed})`));
    for (const v of cli.verdicts) expect(report).toContain(escapeHtml(v.sentence));
  });
});
