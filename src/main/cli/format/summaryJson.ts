// The run summary as the CLI's JSON output.
import type { RunSummary } from '../../../shared/runResult.ts';
import { noLatencyReason } from '../../../shared/comparison.ts';

/**
 * The summary, plus `latencyUnavailable` (the reason its latency figures mean nothing: "nothing
 * completed") only when they mean nothing. The numeric latencyUs fields stay as stored (0 from
 * an empty histogram, count 0) so scripts and `runs import` keep reading the same shape, and a
 * run with latencies prints exactly what `runs export` and the history hold; a script checks
 * `latencyUnavailable` (or latencyUs.count) before trusting a percentile.
 */
export function summaryJson(s: RunSummary): RunSummary & { latencyUnavailable?: string } {
  const reason = noLatencyReason(s);
  return reason === null ? s : { ...s, latencyUnavailable: reason };
}
