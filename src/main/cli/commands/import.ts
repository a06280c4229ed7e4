// `barrage import curl|har FILE`: a curl command or a HAR file made into a flow scenario, printed
// as JSON for `barrage run --scenario` — with the parsers the app's builder uses
// (src/shared/flowImport/). What was left out goes to stderr, one line each, so stdout stays a
// scenario file. The scenario is checked with the scenario schema before it is printed.
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { curlStep } from '../../../shared/flowImport/curlImport.ts';
import { HAR_MAX_BYTES, harHosts, harRows, harSteps, readHar, visibleRows } from '../../../shared/flowImport/harImport.ts';
import { originOf, type HttpStepInput } from '../../../shared/flowImport/importedStep.ts';
import { parseScenario } from '../../../shared/scenario.ts';
import { formatBytes } from '../../../shared/units.ts';
import { EXIT } from '../exitCodes.ts';
import { UsageError } from '../usageError.ts';

export const IMPORT_HELP = `Usage: barrage import curl FILE [options]
       barrage import har FILE [options]

Prints a flow scenario (JSON) made from a curl command — as a browser's devtools copy it
("Copy as cURL (bash)") — or from a HAR file ("Save all as HAR"). FILE - reads standard input.
Run it with: barrage run --scenario FILE. What was left out is said on stderr.

Options
  --base-url URL     the flow's base URL (default: the request's, or the host's, origin);
                     requests on it get a path
  --rebase           send every request to --base-url, whatever host was recorded
  --host HOST        har: the host whose requests become steps (default: the one with the
                     most API requests)
  --keep-static      har: keep static assets (images, fonts, CSS, JavaScript, source maps,
                     media) and CORS preflights
  --list             har: list the requests (index, host, method, path, status, type, size)
                     instead of printing a scenario
  --only N,N...      har: only these requests (indexes from --list)
  --drop-cookies     leave out Cookie headers
  --name NAME        the scenario's name (default: "imported")
  -h, --help         this help

Examples
  barrage import curl login.sh --base-url http://127.0.0.1:8080 > flow.json
  barrage import har shop.har --list
  barrage import har shop.har --host api.example.com --only 7,9 > flow.json
`;

function readInput(file: string, limit: number): string {
  try {
    if (file === '-') return readFileSync(0, 'utf8');
    const size = statSync(file).size;
    if (size > limit) throw new UsageError(`${file}: larger than ${limit / 1024 / 1024} MiB`);
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function printScenario(name: string, baseUrl: string, steps: HttpStepInput[]): void {
  const scenario = { protocol: 'flow', name, url: baseUrl, virtualUsers: 1, durationSec: 10, steps };
  const checked = parseScenario(scenario);
  if (!checked.ok) throw new UsageError(`the imported flow is not valid: ${checked.error}`);
  process.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
}

const note = (line: string) => process.stderr.write(`barrage: ${line}\n`);

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'base-url': { type: 'string' },
      rebase: { type: 'boolean' },
      host: { type: 'string' },
      'keep-static': { type: 'boolean' },
      list: { type: 'boolean' },
      only: { type: 'string' },
      'drop-cookies': { type: 'boolean' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(IMPORT_HELP);
    return EXIT.ok;
  }
  const [kind, file, extra] = positionals;
  if (kind !== 'curl' && kind !== 'har') throw new UsageError(kind === undefined ? 'what to import: barrage import curl FILE, or barrage import har FILE' : `cannot import "${kind}": curl or har`);
  if (file === undefined) throw new UsageError(`barrage import ${kind} FILE: the file is missing (- reads standard input)`);
  if (extra !== undefined) throw new UsageError(`one file at a time ("${extra}" is one too many)`);
  const baseFlag = values['base-url'];
  if (baseFlag !== undefined && originOf(baseFlag) === undefined) throw new UsageError(`--base-url: "${baseFlag}" is not an http(s) URL`);
  if (values.rebase && baseFlag === undefined) throw new UsageError('--rebase needs --base-url (the URL to send the requests to)');
  const name = values.name ?? 'imported';
  const dropCookies = values['drop-cookies'] ?? false;
  const rebase = values.rebase ?? false;

  if (kind === 'curl') {
    for (const flag of ['host', 'keep-static', 'list', 'only'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} is for har files`);
    const text = readInput(file, 1024 * 1024);
    const first = curlStep(text, { baseUrl: baseFlag ?? '', dropCookies, takenNames: [], rebase });
    if (!first.ok) throw new UsageError(`${file}: the command ${first.error}`);
    const baseUrl = baseFlag ?? first.origin;
    const r = baseFlag === undefined ? curlStep(text, { baseUrl, dropCookies, takenNames: [] }) : first;
    if (!r.ok) throw new UsageError(`${file}: the command ${r.error}`);
    for (const n of r.notes) note(n);
    printScenario(name, baseUrl, [r.step]);
    return EXIT.ok;
  }

  const read = readHar(readInput(file, HAR_MAX_BYTES), file);
  if (!read.ok) throw new UsageError(read.error);
  const rows = harRows(read.har);
  const hosts = harHosts(rows);
  if (hosts.length === 0) throw new UsageError(`${file}: no http(s) requests in it`);
  const host = values.host ?? hosts[0].host;
  if (!hosts.some((h) => h.host === host)) throw new UsageError(`--host: no requests to "${host}" in ${file} (hosts: ${hosts.map((h) => h.host).join(', ')})`);
  const shown = visibleRows(rows, host, !(values['keep-static'] ?? false));
  if (values.list) {
    for (const r of shown) {
      const why = r.problem ? `  (cannot be a step: ${r.problem})` : r.staticReason ? `  (${r.staticReason})` : '';
      process.stdout.write(`${String(r.index).padStart(4)}  ${r.host}  ${r.method.padEnd(7)} ${r.path}  ${r.status}  ${r.mimeType || '-'}  ${r.size < 0 ? '-' : formatBytes(r.size)}${why}\n`);
    }
    const others = hosts.filter((h) => h.host !== host);
    if (others.length) note(`other hosts: ${others.map((h) => `${h.host} (${h.all})`).join(', ')} (--host HOST)`);
    return EXIT.ok;
  }
  let chosen = shown.filter((r) => !r.problem).map((r) => r.index);
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((s) => s.trim()).filter(Boolean);
    const indexes = wanted.map((w) => {
      const n = Number(w);
      if (!Number.isInteger(n) || !chosen.includes(n)) throw new UsageError(`--only: ${w} is not one of the importable requests to ${host} (barrage import har ${file} --list)`);
      return n;
    });
    chosen = indexes;
  }
  if (chosen.length === 0) throw new UsageError(`${file}: no request to ${host} can be a step${values['keep-static'] ? '' : ' (static assets are left out; --keep-static keeps them)'}`);
  const hostOrigin = originOf(rows.find((r) => r.host === host)!.url)!;
  const baseUrl = baseFlag ?? hostOrigin;
  const out = harSteps(read.har, chosen, { baseUrl, dropCookies, takenNames: [], rebase });
  for (const n of out.notes) note(n);
  if (out.droppedHeaders.length) note(`Browser headers left out: ${out.droppedHeaders.join(', ')}.`);
  printScenario(name, baseUrl, out.steps);
  return EXIT.ok;
}
