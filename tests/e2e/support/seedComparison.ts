// Two stored runs long enough for the statistics to answer (12 s each, 11 steady seconds): a
// baseline and a candidate with 25% more throughput and the same latencies, so the Compare view
// has a "better" verdict and "no clear difference" ones to show. The baseline's thresholds
// passed and the candidate's failed, for the History's SLO filter. Written straight into the
// run store before `barrage serve` opens it.
import { syntheticRun } from '../../fixtures/syntheticRun.ts';
import { openStore } from '../../../src/main/store/runStore.ts';
import type { RunRecord } from '../../../src/shared/history.ts';
import type { ThresholdResult } from '../../../src/shared/thresholds.ts';

export const SEEDED_BASELINE = 'Seeded checkout';
export const SEEDED_CANDIDATE = 'Seeded checkout v2';

export function seedComparison(dbFile: string): { baselineId: number; candidateId: number } {
  const store = openStore(dbFile);
  try {
    const make = (name: string, seed: number, rate: number, startedAt: string, thresholds: ThresholdResult[]): RunRecord => {
      const run = syntheticRun({ seconds: 12, seed, rate, startedAt, name, valuesPerSecond: 40 });
      return {
        ...run,
        summary: { ...run.summary, thresholds, notes: [] },
        scenarioId: null,
        scenarioName: name,
        groupId: null,
        tags: ['seeded'],
        notes: '',
        environment: { barrageVersion: '0.1.0', nodeVersion: '22', electronVersion: null, os: null, cpu: null, workers: 2, targetHost: '127.0.0.1:8080' },
      };
    };
    const passed: ThresholdResult = { expression: 'p99 < 250ms', metric: 'p99', actual: 30_000, limit: 250_000, unit: 'us', passed: true, message: 'p99 30 ms (limit < 250 ms): passed' };
    const failed: ThresholdResult = { expression: 'errors < 0.001%', metric: 'errors', actual: 0.0001, limit: 0.00001, unit: 'share', passed: false, message: 'errors 0.01% (limit < 0.001%): failed' };
    const baselineId = store.insertRun(make(SEEDED_BASELINE, 21, 10_000, '2025-01-10T10:00:00.000Z', [passed]));
    const candidateId = store.insertRun(make(SEEDED_CANDIDATE, 22, 12_500, '2025-01-10T10:05:00.000Z', [passed, failed]));
    return { baselineId, candidateId };
  } finally {
    store.close();
  }
}
