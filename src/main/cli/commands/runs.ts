// `barrage runs list|show|delete|redact|export|import|merge`: the run history from the terminal, on the
// same database as the desktop app (--db, $BARRAGE_DB, or the OS's default location).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseStatusWord, statusWord } from '../../../shared/runStatusWord.ts';
import { concurrencyOf, loadUnits, protocolOfUrl } from '../../../shared/scenario.ts';
import { formatCount, formatDuration, formatUs } from '../../../shared/units.ts';
import { resolveDbPath } from '../../store/dbLocation.ts';
import { ImportError, exportRunsCsv, exportRunsJson, importRunFile, mergeShardFiles } from '../../store/runExchange.ts';
import { MergeError } from '../../store/shardMerge.ts';
import type { RunStore } from '../../store/runStore.ts';
import { RUN_SORTS, RUN_STATUSES, type RunListItem, type RunSort, type StoredRun } from '../../../shared/history.ts';
import { integerOption } from '../argParsing.ts';
import { EXIT } from '../exitCodes.ts';
import { dispatchSubcommand, HISTORY_OPTIONS, type Subcommands } from '../subcommands.ts';
import { summaryTable } from '../format/summaryTable.ts';
import { summaryJson } from '../format/summaryJson.ts';
import { formatTable, localTime, type Column } from '../format/table.ts';
import { redactUrl } from '../../../shared/redact.ts';
import { writeOutputFile } from '../outputFile.ts';
import { UsageError } from '../usageError.ts';
import { withHistory } from '../history.ts';

export const RUNS_HELP = `Usage: barrage runs <command> [options]

Commands
  list                    stored runs, newest first
      --scenario NAME     runs of this scenario
      --tag T             runs with this tag
      --protocol P        http or ws
      --status S          running, completed, failed, stopped (stored as aborted)
                          or interrupted
      --search TEXT       in the scenario name, URL and notes
      --passed yes|no     runs whose thresholds all passed (yes) or of which one failed (no)
      --sort S            ${RUN_SORTS.join(', ')} (default newest)
      --limit N           at most N runs (default 20)
      --offset N          skip the first N
  show ID                 one run: configuration, environment and summary
  delete ID...            delete runs with their samples
  redact ID... | --all    replace the URL password and credential header values in stored
                          configurations by *** (as runs store them without --store-secrets;
                          for runs stored before that rule or with it), and those secrets
                          and any URL's credentials in the run's texts (failure reason,
                          notes, names); cannot be undone
  export ID...            write runs to a file or stdout
      --format F          json (everything, re-importable; default) or csv (per-second samples)
      --out FILE          file to write (default: stdout); never the history database itself
      --force             replace FILE if it exists
  import FILE...          read Barrage JSON exports, autocannon --json output, k6 --summary-export
                          files or Artillery --output reports (marked as imported from that tool)
      --url URL           the target of a k6 or Artillery run (their reports do not name it)
      --name NAME         a scenario name for the imported k6 or Artillery run
  merge FILE...           merge the result files of a sharded run (barrage run --shard K/N
                          --out FILE, one per shard) into one stored run: per-second counts
                          and latency histograms summed second by second (exact percentiles);
                          refuses shards of different scenarios, a shard given twice or
                          missing, and shards that started more than 1 s apart
      --name NAME         the merged run's scenario name (default: the scenario's)

Options
      --db FILE           the database (default: $BARRAGE_DB, else ${friendlyDefault()})
      --json              list, show and import: print JSON (import: [{file, id, duplicate, source}])
  -h, --help              this help

Exit codes: 0 done, 1 a run or file was not found or could not be stored, 2 bad input.
`;

const COMMON = HISTORY_OPTIONS;

export function main(args: string[]): Promise<number> {
  return dispatchSubcommand('runs', RUNS_HELP, SUBCOMMANDS, args);
}

const SUBCOMMANDS: Subcommands = {
  list: listCommand,
  show: showCommand,
  delete: deleteCommand,
  redact: redactCommand,
  export: exportCommand,
  import: importCommand,
  merge: mergeCommand,
};

