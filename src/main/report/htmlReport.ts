// Self-contained HTML reports: one run, several runs compared with the first, or the two sides
// of an A/B run. One file each, with its styles inline and its charts as inline SVG — no
// script, no font, image or style sheet from anywhere — so it opens offline in any browser,
// can be mailed or attached to a ticket, and prints (light theme, print styles, page breaks).
// Pure functions: stored runs (and their comparison) in, a string out.
import type { ConfigDiff } from '../../shared/configDiff.ts';
import { leftOutNote } from '../../shared/groupRuns.ts';
import type { ComparisonOutcome, GroupsComparison, RunsComparison } from '../../shared/comparison.ts';
import { KEY_FIGURES, formatKeyDifference, formatKeyFigure, formatKeyValue, inconclusiveSummary, latencyFigureReason, rateUnit } from '../../shared/comparison.ts';
import type { StoredRun } from '../../shared/history.ts';
import { isPlannedSecond, type RunSample, type RunSummary } from '../../shared/runResult.ts';
import { saturationAdvice } from '../../shared/result/generatorHealth.ts';
import { sampleX } from '../../shared/result/sampleTime.ts';
import { statusWord } from '../../shared/runStatusWord.ts';
import { formatStartTime } from '../../shared/startTime.ts';
import { protocolLabel } from '../../shared/protocolLabel.ts';
import { figureById, runFigure, signedPercent, describeP, type FigureComparison, type FigureId } from '../../shared/stats/index.ts';
import { formatBytes, formatCount, formatDuration, formatUs } from '../../shared/units.ts';
import { STAGE_COLUMNS, stageRowsText } from '../../shared/stageRows.ts';
import { STEP_COLUMNS, WS_ANSWERS_COLUMN, checksLine, failedChecks, hasWsAnswers, iterationLine, stepLabel, stepRowsText } from '../../shared/flowStepRows.ts';
import { summaryPercentiles } from '../../shared/stageCompare.ts';
import { planLine, profileDurationSec, stageMarks, type Stage } from '../../shared/loadProfile.ts';
import { concurrencyOf, loadUnits, stageTargetOf } from '../../shared/scenario.ts';
import { decodeHistogram, percentileCurve } from '../../shared/result/histogramCodec.ts';
import { escapeHtml as e } from './escape.ts';
import { redactConfig } from '../../shared/redact.ts';
import {
  PALETTE,
  barChart,
  changeChart,
  lineChart,
  ninesChart,
  stripChart,
  verdictColor,
  type PercentileSeries,
  type Series,
} from './svgCharts.ts';

export interface ReportOptions {
  /** ISO time shown as the report's date; default now. */
  generatedAt?: string;
  /** Shown in the footer. */
  barrageVersion?: string;
}

const SIDE_COLORS = { A: PALETTE[0], B: PALETTE[1] } as const;

// ---- one run ----------------------------------------------------------------------------------

export function runReportHtml(stored: StoredRun, options: ReportOptions = {}): string {
  const run = withoutSecrets(stored);
  const s = run.summary;
  const unit = rateUnit(run.config);
  const title = run.scenarioName ?? run.config.name ?? `Run ${run.id}`;
  const body: string[] = [];
  body.push(header('Run report', `${title}`, `Run ${run.id} · ${targetLine(run)}`, options));
  body.push(badges(run));

  const cards: Array<[string, string, string]> = [
    ['Throughput', formatKeyFigure(KEY_FIGURES[0], KEY_FIGURES[0].value(run), unit), s.throughput.steadyPerSec !== null ? 'after the warm-up' : 'whole run'],
    // The shared rule: nothing completed means no latency figure, shown as "–" and why.
    ['p50 latency', latencyCard(s, 'p50'), latencyFigureReason(s, 'p50') ?? 'half the requests were faster'],
    ['p99 latency', latencyCard(s, 'p99'), latencyFigureReason(s, 'p99') ?? '1 in 100 was slower'],
    ['p99.9 latency', latencyCard(s, 'p999'), latencyFigureReason(s, 'p999') ?? '1 in 1,000 was slower'],
    ['Errors', formatCount(s.errors.total), errorShare(run)],
    ['Connections', formatCount(s.connections.peak), `at peak; ${formatCount(s.connections.opened)} opened, ${formatCount(s.connections.failed)} failed`],
  ];
  if (s.schedule) {
    cards.push(['Missed sends', formatCount(s.schedule.missed), `${s.schedule.missedPercent}% of ${formatCount(s.schedule.due)} scheduled never went out`]);
  }
  body.push(`<section class="cards">${cards.map(([k, v, n]) => `<div class="card"><div class="k">${e(k)}</div><div class="v">${e(v)}</div><div class="n">${e(n)}</div></div>`).join('')}</section>`);

  if (s.thresholds && s.thresholds.length > 0) body.push(thresholdsSection(run));
  if (s.stages && s.stages.length > 0) body.push(stagesSection(run));
  if (s.flow) body.push(stepsSection(run));

  const warmup = warmupBand(run.samples);
  const stages = run.config.stages?.length ? run.config.stages : null;
  const stageTarget = stages ? stageTargetOf(run.config) : null;
  const marks = stages ? stageMarks(stages) : [];
  const xDomain = timeDomain([plannedSeconds(run)], stages ?? []);
  const planNote = (what: string) => `; the dashed line is the planned ${what}, the marks the stage boundaries`;
  body.push(
    chartSection(
      'Throughput over time',
      lineChart({
        title: `Throughput per second of run ${run.id}`,
        series: [
          { label: `completed ${unit}`, color: PALETTE[0], points: plannedSeconds(run).map((p) => ({ x: sampleX(p), y: p.throughput })) },
          ...(stages && stageTarget === 'rate' ? [planSeries(stages, `planned ${s.protocol === 'ws' ? 'messages' : 'requests'}/s`)] : []),
        ],
        xLabel: 'seconds since the start',
        yLabel: unit,
        formatY: (v) => formatCount(v),
        bands: warmup,
        marks,
        xDomain,
      }),
      `Completed ${s.protocol === 'ws' ? 'messages' : 'requests'} in each second${warmup.length ? '; the shaded seconds are the warm-up, kept out of the steady figures' : ''}${stages ? (stageTarget === 'rate' ? planNote('rate') : '; the marks are the stage boundaries') : ''}.`,
    ),
  );
  body.push(
    chartSection(
      'Latency over time',
      latencyOverTime([{ run, label: '', color: PALETTE[0] }], true, marks, xDomain),
      `Each second's p50 (dashed) and p99 of the ${s.protocol === 'ws' ? 'messages' : 'requests'} completed in it. ${e(s.latencyMeaning)}.`,
    ),
  );
  if (stages && stageTarget === 'connections') {
    body.push(
      chartSection(
        'Connections over time',
        lineChart({
          title: `Open connections of run ${run.id}`,
          series: [
            { label: 'open connections', color: PALETTE[2], points: plannedSeconds(run).map((p) => ({ x: sampleX(p), y: p.openConnections })) },
            planSeries(stages, 'planned connections'),
          ],
          xLabel: 'seconds since the start',
          yLabel: 'connections',
          formatY: (v) => formatCount(v),
          bands: warmup,
          marks,
          xDomain,
        }),
        `Connections open in each second${planNote('number of connections')}.`,
      ),
    );
  }
  if (s.flow && s.flow.steps.length > 0) {
    body.push(
      chartSection(
        'Latency of each step over time',
        stepLatencyOverTime(run, marks, xDomain),
        'Each second\'s p99 of each step, from the step\'s own per-second histogram. What each step\'s latency measures is in the table of steps above (docs/FLOWS.md).',
      ),
    );
  }
  body.push(
    chartSection(
      'Latency distribution',
      ninesChart({ title: `Latency by percentile of run ${run.id}`, series: [percentileSeries(run, 'latency', PALETTE[0])], formatY: formatUs }) +
        percentilesTable([run]),
      'The whole run\'s latencies by percentile; each step to the right is ten times rarer. From the run\'s HdrHistogram (µs resolution, 3 significant digits).',
    ),
  );
  body.push(detailsSection(run));
  body.push(footer(options));
  return page(`${title} — Barrage run ${run.id}`, body.join('\n'));
}

