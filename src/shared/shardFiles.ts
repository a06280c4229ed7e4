// Shard result files merged from the app (the History view's drop zone and file picker): what a
// request may carry, the refusal of one that carries too much (naming the file), and what the
// main process tells the dialog about each file before it merges them.
//
// The limit is the transports': `barrage serve` carries one request in one WebSocket message of
// at most 16 MiB (src/main/serve/uiServer.ts), and the files' text travels JSON-escaped inside
// it (an export grows by about a tenth). Electron's IPC has no such ceiling, but one limit for
// both front doors keeps the app's behaviour the same in either. Larger sets merge with
// `barrage runs merge`, which reads files of any size.
import { z } from 'zod';
import { strictObject } from './strictObject.ts';

export const SHARD_FILES_MAX_CHARS = 12 * 1024 * 1024;
export const SHARD_FILES_MAX_COUNT = 1000;
const LIMIT_WORDS = `${SHARD_FILES_MAX_CHARS / 1024 / 1024} MiB`;
const ELSEWHERE = 'merge larger sets with barrage runs merge FILE…';

/** A file (name and size) that cannot be sent: one too large alone, or the one that takes the set past the limit. */
export function shardFilesSizeProblem(files: ReadonlyArray<{ name: string; size: number }>): string | null {
  if (files.length > SHARD_FILES_MAX_COUNT) return `${files.length.toLocaleString('en-US')} files: the app merges at most ${SHARD_FILES_MAX_COUNT.toLocaleString('en-US')} at once; ${ELSEWHERE}`;
  let total = 0;
  for (const f of files) {
    if (f.size > SHARD_FILES_MAX_CHARS) return `${f.name} is larger than ${LIMIT_WORDS} (${mib(f.size)}): the app merges up to ${LIMIT_WORDS} of shard files at once; ${ELSEWHERE}`;
    total += f.size;
    if (total > SHARD_FILES_MAX_CHARS) return `${f.name} takes the files past ${LIMIT_WORDS} in all (${mib(total)} so far): the app merges up to ${LIMIT_WORDS} of shard files at once; ${ELSEWHERE}`;
  }
  return null;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A merge request (runs.mergeShards, runs.previewShards): the files the renderer read, checked
 * in main by the contract; a set too large is refused naming the file, with no field prefix.
 */
export const shardMergeInputSchema = strictObject({
  files: z
    .array(strictObject({ name: z.string().min(1, { error: 'a file needs a name' }).max(500), text: z.string() }), { error: 'must be a list of files' })
    .min(1, { error: 'give at least one shard result file' }),
  name: z.string().trim().min(1, { error: 'cannot be empty' }).max(200, { error: 'is longer than 200 characters' }).optional(),
}).superRefine((input, ctx) => {
  const problem = shardFilesSizeProblem(input.files.map((f) => ({ name: f.name, size: f.text.length })));
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: [] });
});

/** One file as the merge dialog lists it. */
export interface ShardFilePreview {
  name: string;
  /** Characters of text read. */
  size: number;
  /** Shard K of N; null when the file holds no shard (or could not be read: see problem). */
  shard: { index: number; count: number } | null;
  scenarioName: string | null;
  protocol: string | null;
  /** When this shard's load began (ISO). */
  startedAt: string | null;
  /** Per-second samples the file holds. */
  samples: number;
  /** Why this file cannot be merged (not JSON, not a result, not a shard), in one line; null when it can. */
  problem: string | null;
}

export interface ShardSetPreview {
  files: ShardFilePreview[];
  /** Why the set does not merge (a file's problem, or the set's: different scenarios, a shard twice, missing, starts apart); null when it does. */
  problem: string | null;
  /** The merged run's default name: the scenario's. */
  name: string | null;
}