async function listCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON,
      scenario: { type: 'string' },
      tag: { type: 'string' },
      protocol: { type: 'string' },
      status: { type: 'string' },
      search: { type: 'string' },
      passed: { type: 'string' },
      sort: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
    },
  });
  if (values.help) return help();
  noPositionals(positionals);
  const protocol = values.protocol;
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'ws') throw new UsageError(`--protocol: "${protocol}" is not http or ws`);
  const status = values.status === undefined ? undefined : parseStatusWord(values.status);
  if (values.status !== undefined && status === undefined) {
    throw new UsageError(`--status: "${values.status}" is not one of ${RUN_STATUSES.map(statusWord).join(', ')}`);
  }
  const passed = values.passed === undefined ? undefined : yesNo(values.passed, '--passed');
  const sort = values.sort;
  if (sort !== undefined && !RUN_SORTS.includes(sort as RunSort)) throw new UsageError(`--sort: "${sort}" is not one of ${RUN_SORTS.join(', ')}`);
  const limit = integerOption(values.limit, '--limit') ?? 20;
  const offset = integerOption(values.offset, '--offset') ?? 0;
  if (limit < 1) throw new UsageError(`--limit: must be at least 1`);
  if (offset < 0) throw new UsageError(`--offset: must be at least 0`);
  return withHistory(values.db, (store) => {
    const list = store.listRuns({
      scenario: values.scenario,
      tag: values.tag,
      protocol,
      status,
      text: values.search,
      passed,
      sort: sort as RunSort | undefined,
      limit,
      offset,
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return EXIT.ok;
    }
    if (list.total === 0) {
      const filtered = [values.scenario, values.tag, protocol, status, values.search, passed].some((v) => v !== undefined);
      process.stdout.write(filtered ? 'No stored runs match.\n' : `No runs stored in ${store.file} yet.\n`);
      return EXIT.ok;
    }
    process.stdout.write(runTable(list.runs));
    if (list.total > list.runs.length) {
      const from = offset + 1;
      process.stdout.write(`\nRuns ${from}–${offset + list.runs.length} of ${list.total}; --limit and --offset show others.\n`);
    }
    return EXIT.ok;
  });
}

async function showCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
  if (values.help) return help();
  if (positionals.length !== 1) throw new UsageError('show takes one run id: barrage runs show ID');
  const id = runId(positionals[0]);
  return withHistory(values.db, (store) => {
    const run = store.getRun(id);
    if (!run) return notFound(store, [id]);
    process.stdout.write(values.json ? `${JSON.stringify({ ...run, summary: summaryJson(run.summary) }, null, 2)}\n` : showRun(run));
    return EXIT.ok;
  });
}

async function deleteCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
  if (values.help) return help();
  const ids = runIds(positionals, 'delete ID...');
  return withHistory(values.db, (store) => {
    const deleted = store.deleteRuns(ids);
    if (deleted.length > 0) process.stdout.write(`Deleted ${deleted.length === 1 ? 'run' : 'runs'} ${deleted.join(', ')}.\n`);
    const missing = ids.filter((id) => !deleted.includes(id));
    return missing.length > 0 ? notFound(store, missing) : EXIT.ok;
  });
}

async function redactCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...COMMON, all: { type: 'boolean' } } });
  if (values.help) return help();
  if (values.all && positionals.length > 0) throw new UsageError('give run ids or --all, not both');
  const ids = values.all ? undefined : runIds(positionals, 'redact ID... (or --all)');
  return withHistory(values.db, (store) => {
    const missing = (ids ?? []).filter((id) => !store.getRun(id));
    const changed = store.redactSecrets(ids?.filter((id) => !missing.includes(id)));
    process.stdout.write(changed.length > 0 ? `Redacted the secrets of ${changed.length === 1 ? 'run' : 'runs'} ${changed.join(', ')}.\n` : 'No stored run held a secret.\n');
    return missing.length > 0 ? notFound(store, missing) : EXIT.ok;
  });
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON, format: { type: 'string' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' } },
  });
  if (values.help) return help();
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new UsageError(`--format: "${format}" is not json or csv`);
  const ids = runIds(positionals, 'export ID... [--format json|csv] [--out FILE]');
  return withHistory(values.db, (store) => {
    const runs = ids.map((id) => store.getRun(id));
    const missing = ids.filter((_, i) => runs[i] === undefined);
    // All or nothing: a partial export would pass for a complete one.
    if (missing.length > 0) return notFound(store, missing);
    const found = runs as StoredRun[];
    const text = format === 'json' ? exportRunsJson(found) : exportRunsCsv(found);
    if (values.out === undefined) {
      process.stdout.write(text);
      return EXIT.ok;
    }
    writeOutputFile(values.out, text, { flag: '--out', force: !!values.force, database: store.file });
    process.stdout.write(`Exported ${plural(found.length, 'run')} to ${values.out} (${format}).\n`);
    return EXIT.ok;
  });
}

