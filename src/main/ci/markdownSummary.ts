// Markdown summaries for a CI job's page ($GITHUB_STEP_SUMMARY) or a merge-request comment: the
// key figures, the thresholds and the verdicts as GitHub-flavoured tables, no links (a summary is
// read where the run's files are not reachable). Tables are laid out by markdown-table.
import { markdownTable } from 'markdown-table';
import { KEY_FIGURES, rateUnit, comparisonOutcome, formatKeyDifference, formatKeyValue, inconclusiveSummary, type GroupsComparison, type RunsComparison } from '../../shared/comparison.ts';
import type { RunSummary } from '../../shared/runResult.ts';
import { statusWord } from '../../shared/runStatusWord.ts';
import { protocolLabel } from '../../shared/protocolLabel.ts';
import { saturationAdvice } from '../../shared/result/generatorHealth.ts';
import { signedPercent, type FigureComparison } from '../../shared/stats/index.ts';
import { formatCount, formatDuration, formatUs } from '../../shared/units.ts';
import type { RunIdentity } from './junitReport.ts';

export function runMarkdown(summary: RunSummary, run: RunIdentity): string {
  const s = summary;
  const unit = s.poll || s.sse ? 'events/s' : rateUnit(s.protocol);
  const failed = (s.thresholds ?? []).filter((t) => !t.passed);
  const verdict =
    s.status !== 'completed'
      ? `**${statusWord(s.status).toUpperCase()}**${s.failure ? `: ${s.failure}` : ''}`
      : failed.length > 0
        ? `**FAILED**: ${failed.length} of ${s.thresholds!.length} thresholds`
        : s.thresholds && s.thresholds.length > 0
          ? `**passed**: ${s.thresholds.length === 1 ? 'the threshold' : `all ${s.thresholds.length} thresholds`}`
          : '**completed**';
  const out: string[] = [];
  out.push(`### Barrage run${run.runId !== null ? ` ${run.runId}` : ''}: ${cell(run.name ?? run.url)}`);
  out.push('');
  out.push(`${verdict} — ${cell(run.url)}, ${formatDuration(s.durationSec)}, ${protocolLabel({ protocol: s.protocol, http2: s.http2 !== undefined, update: s.sse ? 'sse' : s.poll ? 'poll' : null })}`);
  out.push('');
  const l = s.latencyUs;
  const rows: string[][] = [
    ['throughput', `${formatCount(s.throughput.steadyPerSec ?? s.throughput.perSec, 1)} ${unit}`],
    ['requests / messages', formatCount(s.throughput.total)],
    ['p50 latency', formatUs(l.p50)],
    ['p90 latency', formatUs(l.p90)],
    ['p99 latency', formatUs(l.p99)],
    ['p99.9 latency', formatUs(l.p999)],
    ['max latency', formatUs(l.max)],
    ['errors', errorsCell(s)],
    ['connections (peak)', formatCount(s.connections.peak)],
  ];
  out.push(markdownTable([['figure', 'value'], ...rows], { align: ['l', 'r'] }));
  out.push('');
  out.push(`Latency: ${cell(s.latencyMeaning)}. Throughput after the warm-up.`);
  if (s.thresholds && s.thresholds.length > 0) {
    out.push('');
    out.push(
      markdownTable(
        [['threshold', 'result', 'measured'], ...s.thresholds.map((t) => [code(t.expression), t.passed ? 'passed' : '**FAILED**', cell(t.message.replace(/: (passed|failed)$/, ''))])],
        { align: ['l', 'l', 'l'] },
      ),
    );
  }
  if (s.generator.saturated) {
    out.push('');
    out.push(`> Warning: the load generator was saturated (${cell(s.generator.reasons.join('; '))}); its latencies describe the generator, not the target: ${cell(s.generator.advice ?? saturationAdvice(run.url))}.`);
  }
  for (const note of s.notes) out.push('', `Note: ${cell(note)}`);
  return out.join('\n') + '\n';
}

