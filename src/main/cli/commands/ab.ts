// `barrage ab SCENARIO_A SCENARIO_B --rounds N`: two saved scenarios run interleaved A B A B …
// with the same warm-up, stored as one group, then compared as groups of runs.
import { statusWord } from '../../../shared/runStatusWord.ts';
import { parseArgs } from 'node:util';
import { AB_DEFAULT_ROUNDS, AB_MAX_ROUNDS, AB_MIN_ROUNDS, AB_MIN_ROUNDS_WHY, type AbStatus } from '../../../shared/ab.ts';
import { compareStoredGroups } from '../../../shared/comparison.ts';
import { groupRuns } from '../../../shared/groupRuns.ts';
import type { StoredRun, StoredScenario } from '../../../shared/history.ts';
import type { Protocol } from '../../../shared/scenario.ts';
import { formatCount, formatUs } from '../../../shared/units.ts';
import { PreflightError } from '../../engine/index.ts';
import { startAb } from '../../services/abRunner.ts';
import { RunService } from '../../services/runService.ts';
import type { RunStore } from '../../store/runStore.ts';
import { openHistory } from '../history.ts';
import { cliMeasurementLock } from '../measurementLock.ts';
import { demoTargetOnFirstUse } from '../demoTargetOnFirstUse.ts';
import { integerOption } from '../argParsing.ts';
import { COMPARE_FLAGS, COMPARE_FLAGS_HELP, compareOptionsFrom, comparisonExitCode } from '../compareFlags.ts';
import { REPORT_FLAGS, REPORT_FLAGS_HELP, reportFilesFrom, writeReports, type ReportFiles } from '../ciFlags.ts';
import { groupsComparisonJunitXml } from '../../ci/junitReport.ts';
import { groupsComparisonMarkdown } from '../../ci/markdownSummary.ts';
import { METRICS_PORT_FLAG, METRICS_PORT_HELP, metricsPortOption, openSessionMetrics } from '../metricsPortFlag.ts';
import { EXIT } from '../exitCodes.ts';
import { groupsComparisonText } from '../format/comparisonText.ts';
import { progressLine } from '../format/progressLine.ts';
import { HISTORY_OPTIONS } from '../subcommands.ts';
import { UsageError } from '../usageError.ts';
import { withRerunSecrets } from '../rerunSecrets.ts';

