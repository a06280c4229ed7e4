// `barrage run <url> [options]` and `barrage run --scenario FILE`: one run on the engine,
// progress on stderr, the summary on stdout.
import { DataFileError, withDataRows } from '../../flowData/dataFile.ts';
import { DEFAULT_WORKERS_TEXT } from '../../../shared/workersDefault.ts';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { http2Shorthand, protocolOfUrl, scenarioSchema, formatIssues, type Scenario } from '../../../shared/scenario.ts';
import type { RunProgress, RunResult } from '../../../shared/runResult.ts';
import { parseStageText } from '../../../shared/loadProfile.ts';
import { tryParseThreshold } from '../../../shared/thresholds.ts';
import { PreflightError, prewarmWorkers, shardScenario, workerCount, type ShardSpec } from '../../engine/index.ts';
import { redactConfig, redactUrl } from '../../../shared/redact.ts';
import type { RunEnvironment, ShardInfo } from '../../../shared/history.ts';
import { collectEnvironment } from '../../store/environment.ts';
import { exportRunsJson } from '../../store/runExchange.ts';
import { resolveDbPath } from '../../store/dbLocation.ts';
import { checkOutputFile, writeOutputFile } from '../outputFile.ts';
import { parseShardFlag, parseStartAt } from '../shardFlags.ts';
import { withRerunSecrets } from '../rerunSecrets.ts';
import { nothingCompleted } from '../../../shared/result/runSummary.ts';
import type { LiveBreach } from '../../services/liveThresholds.ts';
import { RunService, type RunMeta } from '../../services/runService.ts';
import type { RunSink } from '../../services/runSinks.ts';
import { openHistory } from '../history.ts';
import { cliMeasurementLock } from '../measurementLock.ts';
import { progressLine } from '../format/progressLine.ts';
import { summaryTable } from '../format/summaryTable.ts';
import { summaryJson } from '../format/summaryJson.ts';
import { UsageError } from '../usageError.ts';
import { metricsPortOption } from '../metricsPortFlag.ts';
import { EXIT } from '../exitCodes.ts';
import { integerOption, numberOption, withFlagNames } from '../argParsing.ts';
import { REPORT_FLAGS, REPORT_FLAGS_HELP, reportFilesFrom, streamTargetsFrom, writeReports } from '../ciFlags.ts';
import { JsonlStream } from '../../ci/jsonlStream.ts';
import type { RunIdentity } from '../../ci/junitReport.ts';
import type { RunOutput } from '../../ci/runOutput.ts';
import { otlpMetricsUrl } from '../../liveMetrics/otlpUrl.ts';
import type { OtlpPush } from '../../liveMetrics/otlpPush.ts';
import { demoTargetOnFirstUse } from '../demoTargetOnFirstUse.ts';