export function runsComparisonMarkdown(c: RunsComparison): string {
  const out: string[] = [];
  const base = c.runs[0];
  out.push(`### Barrage compare: ${c.runs.slice(1).map((r) => `run ${r.id}`).join(', ')} against run ${base.id}`);
  out.push('');
  out.push(resultLine(c.pairs.flatMap((p) => p.verdicts)));
  out.push('');
  const header = ['figure', `run ${base.id} (baseline)`];
  for (const r of c.runs.slice(1)) header.push(`run ${r.id}`, 'change');
  const rows = KEY_FIGURES.map((def) => {
    const row = [def.name];
    c.runs.forEach((r, i) => {
      const f = r.figures.find((x) => x.id === def.id)!;
      row.push(formatKeyValue(def, f, r.rateUnit));
      if (i > 0) row.push(f.difference === null ? '–' : `${formatKeyDifference(def, f.difference, r.rateUnit)}${f.change === null ? '' : ` (${signedPercent(f.change)})`}`);
    });
    return row;
  });
  out.push(markdownTable([header, ...rows], { align: ['l', ...header.slice(1).map(() => 'r' as const)] }));
  for (const pair of c.pairs) {
    out.push('', `Run ${pair.candidateId} against run ${pair.baselineId} (95% interval from a block bootstrap over steady seconds):`, '');
    out.push(verdictTable(pair.verdicts));
  }
  return out.join('\n') + '\n';
}

export function groupsComparisonMarkdown(g: GroupsComparison, labels: { a: string; b: string }): string {
  const out: string[] = [];
  out.push(`### Barrage A/B: ${cell(labels.b)} against ${cell(labels.a)}`);
  out.push('');
  out.push(resultLine(g.verdicts));
  out.push('');
  out.push(`${g.runsA.length} runs of A (${g.runsA.map((r) => r.id).join(', ')}), ${g.runsB.length} of B (${g.runsB.map((r) => r.id).join(', ')}); two levels: the spread between rounds (A and B of a round paired) and each run's own seconds.`);
  out.push('');
  out.push(verdictTable(g.verdicts));
  return out.join('\n') + '\n';
}

function resultLine(verdicts: readonly FigureComparison[]): string {
  const worse = verdicts.filter((v) => v.verdict === 'worse');
  if (worse.length > 0) return `**WORSE**: ${[...new Set(worse.map((v) => v.name))].join(', ')} beyond the noise threshold.`;
  // "Could not tell" must never read as a pass (issue #11).
  if (comparisonOutcome(verdicts) === 'inconclusive') return `**INCONCLUSIVE**: could not judge ${inconclusiveSummary(verdicts)}. No judged figure got worse.`;
  return '**No figure got worse** beyond its noise threshold.';
}

function verdictTable(verdicts: readonly FigureComparison[]): string {
  const rows = verdicts.map((v) => [
    v.name,
    v.verdict === 'worse' ? '**worse**' : v.verdict,
    v.change === null ? '–' : signedPercent(v.change),
    v.ciLow === null || v.ciHigh === null ? '–' : `${signedPercent(v.ciLow)} to ${signedPercent(v.ciHigh)}`,
    `±${Number((v.noiseThreshold * 100).toFixed(2))}%`,
  ]);
  return markdownTable([['figure', 'verdict', 'change', '95% interval', 'noise threshold'], ...rows], { align: ['l', 'l', 'r', 'r', 'r'] });
}

function errorsCell(s: RunSummary): string {
  if (s.errors.total === 0) return 'none';
  const kinds = Object.entries(s.errors.byKind)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([k, n]) => `${k} ${formatCount(n)}`);
  return `${formatCount(s.errors.total)}${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
}

/** Text inside a table cell or a line: a pipe would end the cell, a newline the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function code(text: string): string {
  return `\`${cell(text).replace(/`/g, "'")}\``;
}
