// JUnit XML for CI test reporters (Jenkins, GitLab, GitHub test-report actions): a run's
// thresholds as test cases, and a comparison's verdicts as test cases. Built with
// junit-report-builder (the JUnit dialect Jenkins and GitLab read), not by hand, so escaping and
// the counts on <testsuite> are right.
import { createRequire } from 'node:module';
import type { Builder, TestSuite } from 'junit-report-builder';
import type { GroupsComparison, RunsComparison } from '../../shared/comparison.ts';
import type { RunSummary } from '../../shared/runResult.ts';
import { statusWord } from '../../shared/runStatusWord.ts';
import type { FigureComparison } from '../../shared/stats/index.ts';

// The package is CommonJS whose module.exports is the builder itself; its types declare an ES
// default export, which Node's ESM interop does not produce. require gives the object the types describe.
const junit = createRequire(import.meta.url)('junit-report-builder') as Builder;

export interface RunIdentity {
  runId: number | null;
  /** The scenario's name, or null for a run from flags. */
  name: string | null;
  url: string;
}

/**
 * One test suite for the run: a test case per threshold (failed ones carry the measured value and
 * the limit), plus one case that the run completed, so that a run which could not be measured
 * fails the report even without thresholds.
 */
export function runJunitXml(summary: RunSummary, run: RunIdentity): string {
  const report = junit.newBuilder();
  const suite = report
    .testSuite()
    .name(`barrage run: ${run.name ?? run.url}`)
    .time(summary.durationSec)
    .property('url', run.url)
    .property('protocol', summary.protocol)
    .property('status', summary.status)
    .property('latency', summary.latencyMeaning);
  if (run.runId !== null) suite.property('runId', String(run.runId));
  if (summary.generator.saturated) suite.property('generatorSaturated', summary.generator.reasons.join('; '));
  const className = `barrage.${slug(run.name ?? 'run')}`;

  const completed = suite.testCase().className(className).name('run completed').time(summary.durationSec);
  if (summary.status !== 'completed') {
    const why = summary.failure ?? summary.notes.join(' ');
    completed.failure(`run ${statusWord(summary.status)}${why ? `: ${why}` : ''}`, 'run');
  }
  for (const t of summary.thresholds ?? []) {
    // A step's threshold is filed under its step, so a reporter groups it with that step's checks.
    const c = suite.testCase().className(t.step !== undefined ? `${className}.steps.${slug(t.step)}.thresholds` : `${className}.thresholds`).name(t.expression);
    if (!t.passed) c.failure(t.message, 'threshold');
    else c.standardOutput(t.message);
  }
  // A flow: one case per check of each step, failed when the check failed at least once (with
  // how often); a check that never ran is skipped, neither passed nor failed.
  for (const step of summary.flow?.steps ?? []) {
    for (const check of step.checks) {
      const c = suite.testCase().className(`${className}.steps.${slug(step.name)}.checks`).name(`${step.name}: ${check.name}`);
      const total = check.passed + check.failed;
      const counts = `${check.failed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} failed`;
      if (total === 0) c.skipped();
      else if (check.failed > 0) c.failure(`check "${check.name}" of step "${step.name}": ${counts} (${((check.passed / total) * 100).toFixed(2)}% passed)`, 'check');
      else c.standardOutput(`check "${check.name}" of step "${step.name}": all ${total.toLocaleString('en-US')} passed`);
    }
  }
  return report.build();
}

/** One test suite per candidate run, one case per compared figure; "worse" is a failure. */
export function runsComparisonJunitXml(comparison: RunsComparison): string {
  const report = junit.newBuilder();
  for (const pair of comparison.pairs) {
    const suite = report.testSuite().name(`barrage compare: run ${pair.candidateId} against run ${pair.baselineId}`);
    suite.property('baselineRunId', String(pair.baselineId)).property('candidateRunId', String(pair.candidateId));
    addVerdicts(suite, `barrage.compare.run${pair.candidateId}`, pair.verdicts);
    // Flows: each common step's figures, under the step.
    for (const { step, comparison: stepComparison } of comparison.steps?.steps ?? []) {
      const stepPair = stepComparison.pairs.find((p) => p.candidateId === pair.candidateId);
      if (stepPair) addVerdicts(suite, `barrage.compare.run${pair.candidateId}.steps.${slug(step)}`, stepPair.verdicts);
    }
  }
  return report.build();
}

/** One test suite for B against A, one case per compared figure; "worse" is a failure. */
export function groupsComparisonJunitXml(comparison: GroupsComparison, labels: { a: string; b: string }): string {
  const report = junit.newBuilder();
  const suite = report.testSuite().name(`barrage ab: ${labels.b} against ${labels.a}`);
  if (comparison.groupId) suite.property('groupId', comparison.groupId);
  suite.property('runsA', comparison.runsA.map((r) => r.id).join(',')).property('runsB', comparison.runsB.map((r) => r.id).join(','));
  addVerdicts(suite, `barrage.ab.${slug(labels.b)}`, comparison.verdicts);
  return report.build();
}

/**
 * "worse" fails; "better" and "no clear difference" pass (no change beyond the noise is what a
 * regression gate wants); any verdict that could not decide ("inconclusive")
 * is skipped with its sentence, so a reporter shows it as neither a pass nor a regression.
 */
function addVerdicts(suite: TestSuite, className: string, verdicts: readonly FigureComparison[]): void {
  for (const v of verdicts) {
    const c = suite.testCase().className(className).name(v.name);
    const verdict: string = v.verdict;
    if (verdict === 'worse') c.failure(v.sentence, 'worse');
    else if (verdict === 'better' || verdict === 'no clear difference') c.standardOutput(v.sentence);
    else c.skipped().standardOutput(v.sentence);
  }
}

/** A Java-ish class name segment: reporters group by the dots. */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'run';
}