export const RUN_HELP = `Usage: barrage run <url> [options]
       barrage run --scenario FILE [options]
       barrage run --from-run ID [options]

Runs one load test. The protocol follows the URL's scheme: http/https (autocannon) or ws/wss.

Load
  -c, --connections N     open connections (default 10)
  -d, --duration S        seconds to run (default 10 unless --amount)
  -a, --amount N          stop after N requests or messages instead
  -r, --rate N            open model: N requests (or messages) per second in total;
                          latency is measured from each one's scheduled send time; sends
                          the connections cannot carry are counted as missed (no extra
                          connections are opened: raise -c to about rate × latency)
      --stage D:T         a load profile stage, k6's duration:target, e.g. --stage 30s:200
                          --stage 1m:200 --stage 10s:0 (repeatable, in order): the load ramps
                          linearly from the previous target (starting at 0; 0s jumps); the run
                          lasts the sum. Targets are connections (closed model; WebSocket echo
                          and push) unless --stage-target rate (HTTP open model; WebSocket rate
                          mode ramps its message rate by default)
      --stage-target T    connections or rate: what the stages' targets are
  -w, --workers N         load worker threads (default: ${DEFAULT_WORKERS_TEXT})
      --processes N       run the load in N child processes, one load worker each (default:
                          worker threads while the connections fit in this process's
                          file-descriptor limit, else as many processes as it takes)
      --source-addresses L  local addresses to spread the connections over, round robin, e.g.
                          127.0.0.2,127.0.0.3 or 127.0.0.2-127.0.0.9 (repeatable): one source
                          address reaches one target through ~28,000 ephemeral ports
      --timeout S         request / handshake timeout in seconds (default 10)
      --warmup S          leading seconds kept out of steady-state figures (default 1)
      --insecure          accept TLS certificates that do not verify
      --max-response-bytes N  largest response body or WebSocket message kept (default
                          16777216, 16 MiB); a bigger one is discarded and counted as too-large
      --allow-empty       exit 0 even when nothing completed (by default a run in which no
                          request or message completed exits 1)

HTTP
  -m, --method M          GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS (default GET)
  -H, --header "K: V"     request header (repeatable)
  -b, --body TEXT         request body
      --body-type T       text or json (json is validated; default: json when -b parses as JSON)
  -p, --pipelining N      requests in flight per connection (default 1)
      --http2             HTTP/2 instead of HTTP/1.1: h2c (prior knowledge) for http://, h2 by
                          ALPN for https://; also barrage run h2c://host/… or h2://host/…
      --streams N         HTTP/2: requests in flight per connection (default 10), never above
                          the server's SETTINGS_MAX_CONCURRENT_STREAMS
      --new-connection    a new TCP connection for every request (no keep-alive)
      --expect-status C   status codes that count as success, e.g. 200,204 (default 200-399)

Updates from the server (an http/https URL)
      --sse               the URL is a Server-Sent Events stream: each connection holds one
                          stream open; latency is each event's delivery lag from a "ts" (epoch
                          ms) in its data; reconnects honour retry: and send Last-Event-ID
      --retry MS          --sse: reconnection delay until the server sets one (default 3000)
      --connect-rate N    --sse (as for WebSocket): new streams per second (default 1000)
      --poll-interval MS  the URL is a poll endpoint (GET ?since=N answers {"cursor":M,
                          "events":[{"ts":…},…]}): each connection polls it every MS
      --long-poll         the same endpoint held by the server until an event exists: each
                          connection asks again as soon as an answer arrives

WebSocket
      --mode M            echo (round trips, closed loop), rate (echo at --rate), push (listen)
      --message TEXT      message template; placeholders {{seq}} {{ts}} {{random:N}} {{conn}}
      --in-flight N       echo mode: messages awaiting their echo per connection (default 1)
      --connect-rate N    new connections per second while ramping up (default 1000)
      --max-connecting N  handshakes in flight at most (default 1000): a ramp faster than the
                          target accepts waits here instead of overflowing its listen backlog
      --subprotocol P     WebSocket subprotocol (repeatable)
      --ping-interval S   seconds between pings per connection, 0 for none (default 5)
      --deflate           negotiate permessage-deflate (off by default)
      --close-on-ping-timeout  close (and reopen) a connection whose pong did not come within
                          --timeout; missed pongs are counted as ping-timeout either way

Thresholds (SLOs)
      --threshold EXPR    the run fails (exit 99) unless EXPR holds at its end, e.g. 'p99<250ms',
                          'p50 < 20ms', 'errors<1%', 'errors<=10', 'rps>5000', 'connect_p99<100ms',
                          'dropped<1%' (scheduled sends of a --rate run that never went out);
                          metrics p50 p90 p95 p99 p999 mean max errors dropped rps connect_p99
                          (repeatable; added to a scenario file's "thresholds")
      --abort-on-fail     stop the run as soon as a threshold is breached by the figures so far
                          (errors, max, mean, rps, and p50/p99 when every second breaches; the
                          other percentiles are checked at the end only)
      --keep-going        run to the end even when nothing succeeds and every attempt fails
                          the same way (by default such a run stops after 3 s as failed)

History
      --db FILE           the run history (default: $BARRAGE_DB, else the app's own database)
      --no-save           do not store the run
      --tag T             tag the stored run (repeatable)
      --note TEXT         a note on the stored run
      --store-secrets     keep the URL password and credential header values (Authorization,
                          Cookie, X-Api-Key, *-Token, …) in the stored configuration; by default
                          the run keeps a redacted copy (***), see docs/SECURITY.md

Output
      --scenario FILE     read the scenario from a JSON file (flags given override it)
      --from-run ID       run a stored run's configuration again (flags given override it).
                          Secrets it was stored without come from BARRAGE_URL_PASSWORD and
                          BARRAGE_HEADER_<NAME> (e.g. BARRAGE_HEADER_AUTHORIZATION), else are
                          asked for on the terminal without echo
      --json              print the summary as one JSON document (with "runId" when stored)
      --full              with --json: print the complete result instead (configuration,
                          environment, per-second samples with their histograms, summary: the
                          same document as --out FILE)
  -q, --quiet             no progress lines on stderr
${REPORT_FLAGS_HELP}
      --out FILE          write the complete result (as barrage runs export does, one run):
                          what barrage runs merge and runs import read
      --out jsonl=FILE    one JSON line per second while the run goes, the summary as the last line
                          (jsonl=- writes them to stdout instead of the summary table)
      --metrics-port N    serve the run's figures for Prometheus (OpenMetrics) at
                          http://127.0.0.1:N/metrics while it runs (see docs/OBSERVABILITY.md)
      --otlp URL          push the same figures each second to your OpenTelemetry collector
                          over OTLP/HTTP JSON (URL: e.g. http://127.0.0.1:4318; /v1/metrics is
                          added to a bare address); nothing is sent anywhere else

Shards (one machine's part of a run spread over machines; docs/DISTRIBUTED.md)
      --shard K/N         run shard K of N: its share of the connections, rate, amount and
                          connect rate (split as the load workers split a run); merge the
                          shards' --out files with barrage runs merge
      --start-at TIME     start the load at this instant (ISO 8601 with zone, e.g.
                          2026-11-30T10:00:00Z, or epoch ms): give every shard the same one so
                          their seconds line up; the result notes how late it began

Exit codes: 0 completed (every threshold passed), 1 failed or nothing completed (see
--allow-empty), 2 bad input, 99 a threshold failed, 130 stopped with Ctrl-C.
`;

