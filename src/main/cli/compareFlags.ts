// The flags that tune a comparison, shared by `barrage compare` and `barrage ab`.
import type { ParseArgsConfig } from 'node:util';
import { DEFAULT_NOISE_THRESHOLD, type CompareOptions } from '../../shared/stats/index.ts';
import type { ComparisonOutcome } from '../../shared/comparison.ts';
import { integerOption } from './argParsing.ts';
import { EXIT } from './exitCodes.ts';
import { UsageError } from './usageError.ts';

export const COMPARE_FLAGS = {
  'noise-throughput': { type: 'string' },
  'noise-latency': { type: 'string' },
  'min-seconds': { type: 'string' },
  'fail-on-inconclusive': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const COMPARE_FLAGS_HELP = `      --noise-throughput PCT
                          changes of throughput within ±PCT% are never called better or worse
                          (default ${DEFAULT_NOISE_THRESHOLD.throughput * 100})
      --noise-latency PCT the same for latency percentiles (default ${DEFAULT_NOISE_THRESHOLD.latency * 100})
      --min-seconds N     steady seconds a run needs for its figures to count (default 2, at least 2)
      --fail-on-inconclusive
                          exit 3 (as for worse) when a figure could not be judged, instead of 4`;

export function compareOptionsFrom(values: { 'noise-throughput'?: string; 'noise-latency'?: string; 'min-seconds'?: string }): CompareOptions {
  const throughput = percentOption(values['noise-throughput'], '--noise-throughput');
  const latency = percentOption(values['noise-latency'], '--noise-latency');
  const minSeconds = integerOption(values['min-seconds'], '--min-seconds');
  if (minSeconds !== undefined && (minSeconds < 2 || minSeconds > 3600)) throw new UsageError(`--min-seconds: must be between 2 and 3600, not ${minSeconds}`);
  return {
    noiseThreshold: {
      throughput: throughput ?? DEFAULT_NOISE_THRESHOLD.throughput,
      latency: latency ?? DEFAULT_NOISE_THRESHOLD.latency,
    },
    ...(minSeconds !== undefined ? { minSteadySeconds: minSeconds } : {}),
  };
}

/** "3" or "3%" → 0.03. */
function percentOption(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim().replace(/%$/, '');
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: "${raw}" is not a percentage (e.g. 5 or 5%)`);
  if (n < 0 || n > 1000) throw new UsageError(`${flag}: must be between 0 and 1000 (percent), not ${raw}`);
  return n / 100;
}

/**
 * The exit code of a comparison: 3 when a figure got worse; 4 when none did but some figure could
 * not be judged (3 with --fail-on-inconclusive); 0 when every figure was judged and none got worse.
 */
export function comparisonExitCode(outcome: ComparisonOutcome, failOnInconclusive: boolean | undefined): number {
  if (outcome === 'worse') return EXIT.worse;
  if (outcome === 'inconclusive') return failOnInconclusive ? EXIT.worse : EXIT.inconclusive;
  return EXIT.ok;
}
