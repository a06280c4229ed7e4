// `--shard K/N` and `--start-at TIME` of `barrage run`: one machine's part of a run spread over
// machines (docs/DISTRIBUTED.md), and the wall-clock instant at which every part starts.
import { UsageError } from './usageError.ts';

/** More shards than this is a typo, not a cluster (each shard holds at least one connection). */
export const MAX_SHARDS = 10_000;
/** A start instant this far in the past is refused: the shards would not line up. */
export const START_PAST_TOLERANCE_MS = 1000;
/** …and this far ahead: a typo in the date, not a plan. */
export const START_AHEAD_LIMIT_MS = 24 * 3600 * 1000;

export interface ShardFlag {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShardFlag(raw: string): ShardFlag {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  if (!m) throw new UsageError(`--shard: "${raw}" is not K/N (e.g. --shard 2/8: the second of 8 shards)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`--shard: "${raw}": the number of shards must be 1 to ${MAX_SHARDS.toLocaleString('en-US')}`);
  if (index < 1 || index > count) throw new UsageError(`--shard: "${raw}": the shard number must be 1 to ${count} (shards are numbered from 1)`);
  return { index, count };
}

/**
 * An instant as ISO 8601 with its zone (`2026-11-30T10:00:00Z`, `…+01:00`) or epoch milliseconds.
 * A time without a zone is refused: machines in different zones would read it differently.
 */
export function parseStartAt(raw: string, now = Date.now()): number {
  const text = raw.trim();
  let at: number;
  if (/^\d{10,16}$/.test(text)) at = Number(text);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) at = Date.parse(text);
  else throw new UsageError(`--start-at: "${raw}" is not a time (ISO 8601 with its zone, e.g. 2026-11-30T10:00:00Z, or epoch milliseconds)`);
  if (!Number.isFinite(at)) throw new UsageError(`--start-at: "${raw}" is not a valid time`);
  if (at < now - START_PAST_TOLERANCE_MS) {
    throw new UsageError(`--start-at: ${new Date(at).toISOString()} is ${formatGap(now - at)} in the past (at most 1 s late is accepted); give a time ahead of every shard's start`);
  }
  if (at > now + START_AHEAD_LIMIT_MS) throw new UsageError(`--start-at: ${new Date(at).toISOString()} is more than a day ahead (${formatGap(at - now)})`);
  return Math.round(at);
}

function formatGap(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
