// Comparisons as text for the terminal: which runs, their key figures side by side with the
// differences from the baseline, and the statistics' verdicts one sentence per figure.
import { formatConfigDiff } from '../../../shared/configDiff.ts';
import { redactUrl } from '../../../shared/redact.ts';
import { statusWord } from '../../../shared/runStatusWord.ts';
import {
  KEY_FIGURES,
  inconclusiveSummary,
  formatKeyDifference,
  formatKeyValue,
  type ComparedRun,
  type GroupsComparison,
  type RunsComparison,
} from '../../../shared/comparison.ts';
import { signedPercent, type FigureComparison } from '../../../shared/stats/index.ts';
import { formatDuration } from '../../../shared/units.ts';
import { formatTable, localTime, type Column } from './table.ts';

/** The runs compared, one line each. */
export function runsList(runs: readonly ComparedRun[], roleOf: (r: ComparedRun) => string): string {
  return formatTable([...runs], [
    { header: 'ROLE', value: roleOf },
    { header: 'RUN', value: (r) => String(r.id), align: 'right' },
    { header: 'SCENARIO', value: (r) => r.scenarioName ?? '–', max: 28 },
    { header: 'STARTED', value: (r) => localTime(r.startedAt) },
    { header: 'STATUS', value: (r) => statusWord(r.status) },
    { header: 'DURATION', value: (r) => formatDuration(r.durationSec), align: 'right' },
    { header: 'TARGET', value: (r) => redactUrl(r.url), max: 48 },
  ]);
}

/** Key figures, one row per figure: the baseline, then each candidate with its change. */
export function keyFiguresTable(runs: readonly ComparedRun[]): string {
  const columns: Array<Column<(typeof KEY_FIGURES)[number]>> = [{ header: 'FIGURE', value: (d) => d.name }];
  runs.forEach((run, i) => {
    const cell = (id: string) => run.figures.find((f) => f.id === id)!;
    columns.push({
      header: i === 0 ? `RUN ${run.id} (BASELINE)` : `RUN ${run.id}`,
      value: (d) => formatKeyValue(d, cell(d.id), run.rateUnit),
      align: 'right',
    });
    if (i > 0) {
      columns.push({
        header: 'CHANGE',
        value: (d) => {
          const f = cell(d.id);
          if (f.difference === null) return '–';
          const pct = f.change === null ? '' : ` (${signedPercent(f.change)})`;
          return `${formatKeyDifference(d, f.difference, run.rateUnit)}${pct}`;
        },
        align: 'right',
      });
    }
  });
  return formatTable([...KEY_FIGURES], columns);
}

/** "95% CI from …; noise thresholds ±3% throughput, ±5% latency". */
export function methodLine(c: { confidence: number; noiseThreshold: { throughput: number; latency: number } }, how: string): string {
  const pct = (f: number) => `±${Number((f * 100).toFixed(2))}%`;
  return `${Number((c.confidence * 100).toFixed(1))}% CI ${how}; noise thresholds ${pct(c.noiseThreshold.throughput)} throughput, ${pct(c.noiseThreshold.latency)} latency`;
}

export function verdictLines(verdicts: readonly FigureComparison[]): string {
  return verdicts.map((v) => `  ${v.sentence}`).join('\n') + '\n';
}

