// The run summary as the CLI's JSON output.
import type { RunSummary } from '../../../shared/runResult.ts';
import { noLatencyReason } from '../../../shared/comparison.ts';

/**
 * The summary plus `latencyUnavailable`: the reason its latency figures mean nothing ("nothing
 * completed"), or null. The numeric latencyUs fields stay as stored (0 from an empty histogram,
 * count 0) so scripts and `runs import` keep reading the same shape; a script must check
 * `latencyUnavailable` (or latencyUs.count) before trusting a percentile.
 */
export function summaryJson(s: RunSummary): RunSummary & { latencyUnavailable: string | null } {
  return { ...s, latencyUnavailable: noLatencyReason(s) };
}
