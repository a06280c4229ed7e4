// `barrage compare A B [C…]`: stored runs side by side, the first as the baseline, with the
// statistics' verdicts; `barrage compare --group ID` compares the two sides of an A/B run.
// Exits 3 when a figure got worse beyond its noise threshold, 4 when a figure could not be judged
// (never 0 for "could not tell"), so CI can gate on it.
import { parseArgs } from 'node:util';
import { abSides, compareStoredGroups, compareStoredRuns } from '../../../shared/comparison.ts';
import { groupRuns, leftOutNote } from '../../../shared/groupRuns.ts';
import type { StoredRun } from '../../../shared/history.ts';
import type { RunStore } from '../../store/runStore.ts';
import { COMPARE_FLAGS, COMPARE_FLAGS_HELP, compareOptionsFrom, comparisonExitCode } from '../compareFlags.ts';
import { REPORT_FLAGS, REPORT_FLAGS_HELP, reportFilesFrom, writeReports, type ReportFiles } from '../ciFlags.ts';
import { groupsComparisonJunitXml, runsComparisonJunitXml } from '../../ci/junitReport.ts';
import { groupsComparisonMarkdown, runsComparisonMarkdown } from '../../ci/markdownSummary.ts';
import { EXIT } from '../exitCodes.ts';
import { groupsComparisonText, runsComparisonText } from '../format/comparisonText.ts';
import { HISTORY_OPTIONS } from '../subcommands.ts';
import { UsageError } from '../usageError.ts';
import { withHistory } from '../history.ts';
import { parseStageNumber, stageProblem, stageRun, stageSelection } from '../../../shared/stageCompare.ts';
import { compareSteps, withSteps } from '../../../shared/stepCompare.ts';

export const COMPARE_HELP = `Usage: barrage compare BASELINE RUN [RUN...] [options]
       barrage compare --group GROUP [options]

Compares stored runs: the first is the baseline, every other run is compared with it. Prints the
runs' key figures side by side (throughput, p50, p99, p99.9, errors, connections) with their
differences, and a verdict per figure — better, worse or no clear difference — from a block
bootstrap over each run's steady seconds. A verdict needs the whole 95% interval of the change
beyond the noise threshold; "no clear difference" is the honest answer for most pairs of runs.

--stage N compares stage N of each run (numbered from 1, as in the per-stage table of a run with a
load profile), on that stage's own seconds: its latencies, throughput and errors, and verdicts over
its steady seconds only — the hold at 200 connections of two builds, not their ramps.

--group compares the two sides of an A/B run (barrage ab): B against A on two levels, the
spread between rounds and each run's own seconds, rounds paired (see README, A/B runs).

Options
      --group GROUP       the A/B group to compare (its runs are tagged ab:A and ab:B)
      --stage N           compare stage N of each run only (runs with a load profile)
${COMPARE_FLAGS_HELP}
      --json              print the comparison as one JSON document
${REPORT_FLAGS_HELP}
                          (one test case per figure; "worse" is a failure)
      --db FILE           the run history (default: $BARRAGE_DB, else the app's own database)
  -h, --help              this help

Exit codes: 0 every figure judged and none got worse, 1 a run was not found, 2 bad input, 3 a
figure got worse beyond its noise threshold, 4 inconclusive: none got worse but some figure could
not be judged (runs too short, too few rounds; the result line says what would make it
conclusive) — 3 instead with --fail-on-inconclusive.
`;

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...HISTORY_OPTIONS, ...COMPARE_FLAGS, ...REPORT_FLAGS, group: { type: 'string' }, stage: { type: 'string' } },
  });
  if (values.help) {
    process.stdout.write(COMPARE_HELP);
    return EXIT.ok;
  }
  const options = compareOptionsFrom(values);
  const reports = reportFilesFrom(values);
  const group = values.group;
  const stage = values.stage === undefined ? undefined : stageNumber(values.stage);
  if (group !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either run ids or --group, not both');
    if (stage !== undefined) throw new UsageError('--stage: compares runs given by id, not an A/B --group');
    return withHistory(values.db, (store) => compareGroup(store, group, options, !!values.json, reports, values['fail-on-inconclusive']), 'compare');
  }
  if (positionals.length < 2) throw new UsageError('give at least two run ids (the first is the baseline), or --group GROUP; see barrage compare --help');
  const ids = positionals.map(runId);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw new UsageError(`run ${dup} is given twice`);
  return withHistory(
    values.db,
    (store) => {
      const runs = ids.map((id) => store.getRun(id));
      const missing = ids.filter((_, i) => runs[i] === undefined);
      if (missing.length > 0) {
        process.stderr.write(`barrage compare: no ${missing.length === 1 ? 'run' : 'runs'} ${missing.join(', ')} in ${store.file}\n`);
        return EXIT.failed;
      }
      let compared = runs as StoredRun[];
      if (stage !== undefined) {
        const problem = compared.map((r) => stageProblem(r, stage)).find((p) => p !== null);
        if (problem) {
          process.stderr.write(`barrage compare: --stage ${stage}: ${problem}\n`);
          return EXIT.failed;
        }
        compared = compared.map((r) => stageRun(r, stage));
      }
      let comparison = compareStoredRuns(compared, options);
      if (stage !== undefined) comparison.stage = stageSelection(runs as StoredRun[], stage);
      // Flows: each step of the same name compared like a whole run (docs/FLOWS.md).
      const steps = stage === undefined ? compareSteps(compared, options) : null;
      if (steps) comparison = withSteps(comparison, steps);
      process.stdout.write(values.json ? `${JSON.stringify(comparison, null, 2)}\n` : runsComparisonText(comparison));
      const written = writeReports('compare', reports, { junit: () => runsComparisonJunitXml(comparison), markdown: () => runsComparisonMarkdown(comparison) });
      if (comparison.outcome === 'worse') return EXIT.worse;
      return written ? comparisonExitCode(comparison.outcome, values['fail-on-inconclusive']) : EXIT.failed;
    },
    'compare',
  );
}

