// Fills a database with many stored runs (a long-lived workbench's history), written straight
// into the run store before `barrage serve` opens it. A few distinct results are generated
// and reused with different dates, names, protocols and figures, which keeps seeding fast.
import { syntheticRun } from '../../fixtures/syntheticRun.ts';
import { openStore } from '../../../src/main/store/runStore.ts';
import type { RunRecord } from '../../../src/shared/history.ts';

export function seedRuns(dbFile: string, count: number): void {
  const store = openStore(dbFile);
  try {
    const base = Date.parse('2024-01-01T00:00:00Z');
    const templates = Array.from({ length: 8 }, (_, i) =>
      syntheticRun({ seconds: 4, protocol: i % 3 === 2 ? 'ws' : 'http', seed: i + 1, rate: 2000 + i * 1500, valuesPerSecond: 40 }),
    );
    for (let i = 0; i < count; i++) {
      const t = templates[i % templates.length];
      const startedAt = new Date(base + i * 60_000).toISOString();
      const endedAt = new Date(base + i * 60_000 + 4_000).toISOString();
      const record: RunRecord = {
        ...t,
        summary: {
          ...t.summary,
          startedAt,
          endedAt,
          // Distinct figures so sorting has something to sort.
          throughput: { ...t.summary.throughput, perSec: t.summary.throughput.perSec * (0.5 + ((i * 7919) % 1000) / 1000) },
        },
        scenarioId: null,
        scenarioName: `Seeded ${['checkout', 'search', 'feed', 'login'][i % 4]}`,
        groupId: null,
        tags: i % 10 === 0 ? ['nightly'] : [],
        notes: i % 97 === 0 ? 'seeded run with a note' : '',
        environment: { barrageVersion: '0.1.0', nodeVersion: '22', electronVersion: null, os: null, cpu: null, workers: 2, targetHost: '127.0.0.1:8080' },
      };
      store.insertRun(record);
    }
  } finally {
    store.close();
  }
}
