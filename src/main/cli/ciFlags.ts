// The report files CI asks for (`--junit FILE`, `--summary-md FILE`) and the streaming outputs
// (`--out jsonl=FILE|-`), shared by `barrage run`, `compare` and `ab`. Paths are checked before a
// run starts, so a typo in a pipeline fails in a second rather than after a 10-minute run.
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './usageError.ts';

export const REPORT_FLAGS = {
  junit: { type: 'string' },
  'summary-md': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const REPORT_FLAGS_HELP = `      --junit FILE        write a JUnit XML report for CI test reporters (Jenkins, GitLab, GitHub)
      --summary-md FILE   write a Markdown summary (e.g. "$GITHUB_STEP_SUMMARY", a merge-request note)`;

export interface ReportFiles {
  junit?: string;
  summaryMd?: string;
}

export function reportFilesFrom(values: { junit?: string; 'summary-md'?: string }): ReportFiles {
  const files: ReportFiles = {};
  if (values.junit !== undefined) files.junit = checkWritable(values.junit, '--junit');
  if (values['summary-md'] !== undefined) files.summaryMd = checkWritable(values['summary-md'], '--summary-md');
  if (files.junit && files.junit === files.summaryMd) throw new UsageError('--junit and --summary-md name the same file');
  return files;
}

/** Writes the reports asked for; a file that cannot be written is one line on stderr and `false`. */
export function writeReports(command: string, files: ReportFiles, build: { junit: () => string; markdown: () => string }): boolean {
  let ok = true;
  const write = (path: string | undefined, flag: string, text: () => string) => {
    if (path === undefined) return;
    try {
      writeFileSync(path, text());
    } catch (err) {
      process.stderr.write(`barrage ${command}: ${flag}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
      ok = false;
    }
  };
  write(files.junit, '--junit', build.junit);
  write(files.summaryMd, '--summary-md', build.markdown);
  return ok;
}

/**
 * `--out jsonl=FILE` / `--out jsonl=-`: the per-second stream; `--out FILE` (a name without
 * `KIND=`) or `--out result=FILE`: the complete result file (runExchange.ts's format, the unit
 * shards of a run are merged from).
 */
export interface StreamTargets {
  jsonl?: string;
  result?: string;
}

const OUT_KINDS = ['jsonl', 'result'] as const;

export function streamTargetsFrom(list: readonly string[] | undefined): StreamTargets {
  const targets: StreamTargets = {};
  for (const raw of list ?? []) {
    const eq = raw.indexOf('=');
    // A plain file name is the result file; a bare kind ("jsonl") is a kind that lacks its file.
    const bareFile = eq < 0 && !(OUT_KINDS as readonly string[]).includes(raw);
    const kind = bareFile ? 'result' : eq < 0 ? raw : raw.slice(0, eq);
    const target = bareFile ? raw : eq < 0 ? '' : raw.slice(eq + 1);
    if (!(OUT_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`--out: unknown output "${kind}" in "${raw}" (known: FILE or result=FILE for the result, jsonl=FILE; - for stdout)`);
    }
    if (target === '') throw new UsageError(`--out: "${raw}" names no file (write ${kind}=FILE${kind === 'jsonl' ? `, or ${kind}=- for stdout` : ''})`);
    const k = kind as (typeof OUT_KINDS)[number];
    if (targets[k] !== undefined) throw new UsageError(`--out: ${k === 'result' ? 'a result file' : k} is given twice`);
    if (k === 'result' && target === '-') throw new UsageError('--out: the result goes to stdout with --json --full, not --out -');
    targets[k] = target === '-' ? '-' : checkWritable(target, k === 'result' ? '--out' : '--out jsonl');
  }
  if (targets.result !== undefined && targets.result === targets.jsonl) throw new UsageError('--out: the result file and jsonl= name the same file');
  return targets;
}

/** The path, absolute, when its directory exists and is writable (the file itself is not touched). */
function checkWritable(path: string, flag: string): string {
  if (path.trim() === '') throw new UsageError(`${flag}: no file name given`);
  const full = resolve(path);
  try {
    if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${flag}: ${path} is a directory, not a file`);
    accessSync(dirname(full), constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${flag}: cannot write ${path} (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as NodeJS.ErrnoException).code})`);
  }
  return full;
}