function compareGroup(
  store: RunStore,
  groupId: string,
  options: ReturnType<typeof compareOptionsFrom>,
  json: boolean,
  reports: ReportFiles,
  failOnInconclusive: boolean | undefined,
): number {
  const listed = store.listRuns({ groupId, limit: 10_000 }).runs;
  const runs = listed.map((r) => store.getRun(r.id)).filter((r): r is StoredRun => r !== undefined);
  const { a, b, leftOut } = groupRuns(runs);
  if (a.length === 0 || b.length === 0) {
    const sides = abSides(runs);
    process.stderr.write(
      runs.length === 0
        ? `barrage compare: no runs in group "${groupId}" in ${store.file}\n`
        : sides.a.length === 0 || sides.b.length === 0
          ? `barrage compare: group "${groupId}" is not an A/B group (no runs tagged ab:A and ab:B)\n`
          : `barrage compare: group "${groupId}" has no completed runs on ${a.length === 0 ? 'side A' : 'side B'} (${leftOutNote(leftOut)})\n`,
    );
    return EXIT.failed;
  }
  if (leftOut.length > 0) process.stderr.write(`barrage compare: ${leftOutNote(leftOut)}\n`);
  const comparison = compareStoredGroups(a, b, options, groupId);
  const labels = { a: a[0].scenarioName ?? `run ${a[0].id}`, b: b[0].scenarioName ?? `run ${b[0].id}` };
  process.stdout.write(json ? `${JSON.stringify(comparison, null, 2)}\n` : groupsComparisonText(comparison, labels));
  const written = writeReports('compare', reports, { junit: () => groupsComparisonJunitXml(comparison, labels), markdown: () => groupsComparisonMarkdown(comparison, labels) });
  if (comparison.outcome === 'worse') return EXIT.worse;
  return written ? comparisonExitCode(comparison.outcome, failOnInconclusive) : EXIT.failed;
}

function stageNumber(raw: string): number {
  try {
    return parseStageNumber(raw);
  } catch (err) {
    throw new UsageError(`--stage: ${(err as Error).message}`);
  }
}

function runId(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`"${raw}" is not a run id (a whole number, see barrage runs list)`);
  }
  return Number(raw);
}