const options = {
  scenario: { type: 'string' },
  'from-run': { type: 'string' },
  connections: { type: 'string', short: 'c' },
  duration: { type: 'string', short: 'd' },
  amount: { type: 'string', short: 'a' },
  rate: { type: 'string', short: 'r' },
  stage: { type: 'string', multiple: true },
  'stage-target': { type: 'string' },
  workers: { type: 'string', short: 'w' },
  processes: { type: 'string' },
  'source-addresses': { type: 'string', multiple: true },
  timeout: { type: 'string' },
  warmup: { type: 'string' },
  insecure: { type: 'boolean' },
  'max-response-bytes': { type: 'string' },
  'allow-empty': { type: 'boolean' },
  'close-on-ping-timeout': { type: 'boolean' },
  method: { type: 'string', short: 'm' },
  header: { type: 'string', short: 'H', multiple: true },
  body: { type: 'string', short: 'b' },
  'body-type': { type: 'string' },
  pipelining: { type: 'string', short: 'p' },
  http2: { type: 'boolean' },
  streams: { type: 'string' },
  'new-connection': { type: 'boolean' },
  'expect-status': { type: 'string' },
  mode: { type: 'string' },
  message: { type: 'string' },
  'in-flight': { type: 'string' },
  'connect-rate': { type: 'string' },
  'max-connecting': { type: 'string' },
  sse: { type: 'boolean' },
  retry: { type: 'string' },
  'poll-interval': { type: 'string' },
  'long-poll': { type: 'boolean' },
  subprotocol: { type: 'string', multiple: true },
  'ping-interval': { type: 'string' },
  deflate: { type: 'boolean' },
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  shard: { type: 'string' },
  'start-at': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  db: { type: 'string' },
  'no-save': { type: 'boolean' },
  tag: { type: 'string', multiple: true },
  note: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  'abort-on-fail': { type: 'boolean' },
  'keep-going': { type: 'boolean' },
  'store-secrets': { type: 'boolean' },
  ...REPORT_FLAGS,
  out: { type: 'string', multiple: true },
  'metrics-port': { type: 'string' },
  otlp: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Scenario fields as the user knows them on the command line. */
const FLAG_OF_FIELD: Record<string, string> = {
  connections: '--connections',
  durationSec: '--duration',
  amount: '--amount',
  rate: '--rate',
  stages: '--stage',
  stageTarget: '--stage-target',
  workers: '--workers',
  processes: '--processes',
  sourceAddresses: '--source-addresses',
  timeoutSec: '--timeout',
  warmupSec: '--warmup',
  method: '--method',
  headers: '--header',
  body: '--body',
  pipelining: '--pipelining',
  http2: '--http2',
  streams: '--streams',
  expectedStatus: '--expect-status',
  mode: '--mode',
  message: '--message',
  inFlight: '--in-flight',
  connectRate: '--connect-rate',
  maxConnecting: '--max-connecting',
  pingIntervalSec: '--ping-interval',
  maxResponseBytes: '--max-response-bytes',
  sse: '--sse',
  'sse.retryMs': '--retry',
  'sse.connectRate': '--connect-rate',
  poll: '--poll-interval',
  'poll.intervalMs': '--poll-interval',
};

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  const fromRun = values['from-run'] === undefined ? undefined : storedRunConfig(values['from-run'], values);
  const built = buildScenario(values, positionals, fromRun?.config);
  // Asked only for what the flags did not replace (a new URL, a new header value).
  const whole = fromRun ? await withRerunSecrets(built, `run ${fromRun.id}`) : built;
  const shardFlag = values.shard === undefined ? undefined : parseShardFlag(values.shard);
  const startAt = values['start-at'] === undefined ? undefined : parseStartAt(values['start-at']);
  if (values.full && !values.json) throw new UsageError('--full goes with --json (the complete result as JSON on stdout)');
  const scenario = shardFlag === undefined ? whole : shardOf(whole, shardFlag);
  const shard: ShardInfo | undefined =
    shardFlag === undefined ? undefined : { ...shardFlag, startAt: startAt === undefined ? null : new Date(startAt).toISOString(), scenario: redactConfig(whole) };
  // A run of one worker runs on this thread (the engine's `inline`): this process does nothing
  // else while it runs, and a new worker thread cost more than everything else before the first
  // request (docs/PERFORMANCE.md, "Start-up"). Runs of several workers boot them now, on the
  // other cores, while this thread opens the run history and loads the rest.
  const inline = workerCount(scenario) === 1;
  if (!inline) prewarmWorkers(scenario);
  const tags = values.tag ?? [];
  for (const t of tags) if (!/^[^,\s]{1,50}$/.test(t)) throw new UsageError(`--tag: "${t}" is not a tag (1–50 characters, no spaces or commas)`);
  const abortOnFail = !!values['abort-on-fail'];
  if (abortOnFail && scenario.thresholds.length === 0) {
    throw new UsageError('--abort-on-fail needs a threshold (--threshold, or "thresholds" in the scenario file)');
  }
  const reports = reportFilesFrom(values);
  const streams = streamTargetsFrom(values.out);
  const metricsPort = metricsPortOption(values['metrics-port']);
  let otlpUrl: string | undefined;
  if (values.otlp !== undefined) {
    try {
      otlpUrl = otlpMetricsUrl(values.otlp);
    } catch (err) {
      throw new UsageError(`--otlp: ${(err as Error).message}`);
    }
  }
  if (streams.result !== undefined) checkOutputFile(streams.result, { flag: '--out', force: true, database: values['no-save'] ? undefined : resolveDbPath(values.db) });
  if (streams.jsonl === '-' && values.json) throw new UsageError('--out jsonl=- and --json both write to stdout; give --out jsonl=FILE, or leave out --json (the last line is the summary)');
  const store = values['no-save'] ? null : openHistory(values.db, 'use --no-save to run without the history');
  const outputs: RunOutput[] = [];
  const demo = demoTargetOnFirstUse();
  try {
    if (streams.jsonl !== undefined) outputs.push(openOutput(() => new JsonlStream(streams.jsonl!), '--out jsonl'));
    if (metricsPort !== undefined) {
      // Loaded only when asked for (prom-client): not on the way to the first request.
      const { PrometheusEndpoint } = await import('../../liveMetrics/prometheusEndpoint.ts');
      const endpoint = await PrometheusEndpoint.start(metricsPort).catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(`--metrics-port: ${PrometheusEndpoint.listenFailure(metricsPort, err)}`);
      });
      endpoint.begin(scenario);
      outputs.push(endpoint);
      if (!values.quiet) process.stderr.write(`Metrics for Prometheus at http://127.0.0.1:${endpoint.port}/metrics\n`);
    }
    let otlp: OtlpPush | undefined;
    if (otlpUrl !== undefined) {
      // Loaded only when asked for: the OpenTelemetry SDK is not on the way to the first request.
      const { OtlpPush: Push } = await import('../../liveMetrics/otlpPush.ts');
      otlp = new Push(otlpUrl);
      otlp.begin(scenario);
      outputs.push(otlp);
      if (!values.quiet) process.stderr.write(`Pushing metrics over OTLP/HTTP to ${otlp.url} each second\n`);
    }
    // A scenario saved in the app may name the demo target symbolically: run one in this process.
    const runs = new RunService(store, { demoTarget: demo.demoTarget, inline }, cliMeasurementLock(store, 'run'));
    const meta = { tags, notes: values.note, abortOnFail, keepGoing: !!values['keep-going'], keepGoingHint: 'barrage run --keep-going runs to the end anyway.', storeSecrets: !!values['store-secrets'], startAt, shard };
    const stdout = streams.jsonl === '-' || values.full ? 'taken' : values.json ? 'json' : 'table';
    const { runId, result, thresholdBreach, startLateMs } = await execute(runs, scenario, { stdout, quiet: !!values.quiet, outputs }, meta);
    if (streams.result !== undefined || values.full) {
      const doc = resultDocument(runId, result, { tags, notes: values.note ?? '', shard, startLateMs });
      if (values.full) process.stdout.write(doc);
      if (streams.result !== undefined) {
        try {
          writeOutputFile(streams.result, doc, { flag: '--out', force: true, database: store?.file });
        } catch (err) {
          process.stderr.write(`barrage run: --out: cannot write ${streams.result} (${(err as Error).message})\n`);
          return EXIT.failed;
        }
      }
    }
    if (runId !== null && stdout === 'table' && !values.quiet) process.stderr.write(`Stored as run ${runId} (barrage runs show ${runId}) in ${store!.file}\n`);
    const identity: RunIdentity = { runId, name: scenario.name ?? null, url: redactUrl(scenario.url) };
    // Report code (and its libraries) is loaded only when a report was asked for: it is not on
    // the way to the first request.
    const { runJunitXml } = reports.junit !== undefined ? await import('../../ci/junitReport.ts') : { runJunitXml: null };
    const { runMarkdown } = reports.summaryMd !== undefined ? await import('../../ci/markdownSummary.ts') : { runMarkdown: null };
    const written = writeReports('run', reports, {
      junit: () => runJunitXml!(result.summary, identity),
      markdown: () => runMarkdown!(result.summary, identity),
    });
    const code = exitCodeOf(result, thresholdBreach, { allowEmpty: !!values['allow-empty'] });
    if (code === EXIT.failed && result.summary.status === 'completed') {
      process.stderr.write('barrage run: nothing completed (no request or message was answered); exit 1 (--allow-empty to accept)\n');
    }
    return code === EXIT.ok && !written ? EXIT.failed : code;
  } finally {
    for (const o of outputs) await o.close();
    const pushed = outputs.find((o): o is OtlpPush => 'stats' in o && 'url' in o);
    if (pushed && pushed.stats.failed > 0) {
      // The collector's trouble is not the measurement's: said, but it does not change the exit code.
      const { sent, failed, lastError } = pushed.stats;
      process.stderr.write(`barrage run: --otlp: ${failed} of ${sent + failed} pushes to ${pushed.url} failed (last: ${lastError ?? 'refused'})\n`);
    }
    await demo.close();
    store?.close();
  }
}