// ---- runs compared with a baseline -------------------------------------------------------------

export function comparisonReportHtml(stored: readonly StoredRun[], c: RunsComparison, options: ReportOptions = {}): string {
  const runs = stored.map(withoutSecrets);
  const colors = new Map(runs.map((r, i) => [r.id, PALETTE[i % PALETTE.length]]));
  const label = (r: StoredRun) => `run ${r.id}${r.id === c.baselineId ? ' (baseline)' : ''}${r.scenarioName ? ` · ${r.scenarioName}` : ''}`;
  const body: string[] = [];
  body.push(header('Comparison report', `${runs.length} runs compared`, `Baseline: run ${c.baselineId} · compared with it: ${runs.filter((r) => r.id !== c.baselineId).map((r) => `run ${r.id}`).join(', ')}`, options));
  const worse = c.pairs.filter((p) => p.worse.length > 0);
  const unjudged = c.pairs.filter((p) => p.inconclusive.length > 0).map((p) => `run ${p.candidateId}: ${inconclusiveSummary(p.verdicts)}`).join('; ');
  body.push(
    resultBanner(
      c.outcome,
      c.outcome === 'worse'
        ? `Worse beyond the noise threshold: ${worse.map((p) => `run ${p.candidateId} (${namesOf(p.verdicts, p.worse)})`).join('; ')}.${unjudged ? ` Not judged (inconclusive): ${unjudged}.` : ''}`
        : c.outcome === 'inconclusive'
          ? `Inconclusive — could not judge ${unjudged}. No judged figure got worse.`
          : 'No figure got worse beyond its noise threshold.',
    ),
  );
  body.push(`<section><h2>Runs</h2>${runsTable(runs, (r) => (r.id === c.baselineId ? 'baseline' : 'candidate'), colors)}</section>`);
  body.push(configDiffSection(c.config, runs));
  body.push(`<section><h2>Key figures</h2>${keyFiguresTable(c)}<p class="note">Whole-run figures: latencies from each run's histogram, throughput after the warm-up. The verdicts below compare per-second figures over the runs' steady seconds.</p></section>`);

  for (const pair of c.pairs) {
    body.push(
      `<section class="verdicts"><h2>Run ${pair.candidateId} against run ${pair.baselineId}</h2>` +
        changeChart({ title: `Change of run ${pair.candidateId} against run ${pair.baselineId}`, rows: changeRows(pair.verdicts) }) +
        verdictTable(pair.verdicts) +
        `<p class="note">${e(methodNote(c.confidence, c.noiseThreshold))}</p>${methodList(pair.verdicts)}</section>`,
    );
  }

  const barFigures = KEY_FIGURES.filter((d) => d.id === 'throughput' || d.id === 'p50' || d.id === 'p99' || d.id === 'p999');
  body.push(
    `<section><h2>Side by side</h2><div class="grid2">${barFigures
      .map((d) =>
        barChart({
          title: d.name,
          bars: c.runs.map((cr) => {
            const f = cr.figures.find((x) => x.id === d.id)!;
            return { label: `run ${cr.id}`, value: f.value, color: colors.get(cr.id)!, note: f.unavailable ?? (f.change === null ? undefined : signedPercent(f.change)) };
          }),
          formatValue: (v) => formatKeyFigure(d, v, c.runs[0].rateUnit),
        }),
      )
      .join('')}</div></section>`,
  );
  const unit = rateUnit(runs[0].config);
  body.push(
    chartSection(
      'Throughput over time',
      lineChart({
        title: 'Throughput per second of each run',
        series: runs.map((r) => ({ label: label(r), color: colors.get(r.id)!, points: plannedSeconds(r).map((p) => ({ x: sampleX(p), y: p.throughput })) })),
        xLabel: 'seconds since each run\'s start',
        xDomain: timeDomain(runs.map(plannedSeconds)),
        yLabel: unit,
        formatY: (v) => formatCount(v),
        bands: warmupBand(runs[0].samples),
      }),
      'Each run from its own start.',
    ),
  );
  body.push(chartSection('p99 latency over time', latencyOverTime(runs.map((r) => ({ run: r, label: label(r), color: colors.get(r.id)! })), false), 'Each second\'s p99, each run from its own start.'));
  body.push(
    chartSection(
      'Latency distribution',
      ninesChart({ title: 'Latency by percentile of each run', series: runs.map((r) => percentileSeries(r, label(r), colors.get(r.id)!)), formatY: formatUs }) + percentilesTable(runs),
      'Each run\'s whole-run latencies by percentile.',
    ),
  );
  body.push(methodSection());
  body.push(footer(options));
  return page(`Barrage comparison — runs ${runs.map((r) => r.id).join(', ')}`, body.join('\n'));
}

