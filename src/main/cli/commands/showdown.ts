// `barrage showdown`: REST vs WebSocket on the same work, side by side — the measured table on
// stdout (text or --json), progress on stderr, every mode saved as a run in the history.
import { parseArgs } from 'node:util';
import { redactUrl } from '../../../shared/redact.ts';
import { formatIssues } from '../../../shared/scenario.ts';
import { statusWord } from '../../../shared/runStatusWord.ts';
import { showdownInputSchema, type ShowdownResult, type ShowdownStatus } from '../../../shared/showdown.ts';
import { RunService } from '../../services/runService.ts';
import { startShowdown } from '../../showdown/showdownRunner.ts';
import { renderTableText } from '../../showdown/showdownTable.ts';
import { terminalWidth, wrap } from '../format/fitTable.ts';
import { openHistory } from '../history.ts';
import { cliMeasurementLock } from '../measurementLock.ts';
import { integerOption, numberOption, withFlagNames } from '../argParsing.ts';
import { EXIT } from '../exitCodes.ts';
import { UsageError } from '../usageError.ts';

export const SHOWDOWN_HELP = `Usage: barrage showdown [options]

REST vs WebSocket on the same work, measured side by side:
  1. request/response: the same payload and concurrency over REST with a new TCP connection
     per request, REST keep-alive, HTTP/2 (every request in flight a stream of one
     connection), and WebSocket (one connection per client, echo);
  2. server-to-client updates: REST polling a cursor endpoint, long polling it, Server-Sent
     Events and WebSocket push (the demo target serves all four from one event feed).
Modes run back to back (order rotated), each exchange mode after a warm-up run. Bytes come
from socket counters. Without endpoints it starts the built-in demo target in a thread of its
own, which also reports its CPU time. Every mode is saved as a run (tag "showdown").

Endpoints (default: the demo target; see docs/SHOWDOWN.md for what they must do)
      --http URL          HTTP echo endpoint (POST answers with the request body)
      --ws URL            WebSocket echo endpoint (answers each message with itself)
      --h2 URL            HTTP/2 echo endpoint (h2c for http://, h2 by ALPN for https://);
                          without it a server of your own is not measured over HTTP/2
      --poll URL          event poll endpoint (GET ?since=N → {"cursor":M,"events":[…]})
      --push URL          event push endpoint (one JSON message per event, with "ts")
      --long-poll URL     long-poll endpoint (as --poll, but held until an event exists;
                          optional: measured when given)
      --sse URL           Server-Sent Events endpoint (text/event-stream, each event's data
                          with "ts"; optional: measured when given)
      --cpu URL           the server's CPU meter (GET → {"totalUs":N}), if it has one

Work
      --payload-bytes N   bytes of JSON per request, response, message, event (default 64)
  -c, --concurrency C     virtual clients (default 10)
  -d, --duration S        seconds per mode (default 5)
  -a, --exchanges N       exchanges per mode instead of a duration (experiment 1)
      --warmup S          warm-up seconds before each exchange mode, 0 for none (default 1)
      --poll-interval MS  polling interval of each client (default 100)
      --event-rate N      events per second the demo target creates (default 20)
      --only E            run one experiment only: exchange or updates
      --seed N            rotation of the mode order (default: showdowns in the history)
  -w, --workers N         load worker threads per run (default 1)

Output
      --json              print the whole result as one JSON document
      --no-save           do not store the runs in the history
      --store-secrets     keep URL passwords in the stored runs' configurations (default: a
                          redacted copy, see docs/SECURITY.md)
      --db FILE           the history database (default: $BARRAGE_DB, else the OS's data folder)
  -q, --quiet             no progress lines on stderr

Exit codes: 0 completed, 1 failed, 2 bad input, 130 stopped with Ctrl-C.
`;

