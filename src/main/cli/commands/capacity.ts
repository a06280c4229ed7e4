// `barrage capacity URL|--scenario FILE --slo EXPR…`: the highest arrival rate at which the
// target still meets every SLO (src/shared/capacity.ts, src/main/services/capacitySearch.ts).
import { parseArgs } from 'node:util';
import { redactUrl } from '../../../shared/redact.ts';
import { CAPACITY_DEFAULTS, type CapacitySettings, type CapacityStatus, type CapacityStep } from '../../../shared/capacity.ts';
import { formatIssues, protocolOfUrl, scenarioSchema, type Protocol, type Scenario } from '../../../shared/scenario.ts';
import { formatCount, formatPercent, formatUs } from '../../../shared/units.ts';
import { PreflightError } from '../../engine/index.ts';
import { startCapacitySearch } from '../../services/capacitySearch.ts';
import { RunService } from '../../services/runService.ts';
import { cliMeasurementLock } from '../measurementLock.ts';
import { demoTargetOnFirstUse } from '../demoTargetOnFirstUse.ts';
import { integerOption, numberOption } from '../argParsing.ts';
import { METRICS_PORT_FLAG, METRICS_PORT_HELP, metricsPortOption, openSessionMetrics } from '../metricsPortFlag.ts';
import { EXIT } from '../exitCodes.ts';
import { openHistory } from '../history.ts';
import { formatTable } from '../format/table.ts';
import { UsageError } from '../usageError.ts';
import { parseHeaders, readScenarioFile } from './run.ts';