/** Shard K of N's share of the scenario; a share that would be empty is bad input. */
function shardOf(whole: Scenario, shard: ShardSpec): Scenario {
  try {
    return shardScenario(whole, shard);
  } catch (err) {
    throw new UsageError(`--shard: ${(err as Error).message}`);
  }
}

/**
 * The complete result as a file (runExchange.ts's format, one run): what the history keeps,
 * plus, for a shard, how late it began after --start-at on this machine's clock.
 */
function resultDocument(
  runId: number | null,
  result: RunResult,
  meta: { tags: string[]; notes: string; shard?: ShardInfo; startLateMs?: number },
): string {
  const environment: RunEnvironment = collectEnvironment(result.config, result.summary.generator.workers);
  if (meta.shard) environment.shard = meta.startLateMs === undefined ? meta.shard : { ...meta.shard, startLateMs: meta.startLateMs };
  return exportRunsJson([
    {
      id: runId,
      ...result,
      scenarioId: null,
      scenarioName: result.config.name ?? null,
      groupId: null,
      tags: meta.tags,
      notes: meta.notes,
      environment,
    },
  ]);
}

/** An output that cannot be opened (a file that cannot be created, a port in use) is bad input. */
function openOutput(open: () => RunOutput, flag: string): RunOutput {
  try {
    return open();
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.replace(/\s+/g, ' ').trim());
  }
}