export const AB_HELP = `Usage: barrage ab SCENARIO_A SCENARIO_B [options]
       barrage ab SCENARIO --baseline [options]

Runs two saved scenarios (names or ids, see barrage scenarios list) interleaved, A B A B …, with
the same warm-up, so that the machine's drift over time falls on both alike. Every run is stored
with one group id and the tags ab and ab:A / ab:B. At the end B is compared with A with the runs
on two levels — the spread between rounds and each run's own seconds, A and B of a round paired
— and a verdict per figure (throughput, p50, p99) needs the whole 95% interval of the change
beyond the noise threshold. A "no clear difference" says how many rounds would detect a 10%
change at the noise measured. With the defaults (5 rounds of the scenarios' length) a 10% change
of throughput or p50 is caught when runs vary by a few percent; see README, A/B runs.

With --baseline, A is the configuration of the scenario's baseline run (as it was measured,
see barrage scenarios baseline) and B the scenario as it is now: has the edit changed anything?

Options
      --rounds N          runs per side (default ${AB_DEFAULT_ROUNDS}, ${AB_MIN_ROUNDS} to ${AB_MAX_ROUNDS}: ${AB_MIN_ROUNDS_WHY})
      --warmup-sec S      warm-up of every run (default: the larger of the two scenarios')
${COMPARE_FLAGS_HELP}
      --json              print the result as one JSON document
${REPORT_FLAGS_HELP}
                          (one test case per figure; "worse" is a failure)
  -q, --quiet             no progress on stderr
  -v, --verbose           progress of every second, not only of every run
${METRICS_PORT_HELP}
      --db FILE           the run history (default: $BARRAGE_DB, else the app's own database)
      --store-secrets     keep the URL password and credential header values in the stored
                          runs' configurations (default: a redacted copy, see docs/SECURITY.md)
  -h, --help              this help

A baseline run stored without its secrets (no --store-secrets) needs them back: each comes from
an environment variable — BARRAGE_URL_PASSWORD, BARRAGE_HEADER_<NAME> (e.g.
BARRAGE_HEADER_AUTHORIZATION, BARRAGE_HEADER_X_API_KEY) — or, in a terminal, is asked for
without echo; it is not stored unless --store-secrets is given.

Afterwards: barrage compare --group GROUP, barrage report --group GROUP.

Exit codes: 0 every figure judged and none of B got worse, 1 a run failed, 2 bad input, 3 a
figure of B got worse beyond its noise threshold, 4 inconclusive (none worse, but some figure
could not be judged; 3 with --fail-on-inconclusive), 130 stopped with Ctrl-C.
`;

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...HISTORY_OPTIONS,
      ...COMPARE_FLAGS,
      ...REPORT_FLAGS,
      rounds: { type: 'string' },
      'warmup-sec': { type: 'string' },
      baseline: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      verbose: { type: 'boolean', short: 'v' },
      'store-secrets': { type: 'boolean' },
      ...METRICS_PORT_FLAG,
    },
  });
  if (values.help) {
    process.stdout.write(AB_HELP);
    return EXIT.ok;
  }
  if (values.baseline ? positionals.length !== 1 : positionals.length !== 2) {
    throw new UsageError(
      values.baseline
        ? 'give one saved scenario: barrage ab SCENARIO --baseline (see barrage ab --help)'
        : 'give two saved scenarios: barrage ab SCENARIO_A SCENARIO_B (see barrage ab --help)',
    );
  }
  const rounds = integerOption(values.rounds, '--rounds') ?? AB_DEFAULT_ROUNDS;
  if (rounds < AB_MIN_ROUNDS || rounds > AB_MAX_ROUNDS) {
    throw new UsageError(`--rounds: must be from ${AB_MIN_ROUNDS} to ${AB_MAX_ROUNDS} (${AB_MIN_ROUNDS_WHY})`);
  }
  const warmupSec = integerOption(values['warmup-sec'], '--warmup-sec');
  if (warmupSec !== undefined && (warmupSec < 0 || warmupSec > 3600)) throw new UsageError('--warmup-sec: must be from 0 to 3600');
  const compare = compareOptionsFrom(values);
  const reports = reportFilesFrom(values);
  const quiet = !!values.quiet || !!values.json;
  const metricsPort = metricsPortOption(values['metrics-port']);
  const verbose = !!values.verbose && !quiet;

  let metrics: Awaited<ReturnType<typeof openSessionMetrics>> | undefined;
  // A scenario saved in the app may name the demo target symbolically: one runs in this process.
  const demo = demoTargetOnFirstUse();
  const store = openHistory(values.db);
  try {
    const scenarios = positionals.map((p) => {
      const s = store.getScenario(p);
      if (!s) throw new UsageError(`no saved scenario "${p}" in ${store.file} (see barrage scenarios list)`);
      return s;
    });
    const [a, b] = values.baseline ? [await baselineSide(store, scenarios[0]), scenarios[0]] : scenarios;
    const runs = new RunService(store, { demoTarget: demo.demoTarget }, cliMeasurementLock(store, 'ab'));
    if (metricsPort !== undefined) metrics = await openSessionMetrics(metricsPort, runs, quiet);
    let handle;
    try {
      handle = startAb(runs, {
        a: side(a),
        b: side(b),
        rounds,
        warmupSec,
        compare,
        storeSecrets: !!values['store-secrets'],
        onUpdate: quiet ? undefined : runReporter((x) => (x === 'A' ? a : b).config.protocol),
        onProgress: verbose ? (run, p) => process.stderr.write(`  ${run.side}  ${progressLine(p, (run.side === 'A' ? a : b).config)}\n`) : undefined,
      });
    } catch (err) {
      if (err instanceof PreflightError || err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    if (!quiet) {
      process.stderr.write(`A/B ${handle.groupId}: ${rounds} rounds of A "${a.name}" and B "${b.name}", warm-up ${handle.status().warmupSec} s\n`);
    }
    let interrupts = 0;
    const onSigint = () => {
      if (++interrupts > 1) process.exit(EXIT.interrupted);
      if (!quiet) process.stderr.write('stopping after the run in progress… (Ctrl-C again to quit at once)\n');
      handle.stop();
    };
    process.on('SIGINT', onSigint);
    let status: AbStatus;
    try {
      status = await handle.done;
    } finally {
      process.off('SIGINT', onSigint);
    }
    return finish(store, status, compare, !!values.json, reports, values['fail-on-inconclusive']);
  } finally {
    await metrics?.close();
    await demo.close();
    store.close();
  }
}

/**
 * The scenario as its baseline run measured it: that run's own copy of the configuration, with
 * the secrets it was stored without given back (environment, or asked on the terminal).
 */
async function baselineSide(store: RunStore, s: StoredScenario): Promise<StoredScenario> {
  if (s.baselineRunId === null) {
    throw new UsageError(`scenario "${s.name}" has no baseline run (barrage scenarios baseline "${s.name}" RUN)`);
  }
  const run = store.getRun(s.baselineRunId);
  if (!run) throw new UsageError(`the baseline run ${s.baselineRunId} of "${s.name}" is no longer stored`);
  return { ...s, name: `${s.name} @ baseline run ${run.id}`, config: await withRerunSecrets(run.config, `baseline run ${run.id}`) };
}

function side(s: StoredScenario) {
  return { config: s.config, scenarioId: s.id, name: s.name };
}

/** Prints each run on stderr as it ends: "round 2/5  B  run 15  completed  12,345 req/s  p50 812 µs  p99 2.1 ms". */
function runReporter(protocolOf: (side: 'A' | 'B') => Protocol): (s: AbStatus) => void {
  let printed = 0;
  return (s) => {
    while (printed < s.runs.length && s.runs[printed].status !== 'running') {
      const r = s.runs[printed++];
      const unit = protocolOf(r.side) === 'ws' ? 'msg/s' : 'req/s';
      process.stderr.write(
        `  round ${r.round}/${s.rounds}  ${r.side}  run ${r.runId}  ${statusWord(r.status)}  ${formatCount(r.throughputPerSec, 1)} ${unit}  p50 ${formatUs(r.p50Us)}  p99 ${formatUs(r.p99Us)}\n`,
      );
    }
  };
}

function finish(
  store: RunStore,
  status: AbStatus,
  compare: ReturnType<typeof compareOptionsFrom>,
  json: boolean,
  reports: ReportFiles,
  failOnInconclusive: boolean | undefined,
): number {
  const stored = status.runs.map((r) => store.getRun(r.runId)).filter((r): r is StoredRun => r !== undefined);
  const { a, b } = groupRuns(stored);
  const comparison = a.length > 0 && b.length > 0 ? compareStoredGroups(a, b, compare, status.groupId) : null;
  if (json) {
    const { comparisons: _c, worse: _w, ...rest } = status;
    process.stdout.write(`${JSON.stringify({ ...rest, comparison }, null, 2)}\n`);
  } else {
    if (comparison) process.stdout.write(groupsComparisonText(comparison, { a: status.scenarioA.name, b: status.scenarioB.name }));
    process.stdout.write(`Group ${status.groupId}: barrage compare --group ${status.groupId}, barrage report --group ${status.groupId}\n`);
  }
  const labels = { a: status.scenarioA.name, b: status.scenarioB.name };
  const written = comparison
    ? writeReports('ab', reports, { junit: () => groupsComparisonJunitXml(comparison, labels), markdown: () => groupsComparisonMarkdown(comparison, labels) })
    : true;
  if (status.state === 'failed') {
    process.stderr.write(`barrage ab: ${status.error}\n`);
    return EXIT.failed;
  }
  if (status.state === 'stopped') return EXIT.interrupted;
  if (comparison && comparison.outcome === 'worse') return EXIT.worse;
  if (!written) return EXIT.failed;
  // No comparison at all (a side has no completed run) could not judge anything either.
  return comparisonExitCode(comparison ? comparison.outcome : 'inconclusive', failOnInconclusive);
}