// ---- an A/B run: group B against group A -------------------------------------------------------

/** `leftOut`: the group's runs that do not count (src/shared/groupRuns.ts), named in the header. */
export function groupReportHtml(storedA: readonly StoredRun[], storedB: readonly StoredRun[], g: GroupsComparison, options: ReportOptions = {}, storedLeftOut: readonly StoredRun[] = []): string {
  const [a, b, leftOut] = [storedA.map(withoutSecrets), storedB.map(withoutSecrets), storedLeftOut.map(withoutSecrets)];
  const nameA = a[0]?.scenarioName ?? 'A';
  const nameB = b[0]?.scenarioName ?? 'B';
  const all = [...a, ...b].sort((x, y) => x.summary.startedAt.localeCompare(y.summary.startedAt));
  const sideOf = (r: StoredRun): 'A' | 'B' => (a.includes(r) ? 'A' : 'B');
  const body: string[] = [];
  body.push(header('A/B report', `B “${nameB}” against A “${nameA}”`, `${g.groupId ? `Group ${g.groupId} · ` : ''}${a.length} runs of A, ${b.length} runs of B, interleaved${leftOut.length ? ` · ${leftOutNote(leftOut)}` : ''}`, options));
  const unjudged = inconclusiveSummary(g.verdicts);
  body.push(
    resultBanner(
      g.outcome,
      g.outcome === 'worse'
        ? `B is worse beyond the noise threshold in ${namesOf(g.verdicts, g.worse)}.${unjudged ? ` Not judged (inconclusive): ${unjudged}.` : ''}`
        : g.outcome === 'inconclusive'
          ? `Inconclusive — could not judge ${unjudged}. No judged figure of B got worse.`
          : 'No figure of B got worse beyond its noise threshold.',
    ),
  );
  body.push(
    `<section class="verdicts"><h2>Verdicts</h2>` +
      changeChart({ title: 'Change of B against A', rows: changeRows(g.verdicts) }) +
      verdictTable(g.verdicts) +
      `<p class="note">${e(methodNote(g.confidence, g.noiseThreshold))}</p>${methodList(g.verdicts)}</section>`,
  );
  const strip = (id: FigureId, format: (v: number) => string) =>
    stripChart({
      title: figureById(id).name + ' of each run',
      rows: [
        { label: `A · ${short(nameA)}`, color: SIDE_COLORS.A, values: figureValues(a, id) },
        { label: `B · ${short(nameB)}`, color: SIDE_COLORS.B, values: figureValues(b, id) },
      ],
      formatValue: format,
    });
  const unit = rateUnit(all[0]?.config ?? 'http');
  body.push(
    `<section><h2>Every run</h2><div class="grid2">${strip('throughput', (v) => `${formatCount(v)} ${unit}`)}${strip('p50', formatUs)}${strip('p99', formatUs)}</div>` +
      `<p class="note">One dot per run (its per-second estimator over its steady seconds); the bar is each side's median.</p></section>`,
  );
  const colors = new Map(all.map((r) => [r.id, SIDE_COLORS[sideOf(r)]]));
  body.push(`<section><h2>Runs, in the order they ran</h2>${runsTable(all, (r) => `${sideOf(r)} · ${short(r.scenarioName ?? '')}`, colors, true)}</section>`);
  body.push(
    chartSection(
      'Latency distribution',
      ninesChart({
        title: 'Latency by percentile of every run',
        series: all.map((r) => percentileSeries(r, `${sideOf(r)} · run ${r.id}`, colors.get(r.id)!)),
        formatY: formatUs,
      }),
      'Every run\'s whole-run latencies by percentile: blue A, orange B.',
    ),
  );
  body.push(methodSection());
  body.push(footer(options));
  return page(`Barrage A/B — ${nameB} against ${nameA}`, body.join('\n'));
}

/** "barrage-run-12.html", "barrage-compare-12-13.html", "barrage-ab-<group>.html". */
export function reportFileName(kind: 'run' | 'compare' | 'ab', ids: readonly (number | string)[]): string {
  let stem = ids.map(String).join('-').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  // A/B group ids start with "ab-" already: barrage-ab-ab-… said it twice.
  if (stem.startsWith(`${kind}-`)) stem = stem.slice(kind.length + 1);
  return `barrage-${kind}-${stem}.html`;
}

// ---- sections -----------------------------------------------------------------------------------

function header(kind: string, title: string, subtitle: string, o: ReportOptions): string {
  const when = o.generatedAt ?? new Date().toISOString();
  return `<header><div class="kind">Barrage · ${e(kind)} · ${e(utcTime(when))}</div><h1>${e(title)}</h1><div class="sub">${e(subtitle)}</div></header>`;
}

function footer(o: ReportOptions): string {
  return `<footer>Made by Barrage${o.barrageVersion ? ` ${e(o.barrageVersion)}` : ''}. This file is self-contained: no scripts, nothing loaded from elsewhere. Latencies are in µs, ms or s as shown; throughput after the warm-up unless said otherwise.</footer>`;
}