type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

/** --from-run: the stored run's own copy of its configuration (secrets possibly redacted). */
function storedRunConfig(raw: string, values: Values): { id: number; config: Scenario } {
  if (values.scenario !== undefined) throw new UsageError('give --scenario FILE or --from-run ID, not both');
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id < 1) throw new UsageError(`--from-run: "${raw}" is not a run id (a whole number, see barrage runs list)`);
  const store = openHistory(values.db);
  try {
    const run = store.getRun(id);
    if (!run) throw new UsageError(`--from-run: no run ${id} in ${store.file} (see barrage runs list)`);
    return { id, config: run.config };
  } finally {
    store.close();
  }
}

export function buildScenario(values: Values, positionals: string[], stored?: Scenario): Scenario {
  // Thresholds first: a typo in a CI gate is reported before anything else happens.
  const flagThresholds = (values.threshold ?? []).map((expression) => {
    const parsed = tryParseThreshold(expression);
    if (!parsed.ok) throw new UsageError(`--threshold ${parsed.error}`);
    return parsed.value.expression;
  });
  if (positionals.length > 1) throw new UsageError(`expected one URL, got ${positionals.length}: ${positionals.join(' ')}`);
  let base: Record<string, unknown> = stored ? { ...stored } : {};
  if (values.scenario) base = readScenarioFile(values.scenario);
  // h2c://… and h2://… are the CLI's shorthand for an http(s) URL over HTTP/2.
  const shorthand = positionals[0] !== undefined ? http2Shorthand(positionals[0]) : undefined;
  const url = shorthand?.url ?? (base.url as string | undefined);
  if (!url) throw new UsageError('no URL given (barrage run <url>, or --scenario FILE); see barrage run --help');
  const schemeProtocol = protocolOfUrl(url);
  // A flow's URL is its base URL, http(s) or ws(s): its protocol is "flow" whatever the scheme.
  const isFlow = base.protocol === 'flow';
  if (!isFlow && schemeProtocol !== undefined && base.protocol !== undefined && base.protocol !== schemeProtocol) {
    // Never run a "ws" scenario as HTTP (or the reverse) because of its URL: one of them is wrong.
    throw new UsageError(`--scenario: protocol "${String(base.protocol)}" does not match the URL ${redactUrl(url)} (a ${schemeProtocol} URL); fix one of them`);
  }
  const protocol = isFlow ? 'flow' : (schemeProtocol ?? (base.protocol as string | undefined) ?? 'http');
  const input: Record<string, unknown> = { ...base, protocol, url };
  const set = (field: string, value: unknown) => {
    if (value !== undefined) input[field] = value;
  };
  set('connections', integerOption(values.connections, '--connections'));
  set('durationSec', numberOption(values.duration, '--duration'));
  set('amount', integerOption(values.amount, '--amount'));
  if (values.amount !== undefined && values.duration === undefined) delete input.durationSec;
  if (values.duration !== undefined && values.amount === undefined) delete input.amount;
  set('rate', numberOption(values.rate, '--rate'));
  if (values.stage !== undefined) {
    input.stages = values.stage.map((text) => {
      try {
        return parseStageText(text);
      } catch (err) {
        throw new UsageError(`--stage ${(err as Error).message}`);
      }
    });
    // Stages set the length: a file's duration or amount gives way to them.
    if (values.duration === undefined) delete input.durationSec;
    if (values.amount === undefined) delete input.amount;
  }
  set('stageTarget', values['stage-target']);
  set('workers', integerOption(values.workers, '--workers'));
  set('processes', integerOption(values.processes, '--processes'));
  set('sourceAddresses', values['source-addresses']);
  set('timeoutSec', numberOption(values.timeout, '--timeout'));
  set('warmupSec', integerOption(values.warmup, '--warmup'));
  if (values.insecure) input.insecure = true;
  set('maxResponseBytes', integerOption(values['max-response-bytes'], '--max-response-bytes'));
  if (flagThresholds.length > 0) {
    // A scenario file's own list is checked by the schema (its errors name "thresholds.N").
    const own = Array.isArray(base.thresholds) ? (base.thresholds as unknown[]) : [];
    input.thresholds = [...new Set([...own, ...flagThresholds])];
  }
  if (values.header) input.headers = { ...(base.headers as object | undefined), ...parseHeaders(values.header) };
  if (protocol === 'http') {
    set('method', values.method?.toUpperCase());
    set('body', values.body);
    const bodyType = values['body-type'] ?? (values.body !== undefined ? guessBodyType(values.body) : undefined);
    set('bodyType', bodyType);
    set('pipelining', integerOption(values.pipelining, '--pipelining'));
    if (values.http2 || shorthand?.http2) input.http2 = true;
    set('streams', integerOption(values.streams, '--streams'));
    if (values['new-connection']) input.newConnectionPerRequest = true;
    if (values['expect-status'] !== undefined) input.expectedStatus = parseStatusList(values['expect-status']);
    setUpdateMode(input, values, base);
    // WebSocket-only flags on an HTTP URL are refused, not ignored: `--mode push` on http://
    // would otherwise start a plain HTTP run the user did not ask for.
    for (const flag of ['mode', 'message', 'in-flight', ...(input.sse === undefined ? (['connect-rate'] as const) : []), 'max-connecting', 'subprotocol', 'ping-interval', 'deflate', 'close-on-ping-timeout'] as const) {
      const v = values[flag];
      if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)) throw new UsageError(`--${flag} applies to WebSocket URLs (ws:// or wss://) only, not ${redactUrl(url)}`);
    }
  } else {
    set('mode', values.mode);
    set('message', values.message);
    set('inFlight', integerOption(values['in-flight'], '--in-flight'));
    set('connectRate', numberOption(values['connect-rate'], '--connect-rate'));
    set('maxConnecting', integerOption(values['max-connecting'], '--max-connecting'));
    set('subprotocols', values.subprotocol);
    set('pingIntervalSec', numberOption(values['ping-interval'], '--ping-interval'));
    if (values.deflate) input.perMessageDeflate = true;
    if (values['close-on-ping-timeout']) input.closeOnPingTimeout = true;
    for (const flag of ['method', 'body', 'pipelining', 'new-connection', 'expect-status', 'http2', 'streams', 'sse', 'retry', 'poll-interval', 'long-poll'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to HTTP URLs only, not ${redactUrl(url)}`);
    }
  }
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(withFlagNames(formatIssues(parsed.error), FLAG_OF_FIELD));
  return parsed.data;
}

/**
 * --sse, --poll-interval, --long-poll: the HTTP scenario's update mode (an `sse` or `poll`
 * object; see scenario.ts). A scenario file's own object is kept, the flags override its fields.
 */
function setUpdateMode(input: Record<string, unknown>, values: Values, base: Record<string, unknown>): void {
  const wantsPoll = values['poll-interval'] !== undefined || values['long-poll'] === true;
  if (values.sse && wantsPoll) throw new UsageError('--sse and --poll-interval/--long-poll are different update modes: give one');
  if (values['poll-interval'] !== undefined && values['long-poll']) throw new UsageError('--long-poll asks again on each answer: leave out --poll-interval');
  const own = (key: string) => (typeof base[key] === 'object' && base[key] !== null ? { ...(base[key] as object) } : {});
  if (values.sse || values.retry !== undefined || (input.sse !== undefined && values['connect-rate'] !== undefined)) {
    if (!values.sse && input.sse === undefined) throw new UsageError('--retry applies to --sse only');
    const sse: Record<string, unknown> = own('sse');
    if (values.retry !== undefined) sse.retryMs = integerOption(values.retry, '--retry');
    if (values['connect-rate'] !== undefined) sse.connectRate = numberOption(values['connect-rate'], '--connect-rate');
    input.sse = sse;
    delete input.poll;
  } else if (wantsPoll) {
    const poll: Record<string, unknown> = values['long-poll'] ? { long: true } : { intervalMs: integerOption(values['poll-interval'], '--poll-interval') };
    input.poll = poll;
    delete input.sse;
  }
}

export function readScenarioFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--scenario: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let scenario: Record<string, unknown>;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    scenario = value as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--scenario: ${path} is not a JSON scenario (${(err as Error).message})`);
  }
  // A flow's data.file is read now, relative to the scenario file, so the scenario validated
  // and stored holds the rows (src/main/flowData/dataFile.ts).
  try {
    return withDataRows(scenario, path);
  } catch (err) {
    if (err instanceof DataFileError) throw new UsageError(`--scenario: data.file: ${err.message}`);
    throw err;
  }
}