async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...COMMON, url: { type: 'string' }, name: { type: 'string' } } });
  if (values.url !== undefined && protocolOfUrl(values.url) === undefined) throw new UsageError(`--url: "${values.url}" is not an http(s) or ws(s) URL`);
  if (values.help) return help();
  if (positionals.length === 0) throw new UsageError('import needs at least one file: barrage runs import FILE...');
  return withHistory(values.db, (store) => {
    let rejected = false;
    // --json: one document listing every run read, for scripts (`… --json | jq '.[0].id'`).
    const imported: Array<{ file: string; id: number; duplicate: boolean; source: string }> = [];
    for (const file of positionals) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        process.stderr.write(`barrage runs: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
        rejected = true;
        continue;
      }
      try {
        const endedAt = fs.statSync(file).mtime;
        for (const outcome of importRunFile(store, text, file, { url: values.url, name: values.name, endedAt })) {
          imported.push({ file, ...outcome });
          if (values.json) continue;
          const from = outcome.source === 'barrage' ? '' : ` (from ${outcome.source})`;
          process.stdout.write(
            outcome.duplicate ? `${file}: already stored as run ${outcome.id}\n` : `${file}: imported as run ${outcome.id}${from}\n`,
          );
        }
      } catch (err) {
        if (!(err instanceof ImportError)) throw err;
        process.stderr.write(`barrage runs: ${err.message.split('\n').join('\n  ')}\n`);
        rejected = true;
      }
    }
    if (values.json) process.stdout.write(`${JSON.stringify(imported, null, 2)}\n`);
    // A file that cannot be imported is bad input, like a bad scenario file.
    return rejected ? EXIT.usage : EXIT.ok;
  });
}

async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...COMMON, name: { type: 'string' } } });
  if (values.help) return help();
  if (positionals.length === 0) throw new UsageError('merge needs the shards\' result files: barrage runs merge FILE...');
  if (values.name !== undefined && values.name.trim() === '') throw new UsageError('--name: cannot be empty');
  const files = positionals.map((file) => {
    try {
      return { name: file, text: fs.readFileSync(file, 'utf8') };
    } catch (err) {
      throw new UsageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  });
  return withHistory(values.db, (store) => {
    let outcome;
    try {
      outcome = mergeShardFiles(store, files, { name: values.name?.trim() });
    } catch (err) {
      if (err instanceof ImportError || err instanceof MergeError) throw new UsageError(err.message.split('\n').join('\n  '));
      throw err;
    }
    if (values.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    else if (outcome.duplicate) process.stdout.write(`These ${outcome.shards} shards were merged before: run ${outcome.id} (barrage runs show ${outcome.id})\n`);
    else process.stdout.write(`Merged ${outcome.shards} shards into run ${outcome.id} (barrage runs show ${outcome.id})\n`);
    return EXIT.ok;
  });
}

function runTable(runs: RunListItem[]): string {
  // The thresholds' outcome only when a run listed has thresholds.
  const slo: Array<Column<RunListItem>> = runs.some((r) => r.thresholdsPassed !== null)
    ? [{ header: 'SLO', value: (r) => (r.thresholdsPassed === null ? '–' : r.thresholdsPassed ? 'pass' : 'FAIL') }]
    : [];
  return formatTable(runs, [
    { header: 'ID', value: (r) => String(r.id), align: 'right' },
    { header: 'STARTED', value: (r) => localTime(r.startedAt) },
    { header: 'STATUS', value: (r) => statusWord(r.status) },
    { header: 'SCENARIO', value: (r) => r.scenarioName ?? '–', max: 24 },
    { header: 'TARGET', value: (r) => redactUrl(r.url), max: 44 },
    { header: 'REQ|MSG/S', value: (r) => formatCount(r.throughputPerSec, 1), align: 'right' },
    { header: 'P50', value: (r) => formatUs(r.p50Us), align: 'right' },
    { header: 'P99', value: (r) => formatUs(r.p99Us), align: 'right' },
    { header: 'ERRORS', value: (r) => formatCount(r.errorsTotal), align: 'right' },
    { header: 'DURATION', value: (r) => (r.durationSec === null ? '–' : formatDuration(r.durationSec)), align: 'right' },
    ...slo,
    { header: 'TAGS', value: (r) => r.tags.join(','), max: 30 },
  ]);
}

function showRun(run: StoredRun): string {
  const c = run.config;
  const e = run.environment;
  const rows: Array<[string, string]> = [
    ['Scenario', run.scenarioName ?? c.name ?? '–'],
    ['Target', `${c.protocol === 'http' ? `${c.method} ` : ''}${redactUrl(c.url)}`],
    ['Started', localTime(run.summary.startedAt)],
    ['Ended', run.summary.status === 'running' ? 'still running' : localTime(run.summary.endedAt)],
    ['Load', loadLine(run)],
  ];
  if (run.groupId) rows.push(['Group', run.groupId]);
  if (run.tags.length) rows.push(['Tags', run.tags.join(', ')]);
  if (run.notes) rows.push(['Notes', run.notes]);
  rows.push(['Environment', environmentLine(e)]);
  rows.push(['Samples', `${plural(run.samples.length, 'second')} (barrage runs export ${run.id} --format csv)`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const head = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
  return `${summaryTable(run.summary, `Run ${run.id}`, c.url)}\n${head}\n`;
}

function loadLine(run: StoredRun): string {
  const c = run.config;
  const parts = [`${formatCount(concurrencyOf(c))} ${loadUnits(c).concurrency}`];
  if (c.durationSec !== undefined) parts.push(`${formatDuration(c.durationSec)}`);
  if (c.amount !== undefined) parts.push(`${formatCount(c.amount)} ${loadUnits(c).amount}`);
  if (c.rate !== undefined) parts.push(`rate ${formatCount(c.rate)}/s`);
  if (c.protocol === 'http' && c.pipelining > 1) parts.push(`pipelining ${c.pipelining}`);
  if (c.protocol === 'ws') parts.push(`${c.mode} mode`);
  return parts.join(', ');
}

function environmentLine(e: StoredRun['environment']): string {
  if (e.importedFrom) return `imported from ${e.importedFrom}${e.workers ? `, ${plural(e.workers, 'worker')}` : ''}`;
  const parts = [
    e.barrageVersion ? `Barrage ${e.barrageVersion}` : null,
    e.nodeVersion ? `Node ${e.nodeVersion}` : null,
    e.electronVersion ? `Electron ${e.electronVersion}` : null,
    e.os ? `${e.os.platform} ${e.os.release} ${e.os.arch}` : null,
    e.cpu ? `${e.cpu.count} × ${e.cpu.model}` : null,
    e.workers ? plural(e.workers, 'worker') : null,
  ];
  return parts.filter((p) => p !== null).join(', ') || '–';
}

function runId(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`"${raw}" is not a run id (a whole number, see barrage runs list)`);
  }
  return Number(raw);
}

function runIds(positionals: string[], usage: string): number[] {
  if (positionals.length === 0) throw new UsageError(`no run id given: barrage runs ${usage}`);
  return [...new Set(positionals.map(runId))];
}

function yesNo(raw: string, flag: string): boolean {
  const v = raw.trim().toLowerCase();
  if (v === 'yes' || v === 'true' || v === 'pass' || v === 'passed') return true;
  if (v === 'no' || v === 'false' || v === 'fail' || v === 'failed') return false;
  throw new UsageError(`${flag}: "${raw}" is not yes or no`);
}

function noPositionals(positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
}

function notFound(store: RunStore, ids: number[]): number {
  process.stderr.write(`barrage runs: no ${ids.length === 1 ? 'run' : 'runs'} ${ids.join(', ')} in ${store.file}\n`);
  return EXIT.failed;
}

function help(): number {
  process.stdout.write(RUNS_HELP);
  return EXIT.ok;
}

export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

function friendlyDefault(): string {
  const file = resolveDbPath(undefined, { ...process.env, BARRAGE_DB: undefined });
  const home = process.env.HOME ?? process.env.USERPROFILE;
  return home && file.startsWith(home) ? path.join('~', path.relative(home, file)) : file;
}
