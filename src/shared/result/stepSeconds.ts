// Merging a flow's seconds: the same second's per-step figures, iteration counts and iteration
// durations of several parts — the load workers of one run (runAccumulator.ts) or the shards of
// a sharded run (src/main/store/shardMerge.ts). Counts add, HdrHistograms add losslessly, so a
// merged step's percentiles are those of every part's requests together.
import type { IterationCounts, StepSecond } from '../runResult.ts';
import { createHistogram, encodeHistogram, mergeInto, type Histogram } from './histogramCodec.ts';

function addCounts<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>> | undefined): void {
  if (!from) return;
  for (const [k, n] of Object.entries(from) as Array<[K, number]>) into[k] = (into[k] ?? 0) + n;
}

/** Merges the same second's step figures of several workers (or two views of one second), by step name, in first-seen order. */
export function mergeStepSeconds(parts: ReadonlyArray<readonly StepSecond[] | undefined>): StepSecond[] | undefined {
  const byName = new Map<string, { s: StepSecond; h: Histogram | null; n: number }>();
  for (const list of parts) {
    for (const s of list ?? []) {
      const at = byName.get(s.step);
      if (!at) {
        byName.set(s.step, { s: { ...s, checks: { ...s.checks } }, h: null, n: 1 });
        continue;
      }
      const m = at.s;
      at.n++;
      m.count += s.count;
      m.errors += s.errors;
      if (s.errorsByKind) addCounts((m.errorsByKind = { ...m.errorsByKind }), s.errorsByKind);
      if (s.statusCodes) addCounts((m.statusCodes = { ...m.statusCodes }), s.statusCodes);
      m.checks.passed += s.checks.passed;
      m.checks.failed += s.checks.failed;
      if (s.outOfOrder) m.outOfOrder = (m.outOfOrder ?? 0) + s.outOfOrder;
      if (s.unmatched) m.unmatched = (m.unmatched ?? 0) + s.unmatched;
      if (s.checkCounts) {
        const base = m.checkCounts ?? [];
        m.checkCounts = s.checkCounts.map((c, i) => ({ passed: c.passed + (base[i]?.passed ?? 0), failed: c.failed + (base[i]?.failed ?? 0) }));
      }
      if (s.histogram) {
        if (!at.h) {
          at.h = createHistogram();
          if (m.histogram) mergeInto(at.h, m.histogram);
        }
        mergeInto(at.h, s.histogram);
      }
    }
  }
  if (byName.size === 0) return undefined;
  return [...byName.values()].map(({ s, h }) => (h ? { ...s, histogram: encodeHistogram(h) } : s));
}

/** Sums iteration counts (undefined when none of the parts has any). */
export function mergeIterations(parts: ReadonlyArray<IterationCounts | undefined>): IterationCounts | undefined {
  let out: IterationCounts | undefined;
  for (const p of parts) {
    if (!p) continue;
    out ??= { started: 0, completed: 0, abandoned: 0 };
    out.started += p.started;
    out.completed += p.completed;
    out.abandoned += p.abandoned;
  }
  return out;
}

/** Merges encoded histograms (undefined when none is given). */
export function mergeHistograms(parts: ReadonlyArray<string | undefined>): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined && p !== '');
  if (present.length <= 1) return present[0];
  const h = createHistogram();
  for (const p of present) mergeInto(h, p);
  return encodeHistogram(h);
}
