// `barrage scenarios list|show|save|rename|delete|baseline`: saved scenarios, the same ones the desktop
// app shows, in the same database as the run history.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { StoredScenario } from '../../../shared/history.ts';
import { EXIT } from '../exitCodes.ts';
import { dispatchSubcommand, HISTORY_OPTIONS, type Subcommands } from '../subcommands.ts';
import { UsageError } from '../usageError.ts';
import { formatTable, localTime } from '../format/table.ts';
import { withHistory } from '../history.ts';

export const SCENARIOS_HELP = `Usage: barrage scenarios <command> [options]

Commands
  list                    saved scenarios
  show NAME               one scenario; its configuration is a valid --scenario file
  save FILE [--name N]    save a scenario file (JSON) under --name, else its "name", else the
                          file's name; replaces the configuration of a scenario of that name
  rename NAME NEW         rename a scenario (its runs follow it)
  delete NAME             delete a scenario (its runs stay, with their own copy of it)
  baseline NAME RUN       mark a stored run as the scenario's baseline (RUN: a run id, or
                          "none" to clear it); barrage ab NAME --baseline runs against it

Options
      --db FILE           the database (default: $BARRAGE_DB, else the OS's data folder)
      --json              list and show: print JSON
  -h, --help              this help

NAME may also be a scenario's id. Exit codes: 0 done, 1 not found, 2 bad input.
`;

const COMMON = HISTORY_OPTIONS;

export function main(args: string[]): Promise<number> {
  return dispatchSubcommand('scenarios', SCENARIOS_HELP, SUBCOMMANDS, args);
}

const SUBCOMMANDS: Subcommands = {
  list: listCommand,
  show: showCommand,
  save: saveCommand,
  rename: renameCommand,
  delete: deleteCommand,
  baseline: baselineCommand,
};

async function listCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
  if (values.help) return help();
  expectPositionals(positionals, 0, 'list');
  return withHistory(values.db, (store) => {
    const scenarios = store.listScenarios();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(scenarios, null, 2)}\n`);
    } else if (scenarios.length === 0) {
      process.stdout.write(`No saved scenarios in ${store.file}.\n`);
    } else {
      process.stdout.write(
        formatTable(scenarios, [
          { header: 'ID', value: (s) => String(s.id), align: 'right' },
          { header: 'NAME', value: (s) => s.name, max: 40 },
          { header: 'PROTOCOL', value: (s) => s.config.protocol },
          { header: 'URL', value: (s) => s.config.url, max: 50 },
          { header: 'UPDATED', value: (s) => localTime(s.updatedAt) },
          { header: 'BASELINE', value: (s) => (s.baselineRunId === null ? '–' : `run ${s.baselineRunId}`) },
        ]),
      );
    }
    return EXIT.ok;
  }, 'scenarios');
}

async function showCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
  if (values.help) return help();
  expectPositionals(positionals, 1, 'show NAME');
  return withHistory(values.db, (store) => {
    const s = store.getScenario(positionals[0]);
    if (!s) return notFound(positionals[0], store.file);
    process.stdout.write(values.json ? `${JSON.stringify(s, null, 2)}\n` : showScenario(s));
    return EXIT.ok;
  }, 'scenarios');
}

async function saveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON, name: { type: 'string', short: 'n' } },
  });
  if (values.help) return help();
  expectPositionals(positionals, 1, 'save FILE [--name N]');
  const file = positionals[0];
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(e.code ? `cannot read ${file} (${e.code})` : `${file} is not JSON (${e.message})`);
  }
  const fromFile = (config as { name?: unknown } | null)?.name;
  const name = values.name ?? (typeof fromFile === 'string' && fromFile.trim() ? fromFile : path.parse(file).name);
  return withHistory(values.db, (store) => {
    const existed = store.getScenario(name.trim())?.name === name.trim();
    let saved: StoredScenario;
    try {
      saved = store.saveScenario(name, config);
    } catch (err) {
      // Invalid content is bad input: one line per problem, each naming its field.
      if ((err as { code?: string }).code === 'invalid') throw new UsageError(`${file}: ${(err as Error).message}`);
      throw err;
    }
    process.stdout.write(`${existed ? 'Updated' : 'Saved'} scenario "${saved.name}" (id ${saved.id}).\n`);
    return EXIT.ok;
  }, 'scenarios');
}

async function renameCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
  if (values.help) return help();
  expectPositionals(positionals, 2, 'rename NAME NEW');
  return withHistory(values.db, (store) => {
    if (!store.getScenario(positionals[0])) return notFound(positionals[0], store.file);
    const renamed = store.renameScenario(positionals[0], positionals[1]);
    process.stdout.write(`Renamed scenario ${positionals[0]} to "${renamed.name}".\n`);
    return EXIT.ok;
  }, 'scenarios');
}

async function baselineCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
  if (values.help) return help();
  expectPositionals(positionals, 2, 'baseline NAME RUN');
  const [name, raw] = positionals;
  const runId = raw === 'none' ? null : Number(raw);
  if (runId !== null && !(Number.isSafeInteger(runId) && runId > 0)) throw new UsageError(`"${raw}" is not a run id (or "none")`);
  return withHistory(values.db, (store) => {
    const s = store.getScenario(name);
    if (!s) return notFound(name, store.file);
    if (runId !== null && !store.getRun(runId)) {
      process.stderr.write(`barrage scenarios: no run ${runId} in ${store.file}\n`);
      return EXIT.failed;
    }
    store.setBaseline(s.id, runId);
    process.stdout.write(runId === null ? `Scenario "${s.name}" has no baseline now.\n` : `Run ${runId} is now the baseline of "${s.name}".\n`);
    return EXIT.ok;
  }, 'scenarios');
}

async function deleteCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
  if (values.help) return help();
  expectPositionals(positionals, 1, 'delete NAME');
  return withHistory(values.db, (store) => {
    const s = store.getScenario(positionals[0]);
    if (!s || !store.deleteScenario(s.id)) return notFound(positionals[0], store.file);
    process.stdout.write(`Deleted scenario "${s.name}"; its runs keep their own copy of it.\n`);
    return EXIT.ok;
  }, 'scenarios');
}

function showScenario(s: StoredScenario): string {
  const rows: Array<[string, string]> = [
    ['Scenario', `${s.name} (id ${s.id})`],
    ['Created', localTime(s.createdAt)],
    ['Updated', localTime(s.updatedAt)],
    ['Baseline', s.baselineRunId === null ? '–' : `run ${s.baselineRunId}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\n${JSON.stringify(s.config, null, 2)}\n`;
}

function expectPositionals(positionals: string[], n: number, usage: string): void {
  if (positionals.length !== n) {
    throw new UsageError(
      positionals.length > n ? `unexpected argument "${positionals[n]}": barrage scenarios ${usage}` : `missing argument: barrage scenarios ${usage}`,
    );
  }
}

function notFound(name: string, file: string): number {
  process.stderr.write(`barrage scenarios: no scenario "${name}" in ${file}\n`);
  return EXIT.failed;
}

function help(): number {
  process.stdout.write(SCENARIOS_HELP);
  return EXIT.ok;
}
