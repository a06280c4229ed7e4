// The plain-language line of each figure, shared by the CLI, the Compare view and the reports.
import { formatCount, formatUs } from '../units.ts';
import { describeP, type Verdict } from './verdict.ts';

export interface SentenceInput {
  name: string;
  unit: string;
  baseline: number | null;
  candidate: number | null;
  change: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  confidence: number;
  pValue: number | null;
  verdict: Verdict;
  /** Why the verdict is "no clear difference" or "inconclusive". */
  reason: string;
  /** What would make it conclusive, or how many rounds would detect a change; null when nothing to add. */
  remedy?: string | null;
}

/**
 * "p99 latency: 12.3 ms → 13.8 ms, 12.3% higher (95% CI +8.1% to +16.0%) — worse";
 * "throughput: inconclusive (baseline has 1 steady second; at least 2 needed) — runs need at least 4 s".
 */
export function comparisonSentence(s: SentenceInput): string {
  const remedy = s.remedy ? ` — ${s.remedy}` : '';
  if (s.verdict === 'inconclusive' || s.change === null || s.ciLow === null || s.ciHigh === null) {
    return `${s.name}: inconclusive${s.reason ? ` (${s.reason})` : ''}${remedy}`;
  }
  const values =
    s.baseline !== null && s.candidate !== null ? `${formatValue(s.baseline, s.unit)} → ${formatValue(s.candidate, s.unit)}, ` : '';
  const level = `${Number((s.confidence * 100).toFixed(1))}% CI`;
  const p = s.pValue === null ? '' : `, ${describeP(s.pValue)}`;
  const tail = s.verdict === 'no clear difference' && s.reason ? `no clear difference (${s.reason})` : s.verdict;
  return `${s.name}: ${values}${describeChange(s.change)} (${level} ${signedPercent(s.ciLow)} to ${signedPercent(s.ciHigh)}${p}) — ${tail}${s.verdict === 'no clear difference' ? remedy.replace(' — ', '; ') : ''}`;
}

export function formatValue(value: number, unit: string): string {
  // Rounded first: formatUs would show 999.6 µs as "1000 µs" rather than "1 ms".
  if (unit === 'µs') return formatUs(Math.round(value));
  return `${formatCount(value, Math.abs(value) < 100 ? 1 : 0)} ${unit}`;
}

/** "12.3% higher", "4.0% lower", "unchanged". */
export function describeChange(change: number): string {
  const pct = Math.abs(change * 100).toFixed(1);
  if (pct === '0.0') return 'unchanged';
  return `${pct}% ${change > 0 ? 'higher' : 'lower'}`;
}

/** "+8.1%", "-2.0%" (ASCII minus: the lines end up in CI logs and terminals of every kind). */
export function signedPercent(fraction: number): string {
  const text = (fraction * 100).toFixed(1);
  return `${fraction >= 0 || text === '-0.0' ? '+' : ''}${text === '-0.0' ? '0.0' : text}%`;
}
