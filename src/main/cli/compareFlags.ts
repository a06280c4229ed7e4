// The flags that tune a comparison, shared by `barrage compare` and `barrage ab`.
import type { ParseArgsConfig } from 'node:util';
import { DEFAULT_NOISE_THRESHOLD, type CompareOptions } from '../../shared/stats/index.ts';
import { integerOption } from './argParsing.ts';
import { UsageError } from './usageError.ts';

export const COMPARE_FLAGS = {
  'noise-throughput': { type: 'string' },
  'noise-latency': { type: 'string' },
  'min-seconds': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const COMPARE_FLAGS_HELP = `      --noise-throughput PCT
                          changes of throughput within ±PCT% are never called better or worse
                          (default ${DEFAULT_NOISE_THRESHOLD.throughput * 100})
      --noise-latency PCT the same for latency percentiles (default ${DEFAULT_NOISE_THRESHOLD.latency * 100})
      --min-seconds N     steady seconds a run needs for its figures to count (default 5, at least 3)`;

export function compareOptionsFrom(values: { 'noise-throughput'?: string; 'noise-latency'?: string; 'min-seconds'?: string }): CompareOptions {
  const throughput = percentOption(values['noise-throughput'], '--noise-throughput');
  const latency = percentOption(values['noise-latency'], '--noise-latency');
  const minSeconds = integerOption(values['min-seconds'], '--min-seconds');
  if (minSeconds !== undefined && (minSeconds < 3 || minSeconds > 3600)) throw new UsageError(`--min-seconds: must be between 3 and 3600, not ${minSeconds}`);
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