export function parseHeaders(list: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header: "${h}" is not of the form "Name: value"`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return headers;
}

function parseStatusList(raw: string): number[] {
  return raw.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 100 || n > 599) throw new UsageError(`--expect-status: "${part}" is not an HTTP status code`);
    return n;
  });
}

function guessBodyType(body: string): 'json' | 'text' {
  const t = body.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return 'text';
  try {
    JSON.parse(t);
    return 'json';
  } catch {
    // Looks like JSON but is not: declare it JSON so the schema says what is wrong with it.
    return 'json';
  }
}

export interface ExecuteOptions {
  /** What goes to stdout at the end: the summary table, the summary as JSON, or nothing (a stream has it). */
  stdout: 'table' | 'json' | 'taken';
  quiet: boolean;
  /** Streaming outputs told every second and the final summary. */
  outputs?: readonly RunOutput[];
}

/** One run through the run service (stored as it goes when it has a store), with Ctrl-C. */
export async function execute(
  runs: RunService,
  scenario: Scenario,
  opts: ExecuteOptions,
  meta: RunMeta = {},
): Promise<{ runId: number | null; result: RunResult; thresholdBreach?: LiveBreach; startLateMs?: number }> {
  let started;
  // The CLI's sinks: the progress line on stderr, then the --out streams (the run service feeds
  // them each second and the final result, after the history has it).
  const printer: RunSink = {
    second: (_runId, p: RunProgress) => {
      if (!opts.quiet) process.stderr.write(progressLine(p, scenario) + '\n');
    },
    finished: () => {},
  };
  try {
    const onWarning = (message: string) => process.stderr.write(`warning: ${message}\n`);
    started = runs.start(scenario, { onWarning, ...meta, sinks: [printer, ...(opts.outputs ?? []), ...(meta.sinks ?? [])] });
  } catch (err) {
    if (err instanceof PreflightError) throw new UsageError(err.message);
    throw err;
  }
  const { handle, done, runId } = started;
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    if (!opts.quiet) process.stderr.write('stopping… (Ctrl-C again to quit at once)\n');
    handle.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    const outcome = await done;
    const { result } = outcome;
    if (opts.stdout === 'json') {
      const doc = runId === null ? summaryJson(result.summary) : { runId, ...summaryJson(result.summary) };
      process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    } else if (opts.stdout === 'table') process.stdout.write(summaryTable(result.summary, `${scenario.name ?? 'Run'} — ${redactUrl(scenario.url)}`, scenario.url));
    return outcome;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * A run that could not be measured is a failure (1) whatever its thresholds say; a run stopped by
 * a breached threshold, or completed with a failed threshold, exits 99; Ctrl-C exits 130. A run
 * in which nothing completed (a dead or broken target) exits 1 unless `allowEmpty`: it must
 * never read as a clean run in CI.
 */
export function exitCodeOf(result: RunResult, breach?: LiveBreach, opts: { allowEmpty?: boolean } = {}): number {
  const thresholdsFailed = (result.summary.thresholds ?? []).some((t) => !t.passed);
  switch (result.summary.status) {
    case 'completed':
      if (thresholdsFailed) return EXIT.thresholdFailed;
      return nothingCompleted(result.summary) && !opts.allowEmpty ? EXIT.failed : EXIT.ok;
    case 'aborted':
      return breach ? EXIT.thresholdFailed : EXIT.interrupted;
    default:
      return EXIT.failed;
  }
}