function badges(run: StoredRun): string {
  const s = run.summary;
  const out: string[] = [`<span class="badge ${s.status === 'completed' ? 'ok' : 'bad'}">${e(statusWord(s.status))}</span>`, `<span class="badge">${e(protocolLabel({ protocol: s.protocol, http2: s.http2 !== undefined, update: s.sse ? 'sse' : s.poll ? 'poll' : null }))}</span>`];
  if (s.thresholds && s.thresholds.length > 0) {
    const failed = s.thresholds.filter((t) => !t.passed).length;
    out.push(`<span class="badge ${failed ? 'bad' : 'ok'}">${failed ? `${failed} of ${s.thresholds.length} thresholds failed` : `all ${s.thresholds.length} thresholds passed`}</span>`);
  }
  if (s.generator.saturated) out.push(`<span class="badge warn">generator saturated</span>`);
  let extra = s.failure ? `<p class="failure">${e(s.failure)}</p>` : '';
  if (s.generator.saturated) {
    const advice = s.generator.advice ?? saturationAdvice(run.config.url);
    extra += `<p class="saturation">Generator saturated: ${e(s.generator.reasons.join('; '))}. Latency figures may describe this machine rather than the target. ${e(advice.charAt(0).toUpperCase() + advice.slice(1))}.</p>`;
  }
  return `<div class="badges">${out.join('')}</div>${extra}`;
}

/** What differs between the runs' configurations, above the figures (configDiff.ts); values are already redacted. */
function configDiffSection(diff: ConfigDiff, runs: readonly StoredRun[]): string {
  const verdict = `<div class="result ${diff.comparable ? 'ok' : 'bad'} config-verdict">${e(diff.comparable ? `Configuration: ${diff.verdict}.` : `Configuration: ${diff.verdict} — the changes below may be the configuration's doing, not the system's.`)}</div>`;
  if (diff.fields.length === 0) return `<section class="config-diff"><h2>Configuration</h2>${verdict}</section>`;
  const head = `<tr><th>Field</th>${runs.map((r) => `<th>run ${r.id}</th>`).join('')}</tr>`;
  const rows = diff.fields.map((f) => `<tr${f.kind === 'target' || f.kind === 'load' ? ' class="bad"' : ''}><td>${e(f.label)}</td>${f.values.map((v) => `<td class="url">${e(v)}</td>`).join('')}</tr>`).join('');
  return `<section class="config-diff"><h2>Configuration: what differs</h2>${verdict}<table><thead>${head}</thead><tbody>${rows}</tbody></table></section>`;
}

function resultBanner(outcome: ComparisonOutcome, text: string): string {
  const kind = outcome === 'worse' ? 'bad' : outcome === 'inconclusive' ? 'unsure' : 'ok';
  return `<div class="result ${kind}">${e(text)}</div>`;
}

