// Each second's latency histogram (RunSample.histogram): kept by the store (schema 5), carried
// through export and import, refused on import when it is not a histogram, and left out of the
// jsonl stream — the group comparison's p99 merges them (stats/pooledTail.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from '../../src/main/store/runStore.ts';
import { collectEnvironment } from '../../src/main/store/environment.ts';
import { exportRunsJson, parseRunFile } from '../../src/main/store/runExchange.ts';
import { JsonlStream } from '../../src/main/ci/jsonlStream.ts';
import { createHistogram, encodeHistogram, histogramBuckets } from '../../src/shared/result/histogramCodec.ts';
import type { RunResult } from '../../src/shared/runResult.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';
import { tempDbPath, tempDir } from '../fixtures/tempStore.ts';

const open: RunStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function withHistograms(result: RunResult): RunResult {
  return {
    ...result,
    samples: result.samples.map((s, i) => {
      if (!s.latencyUs) return s;
      const h = createHistogram();
      h.recordValueWithCount(1000 + i, 10);
      h.recordValueWithCount(50_000 + i, 1);
      return { ...s, histogram: encodeHistogram(h) };
    }),
  };
}

describe('per-second histograms', () => {
  it('are stored with each second and read back unchanged, appended live or with the result', () => {
    const s = openStore(tempDbPath());
    open.push(s);
    const result = withHistograms(syntheticRun({ seconds: 6 }));
    result.samples[5] = { ...result.samples[5], latencyUs: null, throughput: 0, histogram: undefined };
    delete result.samples[5].histogram;
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    s.appendSamples(id, result.samples.slice(0, 3));
    expect(s.getRun(id)!.samples.map((x) => x.histogram)).toEqual(result.samples.slice(0, 3).map((x) => x.histogram));
    s.finishRun(id, result);
    const back = s.getRun(id)!;
    expect(back.samples).toEqual(result.samples);
    expect(back.samples[5].histogram).toBeUndefined();
    const buckets = histogramBuckets(back.samples[1].histogram!)!;
    expect([...buckets.counts]).toEqual([10, 1]);
  });

  it('travel through export and import, and a second whose histogram is not one is refused by name', () => {
    const s = openStore(tempDbPath());
    open.push(s);
    const result = withHistograms(syntheticRun({ seconds: 4 }));
    const id = s.createRun({ config: result.config, environment: collectEnvironment(result.config, 1) });
    s.finishRun(id, result);
    const text = exportRunsJson([s.getRun(id)!]);
    const [record] = parseRunFile(text, 'runs.json');
    expect(record.samples.map((x) => x.histogram)).toEqual(result.samples.map((x) => x.histogram));
    const broken = JSON.parse(text) as { runs: Array<{ samples: Array<{ histogram?: string }> }> };
    broken.runs[0].samples[2].histogram = 'not a histogram';
    expect(() => parseRunFile(JSON.stringify(broken), 'runs.json')).toThrow(/sample 3: histogram is not an HdrHistogram/);
  });

  it('stay out of the jsonl stream (they are for merging inside Barrage)', () => {
    const file = path.join(tempDir(), 'run.jsonl');
    const out = new JsonlStream(file);
    const [sample] = withHistograms(syntheticRun({ seconds: 2 })).samples;
    expect(sample.histogram).toBeDefined();
    out.second(1, { sample, elapsedSec: 1, plannedSec: 2, totals: { throughput: 1, errors: 0 } });
    out.close();
    const line = JSON.parse(fs.readFileSync(file, 'utf8').trim()) as Record<string, unknown>;
    expect(line.type).toBe('sample');
    expect(line.throughput).toBe(sample.throughput);
    expect('histogram' in line).toBe(false);
  });
});