export const CAPACITY_HELP = `Usage: barrage capacity <url> --slo EXPR [--slo EXPR…] [options]
       barrage capacity --scenario FILE --slo EXPR [options]

Finds the highest arrival rate at which the target meets every SLO. Each step is a run of the
open model (latency from each request's scheduled send time) at one rate, held --step-sec
seconds; its steady seconds give each SLO's figure with a 95% bootstrap interval. The rate grows
by --growth until an SLO fails, then is bisected between the last pass and the first fail until
they are within --precision. If the generator is the limit (saturated, or it could not send at
the asked rate) the search stops and says so: the answer is then "at least R", never a capacity.
Every step is stored as a run in one group (tag capacity): barrage compare --group GROUP.

Search
      --slo EXPR          an SLO, as a threshold: 'p99<100ms', 'p50<20ms', 'errors<1%', … (repeatable,
                          at least one; p50/p99/rps are judged with intervals over the seconds)
      --start-rate R      first rate, per second (default ${CAPACITY_DEFAULTS.startRate})
      --max-rate R        highest rate tried (default ${formatCount(CAPACITY_DEFAULTS.maxRate)})
      --step-sec S        seconds per rate, warm-up included (default ${CAPACITY_DEFAULTS.stepSec})
      --precision P       relative precision of the answer, percent (default ${CAPACITY_DEFAULTS.precision * 100})
      --growth F          factor between rates while growing (default ${CAPACITY_DEFAULTS.growth})
      --budget S          stop after S seconds of load in all (default ${CAPACITY_DEFAULTS.budgetSec})
      --expect-rate R     CI gate: exit 0 only if the capacity found is at least R

Load (as barrage run)
  -c, --connections N     at least N connections (more are opened as the rate needs them)
  -w, --workers N         load worker threads
  -m, --method M          HTTP method;  -H, --header "K: V";  -b, --body TEXT
      --timeout S         request timeout in seconds;  --warmup S  warm-up seconds of each step
      --scenario FILE     the load from a scenario file (HTTP, or WebSocket echo/rate mode)

Output
      --json              the search as one JSON document
${METRICS_PORT_HELP}
  -q, --quiet             no progress on stderr
      --db FILE           the run history (default: $BARRAGE_DB, else the app's own database)
      --store-secrets     keep the URL password and credential header values in the stored
                          steps' configurations (default: a redacted copy, see docs/SECURITY.md)

Exit codes: 0 the search ended with an answer (with --expect-rate: the capacity is at least R),
1 the generator was the limit below R, or a step failed, 2 bad input, 99 the capacity is below
--expect-rate R, 130 stopped with Ctrl-C.
`;

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      slo: { type: 'string', multiple: true },
      'start-rate': { type: 'string' },
      'max-rate': { type: 'string' },
      'step-sec': { type: 'string' },
      precision: { type: 'string' },
      growth: { type: 'string' },
      budget: { type: 'string' },
      'expect-rate': { type: 'string' },
      scenario: { type: 'string' },
      connections: { type: 'string', short: 'c' },
      workers: { type: 'string', short: 'w' },
      method: { type: 'string', short: 'm' },
      header: { type: 'string', short: 'H', multiple: true },
      body: { type: 'string', short: 'b' },
      timeout: { type: 'string' },
      warmup: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      db: { type: 'string' },
      'store-secrets': { type: 'boolean' },
      ...METRICS_PORT_FLAG,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CAPACITY_HELP);
    return EXIT.ok;
  }
  const settings: CapacitySettings = {
    slos: values.slo ?? [],
    startRate: numberOption(values['start-rate'], '--start-rate') ?? CAPACITY_DEFAULTS.startRate,
    maxRate: numberOption(values['max-rate'], '--max-rate') ?? CAPACITY_DEFAULTS.maxRate,
    stepSec: numberOption(values['step-sec'], '--step-sec') ?? CAPACITY_DEFAULTS.stepSec,
    precision: (numberOption(values.precision, '--precision') ?? CAPACITY_DEFAULTS.precision * 100) / 100,
    growth: numberOption(values.growth, '--growth') ?? CAPACITY_DEFAULTS.growth,
    budgetSec: numberOption(values.budget, '--budget') ?? CAPACITY_DEFAULTS.budgetSec,
  };
  const expectRate = numberOption(values['expect-rate'], '--expect-rate');
  if (expectRate !== undefined && !(expectRate > 0)) throw new UsageError('--expect-rate: must be greater than 0');
  const scenario = buildScenario(values, positionals, settings.stepSec);
  const quiet = !!values.quiet || !!values.json;
  const metricsPort = metricsPortOption(values['metrics-port']);

  let metrics: Awaited<ReturnType<typeof openSessionMetrics>> | undefined;
  // A scenario saved in the app may name the demo target symbolically: one runs in this process.
  const demo = demoTargetOnFirstUse();
  const store = openHistory(values.db, 'a capacity search stores every step as a run');
  try {
    // The search measures under the lock every Barrage process on this history shares.
    const runs = new RunService(store, { demoTarget: demo.demoTarget }, cliMeasurementLock(store, 'capacity'));
    if (metricsPort !== undefined) metrics = await openSessionMetrics(metricsPort, runs, quiet);
    let handle;
    try {
      handle = startCapacitySearch(runs, { scenario, settings, storeSecrets: !!values['store-secrets'], onUpdate: quiet ? undefined : stepReporter(scenario.protocol) });
    } catch (err) {
      if (err instanceof PreflightError) throw new UsageError(err.message);
      if (err instanceof RangeError) throw new UsageError(`--${err.message.replace(/^slo:/, 'slo:')}`);
      throw err;
    }
    if (!quiet) {
      process.stderr.write(
        `capacity ${handle.groupId}: ${redactUrl(scenario.url)} at ${settings.slos.join(', ')}; from ${formatCount(settings.startRate)}/s, ${settings.stepSec} s per rate, precision ${formatPercent(settings.precision, 0)}\n`,
      );
    }
    let interrupts = 0;
    const onSigint = () => {
      if (++interrupts > 1) process.exit(EXIT.interrupted);
      if (!quiet) process.stderr.write('stopping… (Ctrl-C again to quit at once)\n');
      handle.stop();
    };
    process.on('SIGINT', onSigint);
    let status: CapacityStatus;
    try {
      status = await handle.done;
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (values.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else process.stdout.write(capacityText(status));
    return exitCode(status, expectRate);
  } finally {
    await metrics?.close();
    await demo.close();
    store.close();
  }
}

type Values = Record<string, string | string[] | boolean | undefined>;

function buildScenario(values: Values, positionals: string[], stepSec: number): Scenario {
  if (positionals.length > 1) throw new UsageError(`expected one URL, got ${positionals.length}: ${positionals.join(' ')}`);
  const base: Record<string, unknown> = typeof values.scenario === 'string' ? readScenarioFile(values.scenario) : {};
  const url = positionals[0] ?? (base.url as string | undefined);
  if (!url) throw new UsageError('no URL given (barrage capacity <url>, or --scenario FILE); see barrage capacity --help');
  const protocol = protocolOfUrl(url) ?? (base.protocol as string | undefined) ?? 'http';
  // The search sets the rate and the length of every step.
  const { stages: _s, stageTarget: _t, amount: _a, rate: _r, thresholds: _th, ...rest } = base;
  const input: Record<string, unknown> = { ...rest, protocol, url, durationSec: stepSec };
  if (protocol === 'ws') {
    if (input.mode === undefined || input.mode === 'echo') input.mode = 'rate';
    input.rate = 1;
  }
  const set = (field: string, value: unknown) => {
    if (value !== undefined) input[field] = value;
  };
  set('connections', integerOption(values.connections as string | undefined, '--connections'));
  set('workers', integerOption(values.workers as string | undefined, '--workers'));
  set('timeoutSec', numberOption(values.timeout as string | undefined, '--timeout'));
  set('warmupSec', integerOption(values.warmup as string | undefined, '--warmup'));
  if (protocol === 'http') {
    set('method', (values.method as string | undefined)?.toUpperCase());
    set('body', values.body);
  }
  if (Array.isArray(values.header)) input.headers = { ...(base.headers as object | undefined), ...parseHeaders(values.header) };
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error));
  return parsed.data;
}

