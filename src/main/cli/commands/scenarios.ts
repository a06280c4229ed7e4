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
import { importOpenApi, OpenApiImportError, saveImportedOperations, type OpenApiImport } from '../../scenarioImport/openapiImport.ts';

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
  import openapi SOURCE   one scenario per operation of an OpenAPI 3 / Swagger 2 document
                          (SOURCE: a file, or an http(s) URL on loopback); credentials from its
                          security schemes become {{PLACEHOLDERS}} to fill in before a run
      --dry-run           import: list the operations, save nothing
      --only IDS          import: only these operations (operationIds, comma-separated)
      --base-url URL      import: the server to target instead of the document's
      --prefix TEXT       import: put TEXT before each scenario's name

Options
      --db FILE           the database (default: $BARRAGE_DB, else the OS's data folder)
      --json              list, show and import --dry-run: print JSON
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
  import: importCommand,
};

async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON,
      'dry-run': { type: 'boolean' },
      only: { type: 'string' },
      'base-url': { type: 'string' },
      prefix: { type: 'string' },
    },
  });
  if (values.help) return help();
  if (positionals[0] !== undefined && positionals[0] !== 'openapi') {
    throw new UsageError(`cannot import "${positionals[0]}": barrage scenarios import openapi SOURCE`);
  }
  expectPositionals(positionals, 2, 'import openapi SOURCE');
  const source = positionals[1];
  let doc: OpenApiImport;
  try {
    doc = await importOpenApi(source, { baseUrl: values['base-url'] });
  } catch (err) {
    if (err instanceof OpenApiImportError) throw new UsageError(err.message);
    throw err;
  }
  let operations = doc.operations;
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((s) => s.trim()).filter(Boolean);
    if (wanted.length === 0) throw new UsageError('--only: give operationIds, comma-separated');
    const unknown = wanted.filter((id) => !operations.some((o) => o.id === id));
    if (unknown.length > 0) {
      throw new UsageError(`--only: no operation ${unknown.map((u) => `"${u}"`).join(', ')} in ${source} (barrage scenarios import openapi ${source} --dry-run lists them)`);
    }
    operations = operations.filter((o) => wanted.includes(o.id));
  }
  const prefix = values.prefix ?? '';
  if (values.json && values['dry-run']) {
    process.stdout.write(`${JSON.stringify({ ...doc, operations }, null, 2)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`${doc.spec} "${doc.title}": ${doc.operations.length} operations, server ${doc.baseUrl}\n`);
  if (values['dry-run']) {
    process.stdout.write(
      formatTable(operations, [
        { header: 'OPERATION', value: (o) => o.id, max: 40 },
        { header: 'METHOD', value: (o) => o.method },
        { header: 'PATH', value: (o) => o.path, max: 50 },
        { header: 'TO FILL IN', value: (o) => (o.skipped ? `skipped: ${o.skipped}` : o.placeholders.join(' ') || '–'), max: 60 },
      ]),
    );
    return EXIT.ok;
  }
  return withHistory(values.db, (store) => {
    for (const op of operations) if (!op.scenario) process.stdout.write(`  skipped ${op.id}: ${op.skipped ?? 'cannot be a scenario'}\n`);
    const result = saveImportedOperations(store, operations, prefix);
    for (const s of result.saved) {
      const op = operations.find((o) => o.id === s.operation)!;
      process.stdout.write(`  ${s.updated ? 'updated' : 'saved'} "${s.name}" (id ${s.id}): ${op.method} ${op.scenario!.url}\n`);
      for (const note of op.notes) process.stdout.write(`      note: ${note}\n`);
    }
    const saved = result.saved.length;
    const toFill = new Set(result.placeholders);
    process.stdout.write(`${saved} scenario${saved === 1 ? '' : 's'} saved in ${store.file}.\n`);
    if (toFill.size > 0) {
      // The placeholders are sent as written if left in: the target would answer 401, not a measurement.
      process.stdout.write(
        `Fill in before running: ${[...toFill].join(', ')} (in their headers or URL; Barrage sends them as written). ` +
          `Edit them in the app's Scenarios view, or save an edited copy of the configuration barrage scenarios show NAME prints with barrage scenarios save FILE --name NAME.\n`,
      );
    }
    return EXIT.ok;
  }, 'scenarios');
}

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