const options = {
  http: { type: 'string' },
  ws: { type: 'string' },
  h2: { type: 'string' },
  poll: { type: 'string' },
  push: { type: 'string' },
  'long-poll': { type: 'string' },
  sse: { type: 'string' },
  cpu: { type: 'string' },
  'payload-bytes': { type: 'string' },
  concurrency: { type: 'string', short: 'c' },
  duration: { type: 'string', short: 'd' },
  exchanges: { type: 'string', short: 'a' },
  warmup: { type: 'string' },
  'poll-interval': { type: 'string' },
  'event-rate': { type: 'string' },
  only: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string', short: 'w' },
  json: { type: 'boolean' },
  'no-save': { type: 'boolean' },
  'store-secrets': { type: 'boolean' },
  db: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FLAG_OF_FIELD: Record<string, string> = {
  httpUrl: '--http',
  wsUrl: '--ws',
  h2Url: '--h2',
  pollUrl: '--poll',
  pushUrl: '--push',
  longPollUrl: '--long-poll',
  sseUrl: '--sse',
  cpuUrl: '--cpu',
  payloadBytes: '--payload-bytes',
  concurrency: '--concurrency',
  durationSec: '--duration',
  exchanges: '--exchanges',
  warmupSec: '--warmup',
  pollIntervalMs: '--poll-interval',
  eventRate: '--event-rate',
  experiments: '--only',
  seed: '--seed',
  workers: '--workers',
};

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

export function buildShowdownInput(values: Values): ReturnType<typeof showdownInputSchema.parse> {
  const input: Record<string, unknown> = {};
  const set = (field: string, value: unknown) => {
    if (value !== undefined) input[field] = value;
  };
  set('httpUrl', values.http);
  set('wsUrl', values.ws);
  set('h2Url', values.h2);
  set('pollUrl', values.poll);
  set('pushUrl', values.push);
  set('longPollUrl', values['long-poll']);
  set('sseUrl', values.sse);
  set('cpuUrl', values.cpu);
  set('payloadBytes', integerOption(values['payload-bytes'], '--payload-bytes'));
  set('concurrency', integerOption(values.concurrency, '--concurrency'));
  set('durationSec', numberOption(values.duration, '--duration'));
  set('exchanges', integerOption(values.exchanges, '--exchanges'));
  set('warmupSec', numberOption(values.warmup, '--warmup'));
  set('pollIntervalMs', integerOption(values['poll-interval'], '--poll-interval'));
  set('eventRate', numberOption(values['event-rate'], '--event-rate'));
  set('seed', integerOption(values.seed, '--seed'));
  set('workers', integerOption(values.workers, '--workers'));
  if (values.only !== undefined) {
    if (values.only !== 'exchange' && values.only !== 'updates') throw new UsageError(`--only: "${values.only}" is not exchange or updates`);
    input.experiments = [values.only];
  }
  input.save = !values['no-save'];
  input.storeSecrets = !!values['store-secrets'];
  const parsed = showdownInputSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(withFlagNames(formatIssues(parsed.error), FLAG_OF_FIELD));
  return parsed.data;
}


export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (values.help) {
    process.stdout.write(SHOWDOWN_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (endpoints go in --http and --ws)`);
  const config = buildShowdownInput(values);
  const store = config.save ? openHistory(values.db, 'use --no-save to run without the history') : null;
  const quiet = !!values.quiet;
  const runs = new RunService(store, {}, cliMeasurementLock(store, 'showdown'));
  let lastLine = '';
  const progress = (s: ShowdownStatus) => {
    if (quiet) return;
    const line = progressText(s);
    if (line !== lastLine) process.stderr.write(line + '\n');
    lastLine = line;
  };
  let result: ShowdownResult;
  const handle = startShowdown(config, { runs, store, onStatus: progress });
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    if (!quiet) process.stderr.write('stopping… (Ctrl-C again to quit at once)\n');
    handle.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    result = await handle.result;
  } finally {
    process.off('SIGINT', onSigint);
    store?.close();
  }
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : showdownText(result));
  if (result.status === 'completed') return EXIT.ok;
  return result.status === 'aborted' ? EXIT.interrupted : EXIT.failed;
}

function progressText(s: ShowdownStatus): string {
  const step = s.step;
  const at = `[${s.stepIndex + 1}/${s.steps}]`;
  switch (step.experiment) {
    case 'setup':
      return `${at} starting`;
    case 'probe':
      return `${at} probing connection setup on the idle target`;
    case 'exchange':
      return `${at} ${step.mode}: ${step.phase === 'warmup' ? 'warming up' : 'measuring'}${s.currentRunId !== null ? ` (run ${s.currentRunId})` : ''}`;
    case 'updates':
      return `${at} updates, ${step.mode}: measuring${s.currentRunId !== null ? ` (run ${s.currentRunId})` : ''}`;
    case 'done':
      return `${at} ${s.state}${s.error ? `: ${s.error}` : ''}`;
  }
}

/**
 * The result for the terminal: what ran, the table, the conclusion, notes, where the runs are —
 * every line fitted to `width` columns (the terminal's; 80 when stdout is not a terminal and
 * $COLUMNS is not set).
 */
export function showdownText(r: ShowdownResult, width = terminalWidth()): string {
  const c = r.config;
  const length = c.exchanges !== undefined ? `${c.exchanges.toLocaleString('en-US')} exchanges` : `${c.durationSec} s`;
  const target = r.target.kind === 'demo' ? `demo target (${new URL(r.target.httpUrl).host})` : `${redactUrl(r.target.httpUrl)} and ${redactUrl(r.target.wsUrl)}`;
  const lines: string[] = [];
  const title = `REST vs WebSocket showdown — ${target}`;
  const para = (text: string, hang = 0) => lines.push(...wrap(text, width, hang));
  para(title);
  lines.push('═'.repeat(Math.min(width, title.length)));
  para(
    `Payload ${c.payloadBytes} B, ${c.concurrency} client${c.concurrency === 1 ? '' : 's'}, ${length} per mode` +
      (c.warmupSec > 0 ? ` after ${c.warmupSec} s of warm-up` : '') +
      (r.updates ? `; updates: ${c.eventRate} events/s, polling every ${c.pollIntervalMs} ms` : ''),
  );
  const order = [...(r.exchange ? r.order.exchange : []), ...(r.updates ? r.order.updates : [])];
  if (order.length) para(`Order: ${order.join(' → ')} (seed ${r.seed})`, 2);
  para(`Status: ${statusWord(r.status)}${r.failure ? ` — ${r.failure}` : ''}`, 2);
  lines.push('');
  // Each experiment in its own table with its own columns (polling and push are not
  // request/response modes: under those columns a third would read "not measured").
  const both = r.table.rows.length > 0 && r.updatesTable !== null;
  if (r.table.rows.length > 0) {
    if (both) lines.push('Request/response', '');
    lines.push(renderTableText(r.table, width));
  }
  if (r.updatesTable) {
    lines.push(`Server-to-client updates (${c.eventRate} events/s)`, '', renderTableText(r.updatesTable, width));
  }
  if (r.conclusion.length > 0) {
    lines.push('Conclusion');
    for (const sentence of r.conclusion) para(`  • ${sentence}`, 4);
    lines.push('');
  }
  const notes = [...r.notes];
  for (const m of [...(r.exchange?.modes ?? []), ...(r.updates?.modes ?? [])]) for (const n of m.notes) notes.push(`${m.label}: ${n}`);
  if (notes.length > 0) {
    lines.push('Notes');
    for (const n of notes) para(`  - ${n}`, 4);
    lines.push('');
  }
  // In the order they ran (their ids), not the table's column order.
  const ids = [...(r.exchange?.modes ?? []), ...(r.updates?.modes ?? [])]
    .map((m) => m.runId)
    .filter((id) => id !== null)
    .sort((a, b) => a - b);
  if (r.groupId && ids.length > 0) {
    para(`Saved as runs ${ids.join(', ')} (group ${r.groupId}); see barrage runs list --tag showdown`, 2);
    lines.push('');
  }
  return lines.join('\n');
}