/** One line per finished step on stderr: "step 3  400/s  failed  achieved 201/s  p99 812 ms  …". */
function stepReporter(protocol: Protocol): (s: CapacityStatus) => void {
  let printed = 0;
  const unit = protocol === 'ws' ? 'msg/s' : 'req/s';
  return (s) => {
    while (printed < s.steps.length) {
      const x = s.steps[printed++];
      process.stderr.write(
        `  step ${printed}  ${formatCount(x.rate, 1)} ${unit}  ${x.outcome}  achieved ${formatCount(x.achievedPerSec, 1)}/s  p50 ${formatUs(x.p50Us)}  p99 ${formatUs(x.p99Us)}${x.outcome === 'passed' ? '' : `  — ${x.reason}`}\n`,
      );
    }
  };
}

export function capacityText(status: CapacityStatus): string {
  const table = formatTable(status.steps, [
    { header: 'STEP', value: (x: CapacityStep) => String(status.steps.indexOf(x) + 1), align: 'right' },
    { header: 'OFFERED', value: (x) => `${formatCount(x.rate, 1)}/s`, align: 'right' },
    { header: 'ACHIEVED', value: (x) => `${formatCount(x.achievedPerSec, 1)}/s`, align: 'right' },
    { header: 'P50', value: (x) => formatUs(x.p50Us), align: 'right' },
    { header: 'P99', value: (x) => formatUs(x.p99Us), align: 'right' },
    { header: 'ERRORS', value: (x) => formatPercent(x.errorShare, 2), align: 'right' },
    { header: 'RESULT', value: (x) => x.outcome },
    { header: 'RUN', value: (x) => (x.runId === null ? '' : String(x.runId)), align: 'right' },
  ]);
  const a = status.answer;
  const lines = [`Capacity search ${status.groupId} — ${redactUrl(status.target.url)}`, table];
  if (a) {
    lines.push(`Result: ${a.sentence}`);
    if (a.capacity) {
      for (const v of a.capacity.slos) lines.push(`  at ${formatCount(a.capacity.rate, 1)}/s: ${v.message}`);
    }
  }
  if (status.error) lines.push(`Error: ${status.error}`);
  lines.push(`Group ${status.groupId}: barrage compare --group ${status.groupId}`);
  return `${lines.join('\n')}\n`;
}

/**
 * 0 an answer (with --expect-rate: capacity ≥ R), 1 a failed step or the generator as the limit
 * below R, 99 a capacity below R, 130 stopped.
 */
export function exitCode(status: CapacityStatus, expectRate: number | undefined): number {
  if (status.state === 'failed') return EXIT.failed;
  if (status.state === 'stopped') return EXIT.interrupted;
  const a = status.answer!;
  if (expectRate === undefined) return EXIT.ok;
  if (a.capacity && a.capacity.rate >= expectRate) return EXIT.ok;
  if (a.stopReason === 'generator-limited') return EXIT.failed;
  return EXIT.thresholdFailed;
}