function stagesSection(run: StoredRun): string {
  const rows = stageRowsText(run.summary.stages ?? [])
    .map((r) => `<tr${r.reached ? '' : ' class="bad"'}>${[r.stage, r.seconds, r.planned, r.achieved, r.throughput, r.p50, r.p99, r.p999, r.errors, r.note].map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
    .join('');
  const head = STAGE_COLUMNS.map((c) => `<th>${e(c)}</th>`).join('');
  return `<section class="stages"><h2>Stages: the plan against what was achieved</h2><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** A flow's per-step table (the terminal's columns), what each step's latency measures, the iterations and checks. */
function stepsSection(run: StoredRun): string {
  const flow = run.summary.flow!;
  const ws = hasWsAnswers(flow);
  const rows = stepRowsText(flow)
    .map((r, i) => {
      const step = flow.steps[i];
      const cells = [r.step, r.count, r.perSec, r.p50, r.p99, r.p999, r.errors, r.checks, ...(ws ? [r.wsAnswers] : [])].map((c) => `<td>${e(c)}</td>`).join('');
      return `<tr${r.failing ? ' class="bad"' : ''}>${cells}<td class="n">${e(step.latencyMeaning)}</td></tr>`;
    })
    .join('');
  const head = [...STEP_COLUMNS, ...(ws ? [WS_ANSWERS_COLUMN] : []), 'Latency measures'].map((c) => `<th>${e(c)}</th>`).join('');
  const lines = [`Iterations: ${iterationLine(flow)}.`];
  const checks = checksLine(flow);
  if (checks) lines.push(`Checks: ${checks}.`);
  for (const f of failedChecks(flow)) lines.push(`Failed: ${f}.`);
  if (flow.data) lines.push(`Data: ${flow.data.rows.toLocaleString('en-US')} rows (${flow.data.assign}), sha256 ${flow.data.sha256}.`);
  return `<section class="steps"><h2>Steps</h2><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>${lines.map((l) => `<p class="note">${e(l)}</p>`).join('')}</section>`;
}

/** Each step's p99 per second, one line per step, from the steps' per-second histograms. */
function stepLatencyOverTime(run: StoredRun, marks: Array<{ x: number; label: string }>, xDomain: [number, number]): string {
  const flow = run.summary.flow!;
  const seconds = plannedSeconds(run);
  const series: Series[] = flow.steps.map((step, i) => ({
    label: `${stepLabel(step)} p99`,
    color: PALETTE[i % PALETTE.length],
    points: seconds.map((p) => {
      const sec = p.steps?.find((x) => x.step === step.name);
      return { x: sampleX(p), y: sec?.histogram && sec.count > 0 ? decodeHistogram(sec.histogram).getValueAtPercentile(99) : null };
    }),
  }));
  const ys = series.flatMap((x) => x.points.map((p) => p.y)).filter((y): y is number => y !== null && y > 0);
  return lineChart({
    title: `Latency of each step per second of run ${run.id}`,
    series,
    xLabel: 'seconds since the start',
    yLabel: 'p99 latency',
    formatY: formatUs,
    yLog: ys.length > 0 && Math.max(...ys) / Math.min(...ys) > 30,
    bands: warmupBand(run.samples),
    marks,
    xDomain,
  });
}

function thresholdsSection(run: StoredRun): string {
  const rows = (run.summary.thresholds ?? [])
    .map(
      (t) =>
        `<tr><td><code>${e(t.expression)}</code></td><td>${e(t.message.replace(/: (passed|failed)$/, ''))}</td><td><span class="badge ${t.passed ? 'ok' : 'bad'}">${t.passed ? 'passed' : 'failed'}</span></td></tr>`,
    )
    .join('');
  return `<section><h2>Thresholds</h2><table><thead><tr><th>Threshold</th><th>Measured</th><th>Result</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function chartSection(title: string, chart: string, caption: string): string {
  return `<section class="chart"><h2>${e(title)}</h2>${chart}<p class="note">${caption}</p></section>`;
}

/** A load profile's plan as a dashed series (its corners; a jump is a vertical step). */
function planSeries(stages: readonly Stage[], label: string): Series {
  return { label, color: PALETTE[4], dashed: true, width: 1.5, points: planLine(stages).map(([x, y]) => ({ x, y })) };
}

/**
 * A time axis from the run's start (0) to the end of its last second (sample t is drawn at t+1,
 * as the app draws it) — or to the end of its load profile's plan, whichever reaches further.
 */
/** The seconds a chart plots: the drain after the end is left out (RunSample.drain). */
function plannedSeconds(run: { samples: readonly RunSample[] }): RunSample[] {
  return run.samples.filter(isPlannedSecond);
}

function timeDomain(samples: ReadonlyArray<readonly RunSample[]>, stages: readonly Stage[] = []): [number, number] {
  const lastEnd = samples.reduce((a, list) => list.reduce((b, p) => Math.max(b, sampleX(p)), a), 0);
  return [0, Math.max(stages.length > 0 ? profileDurationSec(stages) : 0, lastEnd, 1)];
}

function latencyOverTime(
  items: Array<{ run: StoredRun; label: string; color: string }>,
  withP50: boolean,
  marks: Array<{ x: number; label: string }> = [],
  xDomain?: [number, number],
): string {
  const series: Series[] = [];
  for (const { run, label, color } of items) {
    const prefix = label ? `${label} ` : '';
    series.push({ label: `${prefix}p99`, color, points: plannedSeconds(run).map((p) => ({ x: sampleX(p), y: p.latencyUs?.p99 ?? null })) });
    if (withP50) series.push({ label: `${prefix}p50`, color, dashed: true, points: plannedSeconds(run).map((p) => ({ x: sampleX(p), y: p.latencyUs?.p50 ?? null })) });
  }
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((y): y is number => y !== null && y > 0);
  return lineChart({
    title: 'Latency per second',
    series,
    xLabel: 'seconds since the start',
    yLabel: 'latency',
    formatY: formatUs,
    yLog: ys.length > 0 && Math.max(...ys) / Math.min(...ys) > 30,
    bands: items.length === 1 ? warmupBand(items[0].run.samples) : [],
    marks,
    xDomain: xDomain ?? timeDomain(items.map((i) => plannedSeconds(i.run))),
  });
}

function percentileSeries(run: StoredRun, label: string, color: string): PercentileSeries {
  let points: Array<{ percentile: number; us: number }> = [];
  if (run.histogram) {
    try {
      points = percentileCurve(decodeHistogram(run.histogram));
    } catch {
      points = [];
    }
  }
  const l = run.summary.latencyUs;
  if (points.length === 0 && l.count > 0) {
    // No histogram (an import from a tool that keeps none): the summary's percentiles.
    points = summaryPercentiles(l);
  }
  return { label, color, points, count: l.count };
}

function percentilesTable(runs: readonly StoredRun[]): string {
  const cols: Array<[string, (r: StoredRun) => number]> = [
    ['min', (r) => r.summary.latencyUs.min],
    ['p50', (r) => r.summary.latencyUs.p50],
    ['p90', (r) => r.summary.latencyUs.p90],
    ['p95', (r) => r.summary.latencyUs.p95],
    ['p99', (r) => r.summary.latencyUs.p99],
    ['p99.9', (r) => r.summary.latencyUs.p999],
    ['max', (r) => r.summary.latencyUs.max],
    ['mean', (r) => r.summary.latencyUs.mean],
  ];
  const head = `<tr>${runs.length > 1 ? '<th>Run</th>' : ''}${cols.map(([k]) => `<th class="num">${k}</th>`).join('')}<th class="num">latencies</th></tr>`;
  const rows = runs
    .map(
      (r) =>
        `<tr>${runs.length > 1 ? `<td>run ${r.id}</td>` : ''}${cols
          .map(([, f]) => `<td class="num">${r.summary.latencyUs.count > 0 ? e(formatUs(f(r))) : '–'}</td>`)
          .join('')}<td class="num">${e(formatCount(r.summary.latencyUs.count))}</td></tr>`,
    )
    .join('');
  return `<table class="compact"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function detailsSection(run: StoredRun): string {
  const s = run.summary;
  const c = run.config;
  const rows: Array<[string, string]> = [];
  rows.push(['Target', targetLine(run)]);
  rows.push(['Load', loadLine(run)]);
  rows.push(['Started', utcTime(s.startedAt)]);
  rows.push(['Ended', s.status === 'running' ? 'still running' : utcTime(s.endedAt)]);
  rows.push(['Duration', formatDuration(s.durationSec)]);
  rows.push(['Completed', `${formatCount(s.throughput.total)} ${s.poll || s.sse ? 'events' : s.protocol === 'ws' ? 'messages' : 'requests'} (${formatCount(s.throughput.perSec, 1)}/s over the whole run)`]);
  rows.push(['Latency means', s.latencyMeaning]);
  const kinds = Object.entries(s.errors.byKind).filter(([, n]) => (n ?? 0) > 0);
  rows.push(['Errors', s.errors.total === 0 ? 'none' : `${formatCount(s.errors.total)}${kinds.length ? ` — ${kinds.map(([k, n]) => `${k} ${formatCount(n)}`).join(', ')}` : ''}`]);
  const codes = Object.entries(s.statusCodes);
  if (codes.length) rows.push(['Status codes', codes.map(([k, n]) => `${k}: ${formatCount(n)}`).join(', ')]);
  if (s.schedule) {
    rows.push(['Schedule (open model)', `${formatCount(s.schedule.sent)} of ${formatCount(s.schedule.due)} scheduled sends went out; ${formatCount(s.schedule.missed)} (${s.schedule.missedPercent}%) missed`]);
  }
  rows.push(['Bytes sent / received', `${formatBytes(s.bytes.sent)} / ${formatBytes(s.bytes.received)}`]);
  if (s.ws) {
    const w = s.ws;
    rows.push(['Messages sent / received', `${formatCount(w.messagesSent)} / ${formatCount(w.messagesReceived)}; lost ${formatCount(w.lost)}, duplicate ${formatCount(w.duplicates)}, out of order ${formatCount(w.outOfOrder)}`]);
    if (w.connectUs) rows.push(['Handshake p50 / p99', `${formatUs(w.connectUs.p50)} / ${formatUs(w.connectUs.p99)}`]);
    if (w.pingUs) rows.push(['Ping p50 / p99', `${formatUs(w.pingUs.p50)} / ${formatUs(w.pingUs.p99)}`]);
    const closes = Object.entries(w.unexpectedCloses);
    if (closes.length) rows.push(['Closed by the server', closes.map(([k, n]) => `${k}: ${formatCount(n)}`).join(', ')]);
  }
  if (s.sse) {
    const v = s.sse;
    rows.push(['Server-Sent Events', `${formatCount(v.events)} events on ${formatCount(v.streamsOpened)} streams; ${formatCount(v.drops)} dropped, ${formatCount(v.reconnects)} reconnects (${formatCount(v.resumedWithLastEventId)} with Last-Event-ID)${v.serverRetryMs !== null ? `; server retry ${formatCount(v.serverRetryMs)} ms` : ''}`]);
    if (v.firstEventUs) rows.push(['First event p50 / p99', `${formatUs(v.firstEventUs.p50)} / ${formatUs(v.firstEventUs.p99)}`]);
  }
  const g = s.generator;
  rows.push(['Generator', `${g.workers} worker${g.workers === 1 ? '' : 's'}, CPU ${g.cpuPercent}% average / ${g.maxCpuPercent}% max per worker, event-loop lag up to ${g.maxLoopLagMs} ms${g.saturated ? ` — SATURATED: ${g.reasons.join('; ')}` : ''}`]);
  rows.push(['Environment', environmentLine(run)]);
  if (run.groupId) rows.push(['Group', run.groupId]);
  if (run.tags.length) rows.push(['Tags', run.tags.join(', ')]);
  for (const note of s.notes) rows.push(['Note', note]);
  const table = rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('');
  const notes = run.notes ? `<h3>Notes</h3><div class="usernotes">${e(run.notes)}</div>` : '';
  const headers = c.headers && Object.keys(c.headers).length ? `<h3>Request headers</h3><pre>${e(Object.entries(c.headers).map(([k, v]) => `${k}: ${v}`).join('\n'))}</pre>` : '';
  return `<section class="details"><h2>Details</h2><table class="kv">${table}</table>${headers}${notes}</section>`;
}

function runsTable(runs: readonly StoredRun[], role: (r: StoredRun) => string, colors: Map<number, string>, withFigures = false): string {
  const head = `<tr><th></th><th>Run</th><th>Role</th><th>Scenario</th><th>Started (UTC)</th><th>Status</th><th class="num">Duration</th>${
    withFigures ? '<th class="num">Throughput</th><th class="num">p50</th><th class="num">p99</th>' : '<th>Target</th>'
  }</tr>`;
  const rows = runs
    .map((r) => {
      const swatch = `<span class="swatch" style="background:${colors.get(r.id) ?? '#999'}"></span>`;
      const tail = withFigures
        ? `<td class="num">${e(formatKeyFigure(KEY_FIGURES[0], KEY_FIGURES[0].value(r), rateUnit(r.config)))}</td><td class="num">${e(formatUs(r.summary.latencyUs.count ? r.summary.latencyUs.p50 : null))}</td><td class="num">${e(formatUs(r.summary.latencyUs.count ? r.summary.latencyUs.p99 : null))}</td>`
        : `<td class="url">${e(targetLine(r))}</td>`;
      return `<tr><td>${swatch}</td><td>${r.id}</td><td>${e(role(r))}</td><td>${e(r.scenarioName ?? '–')}</td><td>${e(utcTime(r.summary.startedAt))}</td><td>${e(statusWord(r.summary.status))}</td><td class="num">${e(formatDuration(r.summary.durationSec))}</td>${tail}</tr>`;
    })
    .join('');
  return `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function keyFiguresTable(c: RunsComparison): string {
  const head = `<tr><th>Figure</th>${c.runs
    .map((r, i) => `<th class="num">Run ${r.id}${i === 0 ? ' (baseline)' : ''}</th>${i > 0 ? '<th class="num">Change</th>' : ''}`)
    .join('')}</tr>`;
  const rows = KEY_FIGURES.map((d) => {
    const cells = c.runs
      .map((r, i) => {
        const f = r.figures.find((x) => x.id === d.id)!;
        const value = `<td class="num">${e(formatKeyValue(d, f, r.rateUnit))}</td>`;
        if (i === 0) return value;
        const cls = f.change === null || d.higherIsBetter === null || Math.abs(f.change) < 0.0005 ? '' : (f.change > 0) === d.higherIsBetter ? 'up' : 'down';
        const change = f.difference === null ? '–' : `${formatKeyDifference(d, f.difference, r.rateUnit)}${f.change === null ? '' : ` (${signedPercent(f.change)})`}`;
        return `${value}<td class="num change ${cls}">${e(change)}</td>`;
      })
      .join('');
    return `<tr><th>${e(d.name)}</th>${cells}</tr>`;
  }).join('');
  return `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function changeRows(verdicts: readonly FigureComparison[]) {
  return verdicts.map((v) => ({ label: v.name, change: v.change, low: v.ciLow, high: v.ciHigh, noiseThreshold: v.noiseThreshold, verdict: v.verdict }));
}

function verdictTable(verdicts: readonly FigureComparison[]): string {
  const groups = verdicts.some((v) => v.pValue !== null);
  const head = `<tr><th>Figure</th><th class="num">Baseline</th><th class="num">Candidate</th><th class="num">Change</th><th class="num">${Number(((verdicts[0]?.confidence ?? 0.95) * 100).toFixed(1))}% interval</th>${groups ? '<th class="num">p</th>' : ''}<th class="num">Noise</th><th>Verdict</th></tr>`;
  const value = (v: FigureComparison, x: number | null) => (x === null ? '–' : v.unit === 'µs' ? formatUs(Math.round(x)) : `${formatCount(x, x < 100 ? 1 : 0)} ${v.unit}`);
  const rows = verdicts
    .map(
      (v) =>
        `<tr><th>${e(v.name)}</th><td class="num">${e(value(v, v.baseline))}</td><td class="num">${e(value(v, v.candidate))}</td><td class="num">${
          v.change === null ? '–' : e(signedPercent(v.change))
        }</td><td class="num">${v.ciLow === null || v.ciHigh === null ? '–' : e(`${signedPercent(v.ciLow)} to ${signedPercent(v.ciHigh)}`)}</td>${
          groups ? `<td class="num">${v.pValue === null ? '–' : e(describeP(v.pValue))}</td>` : ''
        }<td class="num">±${e(String(Number((v.noiseThreshold * 100).toFixed(2))))}%</td><td><span class="verdict" style="color:${verdictColor(v.verdict)}">${e(v.verdict)}</span></td></tr>` +
        `<tr class="sentence"><td colspan="${groups ? 8 : 7}">${e(v.sentence)}</td></tr>`,
    )
    .join('');
  return `<table class="verdict-table"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function methodList(verdicts: readonly FigureComparison[]): string {
  return `<ul class="methods">${verdicts.map((v) => `<li><strong>${e(v.name)}</strong>: ${e(v.method)}</li>`).join('')}</ul>`;
}

function methodNote(confidence: number, noise: { throughput: number; latency: number }): string {
  return `A verdict needs the whole ${Number((confidence * 100).toFixed(1))}% interval beyond the noise threshold (±${Number((noise.throughput * 100).toFixed(2))}% throughput, ±${Number((noise.latency * 100).toFixed(2))}% latency).`;
}

function methodSection(): string {
  return `<section class="method"><h2>How the verdicts are made</h2>
<p>Single runs are compared over their <em>steady</em> seconds (warm-up left out), not over individual requests: requests in flight together share queues, pauses and noisy neighbours, so they are not independent evidence. Each figure — throughput (mean of per-second counts), p50 (median of per-second p50s), p99 (mean of per-second p99s) — gets a confidence interval for its relative change from a circular block bootstrap of the seconds, with blocks as long as the seconds' correlation, widened for the few independent blocks a run holds.</p>
<p>Groups of repeated runs (an A/B run) are compared on two levels: each run's figure with its own uncertainty from its seconds, and the spread between runs. A and B of one round are paired (they share the machine's state); the interval of the change uses the larger of the rounds' spread and what the runs' seconds explain, with Student's t. A "no clear difference" says how many rounds would detect a 10% change at the noise measured.</p>
<p>A figure that could not be judged — runs too short, too few rounds, a baseline of 0 — is <em>inconclusive</em>, with what would make it conclusive; that is not a pass.</p>
<p>Only then is a figure called better or worse. Changes inside the noise threshold are never called: on a shared machine a difference of a few percent is routinely real and meaningless. "No clear difference" is not proof of equality; it says this data cannot tell.</p></section>`;
}

// ---- helpers ----------------------------------------------------------------------------------------

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="Barrage">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A report is a file people pass around: URL passwords and credential header values become *** (shared/redact.ts). */
function withoutSecrets(run: StoredRun): StoredRun {
  return { ...run, config: redactConfig(run.config) };
}

function targetLine(run: StoredRun): string {
  const c = run.config;
  return `${c.protocol === 'http' ? `${c.method} ` : ''}${c.url}`;
}

function loadLine(run: StoredRun): string {
  const c = run.config;
  const n = concurrencyOf(c);
  const parts = [`${formatCount(n)} ${n === 1 ? loadUnits(c).concurrency.replace(/s$/, '') : loadUnits(c).concurrency}`];
  if (c.durationSec !== undefined) parts.push(formatDuration(c.durationSec));
  if (c.amount !== undefined) parts.push(`${formatCount(c.amount)} ${loadUnits(c).amount}`);
  if (c.stages !== undefined) {
    // A load profile: what it ramps, over how many stages, and for how long.
    const rate = c.stageTarget === 'rate' || (c.stageTarget === undefined && c.protocol === 'ws' && c.mode === 'rate');
    const peak = Math.max(...c.stages.map((x) => x.target));
    parts.push(
      `load profile of ${c.stages.length} stage${c.stages.length === 1 ? '' : 's'} over ${formatDuration(c.stages.reduce((a, x) => a + x.durationSec, 0))}, ` +
        (rate ? `open model up to ${formatCount(peak)}/s` : `closed model up to ${formatCount(peak)} connections`),
    );
  } else if (c.rate !== undefined) parts.push(`open model at ${formatCount(c.rate)}/s`);
  else if (!(c.protocol === 'ws' && c.mode === 'push')) parts.push('closed model');
  if (c.protocol === 'http' && c.pipelining > 1) parts.push(`pipelining ${c.pipelining}`);
  if (c.protocol === 'http' && c.newConnectionPerRequest) parts.push('a new connection per request');
  if (c.protocol === 'ws') parts.push(`${c.mode} mode${c.mode === 'echo' ? `, ${c.inFlight} in flight per connection` : ''}`);
  parts.push(`warm-up ${c.warmupSec} s`);
  return parts.join(', ');
}

function environmentLine(run: StoredRun): string {
  const env = run.environment;
  if (env.importedFrom) return `imported from ${env.importedFrom}`;
  const parts = [
    env.barrageVersion ? `Barrage ${env.barrageVersion}` : null,
    env.nodeVersion ? `Node ${env.nodeVersion}` : null,
    env.os ? `${env.os.platform} ${env.os.release} ${env.os.arch}` : null,
    env.cpu ? `${env.cpu.count} × ${env.cpu.model}` : null,
    env.workers ? `${env.workers} worker${env.workers === 1 ? '' : 's'}` : null,
  ];
  return parts.filter((p) => p !== null).join(', ') || '–';
}

function errorShare(run: StoredRun): string {
  const s = run.summary;
  const attempts = s.throughput.total + s.errors.total - (s.errors.byKind.status ?? 0);
  if (attempts <= 0) return 'nothing attempted';
  return `${Number(((s.errors.total / attempts) * 100).toPrecision(3))}% of ${s.protocol === 'ws' ? 'messages' : 'requests'}`;
}

function warmupBand(samples: readonly RunSample[]): Array<{ from: number; to: number; label: string }> {
  const warm = samples.filter((s) => s.warmup);
  if (warm.length === 0) return [];
  return [{ from: Math.min(...warm.map((s) => s.t)), to: Math.max(...warm.map((s) => s.t)) + 1, label: 'warm-up' }];
}

function figureValues(runs: readonly StoredRun[], id: FigureId): number[] {
  const figure = figureById(id);
  return runs.map((r) => runFigure(r, figure, 1)).filter((v): v is number => v !== null);
}

function namesOf(verdicts: readonly FigureComparison[], ids: readonly string[]): string {
  return verdicts
    .filter((v) => ids.includes(v.figure))
    .map((v) => v.name)
    .join(', ');
}

function short(text: string): string {
  return text.length > 14 ? `${text.slice(0, 13)}…` : text;
}

/** "2025-05-01 10:00:00 UTC": a report travels, so its times say their zone. */
function utcTime(iso: string): string {
  return formatStartTime(iso, { utc: true });
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #212529; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
main { max-width: 980px; margin: 0 auto; padding: 28px 24px 40px; }
header { border-bottom: 2px solid #1c5fbf; padding-bottom: 12px; margin-bottom: 16px; }
header .kind { color: #6c757d; font-size: 12px; letter-spacing: .02em; text-transform: uppercase; }
h1 { font-size: 26px; margin: 4px 0 2px; }
header .sub { color: #495057; word-break: break-all; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
section { margin: 22px 0; }
svg { display: block; width: 100%; height: auto; max-width: 100%; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px 24px; }
.grid2 svg { width: 100%; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; }
.card { border: 1px solid #dee2e6; border-radius: 6px; padding: 10px 12px; }
.card .k { color: #6c757d; font-size: 12px; }
.card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .n { color: #6c757d; font-size: 12px; }
.badges { display: flex; gap: 6px; flex-wrap: wrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #e9ecef; color: #343a40; }
.badge.ok { background: #d3f9d8; color: #2b8a3e; }
.badge.bad { background: #ffe3e3; color: #c92a2a; }
.badge.warn { background: #fff3bf; color: #8f5a00; }
.failure { color: #c92a2a; }
.saturation { color: #8f5a00; }
.result { padding: 10px 14px; border-radius: 6px; font-weight: 600; }
.result.ok { background: #ebfbee; color: #2b8a3e; border: 1px solid #b2f2bb; }
.result.bad { background: #fff5f5; color: #c92a2a; border: 1px solid #ffc9c9; }
.result.unsure { background: #fff9db; color: #8a5a00; border: 1px dashed #f59f00; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e9ecef; vertical-align: top; }
thead th { border-bottom: 2px solid #ced4da; font-weight: 600; color: #495057; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.url { word-break: break-all; }
table.kv th { width: 190px; color: #495057; font-weight: 600; }
table.compact { width: auto; }
.change.up { color: #2b8a3e; }
.change.down { color: #c92a2a; }
.verdict { font-weight: 600; }
tr.sentence td { color: #6c757d; font-size: 12px; border-bottom: 1px solid #dee2e6; padding-top: 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.note { color: #6c757d; font-size: 12px; margin: 6px 0 0; }
.usernotes { white-space: pre-wrap; border-left: 3px solid #dee2e6; padding: 4px 10px; }
pre { background: #f8f9fa; padding: 8px 10px; border-radius: 4px; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
code { font-size: 12px; }
.method p { color: #495057; font-size: 13px; }
ul.methods { margin: 4px 0 0; padding-left: 18px; color: #6c757d; font-size: 12px; }
footer { margin-top: 32px; padding-top: 10px; border-top: 1px solid #dee2e6; color: #868e96; font-size: 11px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 20px; }
  section { margin: 14px 0; }
  section.chart, section.verdicts, .cards, .card, svg, tr { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section.details, section.method { break-before: page; page-break-before: always; }
  .grid2 { gap: 8px 14px; }
}
@media (max-width: 640px) { .grid2, .cards { grid-template-columns: 1fr; } }
`;

/** A latency card's figure: "–" when nothing completed or the measuring tool did not report it. */
function latencyCard(s: RunSummary, which: 'p50' | 'p99' | 'p999'): string {
  return latencyFigureReason(s, which) === null ? formatUs(s.latencyUs[which]) : '–';
}