export function runsComparisonText(c: RunsComparison): string {
  const out: string[] = [];
  out.push(runsList(c.runs, (r) => (r.role === 'baseline' ? 'baseline' : '')));
  // What differs in the configurations comes before the figures: a change that is the
  // configuration's doing must not read as the system's.
  out.push(formatConfigDiff(c.config, c.runs.map((r) => `run ${r.id}`)).join('\n'));
  if (c.stage) {
    // A stage comparison says so before any figure, with each run's seconds of that stage.
    out.push(`Stage ${c.stage.stage} of each run, on the stage's own seconds:\n${c.stage.runs.map((r) => `  run ${r.id}: ${r.description}`).join('\n')}`);
    if (c.stage.planDifference) out.push(`Note: ${c.stage.planDifference}.`);
  }
  out.push(keyFiguresTable(c.runs));
  out.push(
    c.stage
      ? `Figures above: stage ${c.stage.stage}'s latencies (its own histogram), its throughput after the warm-up. Verdicts below: per-second figures over the stage's steady seconds.`
      : 'Figures above: whole-run latencies, throughput after the warm-up. Verdicts below: per-second figures over steady seconds.',
  );
  const protocols = new Set(c.runs.map((r) => r.protocol));
  if (protocols.size > 1) out.push('Note: the runs mix HTTP and WebSocket; their throughputs count requests and messages respectively.');
  for (const r of c.runs) {
    if (r.status !== 'completed') out.push(`Note: run ${r.id} is ${statusWord(r.status)}; its figures cover the part that ran.`);
  }
  for (const pair of c.pairs) {
    out.push('');
    out.push(`Run ${pair.candidateId} against run ${pair.baselineId} (${methodLine(c, 'from a block bootstrap over steady seconds')}):`);
    out.push(verdictLines(pair.verdicts).trimEnd());
  }
  if (c.steps) {
    out.push('');
    out.push('Steps of the same name, each compared like a whole run on its own seconds:');
    for (const { step, comparison } of c.steps.steps) {
      for (const pair of comparison.pairs) {
        out.push(`Step "${step}", run ${pair.candidateId} against run ${pair.baselineId}:`);
        out.push(verdictLines(pair.verdicts).trimEnd());
      }
    }
    for (const { step, runs } of c.steps.notInAll) out.push(`Step "${step}" is only in run${runs.length === 1 ? '' : 's'} ${runs.join(', ')}: not compared.`);
  }
  out.push('');
  const worseSteps = (c.steps?.steps ?? []).filter((s) => s.comparison.worse);
  if (worseSteps.length > 0) {
    out.push(
      `Steps worse: ${worseSteps.map((s) => `"${s.step}" (${s.comparison.pairs.filter((p) => p.worse.length > 0).map((p) => `run ${p.candidateId}: ${namesOf(p.verdicts, p.worse)}`).join('; ')})`).join(', ')}.`,
    );
  }
  const worse = c.pairs.filter((p) => p.worse.length > 0);
  const unjudged = c.pairs.filter((p) => p.inconclusive.length > 0);
  const notJudged = `${unjudged.map((p) => `run ${p.candidateId}: ${inconclusiveSummary(p.verdicts)}`).join('; ')}`;
  if (c.outcome === 'worse') {
    const parts = [...worse.map((p) => `run ${p.candidateId}: ${namesOf(p.verdicts, p.worse)}`), ...worseSteps.map((s) => `step "${s.step}"`)];
    out.push(`Result: worse — ${parts.join('; ')}.`);
    if (unjudged.length > 0) out.push(`Not judged (inconclusive): ${notJudged}.`);
  } else if (c.outcome === 'inconclusive') {
    out.push(`Result: inconclusive — could not judge ${notJudged}. No judged figure got worse.`);
  } else {
    out.push('Result: no figure got worse beyond its noise threshold.');
  }
  return out.join('\n') + '\n';
}

export function groupsComparisonText(g: GroupsComparison, labels: { a: string; b: string }): string {
  const out: string[] = [];
  out.push(runsList([...g.runsA, ...g.runsB].sort((x, y) => x.startedAt.localeCompare(y.startedAt)), (r) => (g.runsA.includes(r) ? `A ${labels.a}` : `B ${labels.b}`)));
  out.push(
    `B (${labels.b}) against A (${labels.a}), ${g.runsA.length} and ${g.runsB.length} runs (${methodLine(g, "on two levels: the spread between rounds (A and B of a round paired) and each run's own seconds")}):`,
  );
  out.push(verdictLines(g.verdicts).trimEnd());
  out.push('');
  if (g.outcome === 'worse') {
    out.push(`Result: worse — B's ${namesOf(g.verdicts, g.worse)}.`);
    if (g.inconclusive.length > 0) out.push(`Not judged (inconclusive): ${inconclusiveSummary(g.verdicts)}.`);
  } else if (g.outcome === 'inconclusive') {
    out.push(`Result: inconclusive — could not judge ${inconclusiveSummary(g.verdicts)}. No judged figure of B got worse.`);
  } else {
    out.push('Result: no figure of B got worse beyond its noise threshold.');
  }
  return out.join('\n') + '\n';
}

function namesOf(verdicts: readonly FigureComparison[], ids: readonly string[]): string {
  return verdicts
    .filter((v) => ids.includes(v.figure))
    .map((v) => `${v.name} (beyond the ±${Number((v.noiseThreshold * 100).toFixed(2))}% noise threshold)`)
    .join(', ');
}
