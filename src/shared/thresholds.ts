// Thresholds (SLOs): `p99 < 250ms`, `errors < 1%`, `rps > 5000`; for flows also per step
// (`p99{step:login} < 300ms`, `errors{step:"add to cart"} < 1%`) and `checks > 99%`. One small readable syntax for
// the CLI's `--threshold`, scenario files and the builder, parsed here so that a typo gets the
// same message wherever it was typed, and evaluated against a run's summary at the end of a run.
import { z } from 'zod';
import type { RunSummary } from './runResult.ts';
import { formatCount, formatUs } from './units.ts';

export const THRESHOLD_METRICS = ['p50', 'p90', 'p95', 'p99', 'p999', 'mean', 'max', 'errors', 'dropped', 'rps', 'connect_p99', 'checks'] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];
export type ThresholdOperator = '<' | '<=' | '>' | '>=';
/** The limit's unit: microseconds, a share of requests/messages (fraction), a count, or per second. */
export type ThresholdUnit = 'us' | 'share' | 'count' | 'per-second';

export interface Threshold {
  /** As written, trimmed. */
  expression: string;
  metric: ThresholdMetric;
  operator: ThresholdOperator;
  /** In `unit`: µs for latencies, a fraction for error shares (0.01 = 1%), a count, or per second. */
  limit: number;
  unit: ThresholdUnit;
  /** `p99{stage:2} < 200ms`: the figure of one stage of a load profile (1-based), not the whole run's. */
  stage?: number;
  /** `p99{step:login} < 300ms`: the figure of one step of a flow, by its name. */
  step?: string;
}

export interface ThresholdResult {
  expression: string;
  metric: ThresholdMetric;
  /** The stage (1-based) the threshold was checked on, when it names one. */
  stage?: number;
  /** The flow step the threshold was checked on, when it names one. */
  step?: string;
  /** The run's figure in the threshold's unit; null when the run has nothing to measure it on. */
  actual: number | null;
  limit: number;
  unit: ThresholdUnit;
  passed: boolean;
  /** "p99 312 ms (limit < 250 ms): failed". */
  message: string;
}

/** A threshold that cannot be parsed; `message` reads `"p98 < 250ms": unknown metric "p98" (…)`. */
export class ThresholdError extends Error {
  readonly expression: string;
  /** 1-based column of the offending token, when there is one. */
  readonly column: number | null;
  readonly problem: string;
  constructor(expression: string, problem: string, column: number | null = null) {
    super(`"${expression}": ${problem}`);
    this.name = 'ThresholdError';
    this.expression = expression;
    this.problem = problem;
    this.column = column;
  }
}

const LATENCY_METRICS = new Set<ThresholdMetric>(['p50', 'p90', 'p95', 'p99', 'p999', 'mean', 'max', 'connect_p99']);
/** Other spellings people type for the same metric. */
const ALIASES: Record<string, ThresholdMetric> = { throughput: 'rps', 'p99.9': 'p999', missed: 'dropped', dropped_iterations: 'dropped' };
const LATENCY_UNITS: Record<string, number> = { us: 1, µs: 1, μs: 1, ms: 1000, s: 1_000_000 };
const KNOWN = `known: ${THRESHOLD_METRICS.join(', ')}; throughput is the same as rps, missed as dropped`;

const OPERATORS = '<, <=, > or >=';

/** Parses one expression; throws ThresholdError naming the problem and, for syntax, its column. */
export function parseThreshold(input: string): Threshold {
  const expression = input.trim();
  function fail(problem: string, index?: number): never {
    throw new ThresholdError(expression, problem, index === undefined ? null : index + 1);
  }
  const at = (index: number) => ` at column ${index + 1}`;
  if (expression === '') fail('empty threshold; write e.g. "p99 < 250ms"');
  let pos = 0;
  const skipSpaces = () => {
    while (pos < expression.length && /\s/.test(expression[pos])) pos++;
  };

  const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(expression)?.[0];
  if (!name) fail(`expected a metric name${at(0)}, e.g. p99, errors or rps (${KNOWN})`, 0);
  const lower = name.toLowerCase();
  const metric = (THRESHOLD_METRICS as readonly string[]).includes(lower) ? (lower as ThresholdMetric) : ALIASES[lower];
  if (!metric) fail(`unknown metric "${name}" (${KNOWN})`, 0);
  pos = name.length;
  skipSpaces();

  // An optional scope: {stage:N}, one stage of a load profile; {step:NAME} or {step:"a name"}, one step of a flow.
  let stage: number | undefined;
  let step: string | undefined;
  if (expression[pos] === '{') {
    const scopeStart = pos;
    const key = /^\{\s*([A-Za-z_]*)\s*:?\s*/.exec(expression.slice(pos));
    const keyword = key?.[1].toLowerCase() ?? '';
    if (keyword === 'step') {
      if (metric === 'connect_p99' || metric === 'dropped') fail(`${metric} cannot name a step (it is measured for the whole run)`, scopeStart);
      pos += key![0].length;
      const nameStart = pos;
      if (expression[pos] === '"') {
        const close = expression.indexOf('"', pos + 1);
        if (close < 0) fail(`the step name opened with " at column ${pos + 1} is never closed`, pos);
        step = expression.slice(pos + 1, close).trim();
        pos = close + 1;
      } else {
        const bare = /^[^\s{}":]+/.exec(expression.slice(pos))?.[0] ?? '';
        step = bare;
        pos += bare.length;
      }
      if (step === '') fail(`expected a step name${at(nameStart)}, e.g. ${name}{step:login} or ${name}{step:"add to cart"}`, nameStart);
      skipSpaces();
      if (expression[pos] !== '}') fail(`expected } after the step name${at(pos)}; quote a name with spaces: ${name}{step:"add to cart"}`, pos);
      pos++;
    } else {
      const scope = /^\{\s*stage\s*:\s*(\d+)\s*\}/.exec(expression.slice(pos));
      if (!scope) fail(`expected {stage:N} or {step:NAME} after "${name}"${at(scopeStart)}, e.g. ${name}{stage:2} or ${name}{step:login}`, scopeStart);
      stage = Number(scope[1]);
      if (stage < 1) fail(`stages are numbered from 1${at(scopeStart)}`, scopeStart);
      if (metric === 'connect_p99') fail(`connect_p99 cannot name a stage (handshakes are measured for the whole run)`, scopeStart);
      if (metric === 'checks') fail(`checks cannot name a stage (checks are counted for the whole run and per step)`, scopeStart);
      pos += scope[0].length;
    }
    skipSpaces();
  }

  const opStart = pos;
  const op = /^(<=|>=|<|>)/.exec(expression.slice(pos))?.[0] as ThresholdOperator | undefined;
  if (!op) {
    const bad = /^(==|=<|=>|!=|=)/.exec(expression.slice(pos))?.[0];
    if (bad) fail(`operator "${bad}"${at(opStart)} is not supported; use ${OPERATORS}`, opStart);
    fail(pos >= expression.length ? `missing operator and limit after "${name}"; write e.g. "${name} < ${example(metric)}"` : `expected ${OPERATORS} after "${name}"${at(opStart)}, found "${token(expression, pos)}"`, opStart);
  }
  pos += op.length;
  skipSpaces();

  const numStart = pos;
  if (expression[pos] === '-') fail(`the limit cannot be negative${at(numStart)}`, numStart);
  const num = /^(\d+(\.\d+)?|\.\d+)/.exec(expression.slice(pos))?.[0];
  if (!num) {
    fail(pos >= expression.length ? `missing limit after "${op}"; write e.g. "${name} ${op} ${example(metric)}"` : `expected a number after "${op}"${at(numStart)}, found "${token(expression, pos)}"`, numStart);
  }
  const value = Number(num);
  pos += num.length;
  skipSpaces();

  const unitStart = pos;
  const unitText = /^(%|\/s|[A-Za-zµμ]+)/.exec(expression.slice(pos))?.[0] ?? '';
  pos += unitText.length;
  skipSpaces();
  if (pos < expression.length) fail(`unexpected "${token(expression, pos)}"${at(pos)}; a threshold is <metric> <operator> <limit>`, pos);

  let limit: number;
  let unit: ThresholdUnit;
  if (LATENCY_METRICS.has(metric)) {
    if (unitText === '') fail(`the limit of ${metric} needs a unit: us, µs, ms or s (e.g. "${metric} ${op} ${num}ms")`, unitStart);
    const factor = LATENCY_UNITS[unitText];
    if (factor === undefined) fail(`unknown unit "${unitText}" for ${metric}${at(unitStart)} (use us, µs, ms or s)`, unitStart);
    limit = value * factor;
    unit = 'us';
  } else if (metric === 'checks') {
    if (unitText !== '%') fail(`checks takes a share of checks passed in %${unitText === '' ? '' : `, not "${unitText}"`}${at(unitStart)}, e.g. "checks > 99%"`, unitStart);
    if (value > 100) fail(`a share of checks cannot exceed 100%${at(numStart)}`, numStart);
    limit = value / 100;
    unit = 'share';
  } else if (metric === 'errors' || metric === 'dropped') {
    const what = metric === 'errors' ? 'errors' : 'dropped sends';
    const of = metric === 'errors' ? 'requests or messages' : 'scheduled sends';
    if (unitText === '%') {
      if (value > 100) fail(`a share of ${what} cannot exceed 100%${at(numStart)}`, numStart);
      limit = value / 100;
      unit = 'share';
    } else if (unitText === '') {
      if (!Number.isInteger(value)) fail(`a count of ${what} must be a whole number${at(numStart)}; add % for a share of ${of}`, numStart);
      limit = value;
      unit = 'count';
    } else {
      fail(`${metric} takes % (a share of ${of}) or no unit (a count), not "${unitText}"${at(unitStart)}`, unitStart);
    }
  } else {
    if (unitText !== '' && unitText !== '/s') fail(`${metric} is per second and takes no unit, not "${unitText}"${at(unitStart)}`, unitStart);
    limit = value;
    unit = 'per-second';
  }
  // All figures are ≥ 0: "< 0" is a threshold that no run can pass, certainly a typo.
  if (op === '<' && limit === 0) fail(`"${metric} < 0" can never pass; use <= 0 to allow none`, numStart);
  return { expression, metric, operator: op, limit, unit, ...(stage !== undefined ? { stage } : {}), ...(step !== undefined ? { step } : {}) };
}

/** How a step name is written in a threshold: bare when it can be, quoted otherwise. */
export function stepScope(step: string): string {
  return /^[^\s{}":,]+$/.test(step) ? `{step:${step}}` : `{step:"${step}"}`;
}

export type ParsedThreshold = { ok: true; value: Threshold } | { ok: false; error: string };

export function tryParseThreshold(expression: string): ParsedThreshold {
  try {
    return { ok: true, value: parseThreshold(expression) };
  } catch (err) {
    if (err instanceof ThresholdError) return { ok: false, error: err.message };
    throw err;
  }
}

/** One threshold expression; the value stays the string as written (scenario files stay readable). */
export const thresholdExpressionSchema = z.string({ error: 'must be a string such as "p99 < 250ms"' }).superRefine((s, ctx) => {
  const parsed = tryParseThreshold(s);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

/** The thresholds of a scenario: to be added to the scenario schema as `thresholds`. */
export const thresholdListSchema = z
  .array(thresholdExpressionSchema, { error: 'must be a list of thresholds such as ["p99 < 250ms", "errors < 1%"]' })
  .max(50, { error: 'at most 50 thresholds' })
  .default([]);

/** The canonical spelling: "p99 < 250 ms", "errors < 1%", "rps > 5,000/s". */
export function formatThreshold(t: Threshold): string {
  return `${t.metric}${t.stage !== undefined ? `{stage:${t.stage}}` : ''}${t.step !== undefined ? stepScope(t.step) : ''} ${t.operator} ${formatLimit(t.limit, t.unit)}`;
}

/**
 * Evaluates thresholds against a finished run. Strings are parsed first (invalid ones throw
 * ThresholdError: validate them before the run, with the schema or tryParseThreshold). A
 * threshold the run gives nothing to measure on — latency when nothing completed,
 * connect_p99 on an HTTP run — fails: a gate that cannot be checked must not let a run through.
 */
export function evaluateThresholds(expressions: ReadonlyArray<string | Threshold>, summary: RunSummary): ThresholdResult[] {
  return expressions.map((e) => evaluateOne(typeof e === 'string' ? parseThreshold(e) : e, summary));
}

export function allPassed(results: readonly ThresholdResult[]): boolean {
  return results.every((r) => r.passed);
}

function evaluateOne(t: Threshold, summary: RunSummary): ThresholdResult {
  const measured = t.step !== undefined ? measureStep(t, t.step, summary) : t.stage === undefined ? measure(t, summary) : measureStage(t, t.stage, summary);
  const base = {
    expression: t.expression,
    metric: t.metric,
    limit: t.limit,
    unit: t.unit,
    ...(t.stage !== undefined ? { stage: t.stage } : {}),
    ...(t.step !== undefined ? { step: t.step } : {}),
  };
  const required = `${t.operator} ${formatLimit(t.limit, t.unit)}`;
  const name = t.step !== undefined ? `${t.metric} of step "${t.step}"` : t.stage === undefined ? t.metric : `${t.metric} of stage ${t.stage}`;
  if (typeof measured === 'string') {
    return { ...base, actual: null, passed: false, message: `${name}: ${measured} (limit ${required}): failed` };
  }
  const passed = satisfies(measured, t.operator, t.limit);
  return { ...base, actual: measured, passed, message: `${name} ${formatLimit(measured, t.unit)} (limit ${required}): ${passed ? 'passed' : 'failed'}` };
}

/**
 * Errors of a flow that came with an answer: a status not expected, a check that failed, an
 * extraction that found nothing. The answer is counted as a completion too, so attempts count
 * it once.
 */
function answeredErrors(byKind: Partial<Record<string, number>>): number {
  return (byKind.status ?? 0) + (byKind.check ?? 0) + (byKind.extraction ?? 0);
}

/** A flow step's figure for a threshold that names it, or why there is none. */
function measureStep(t: Threshold, name: string, summary: RunSummary): number | string {
  if (!summary.flow) return 'the run is not a flow: it has no steps';
  const step = summary.flow.steps.find((s) => s.name === name);
  if (!step) return `the run has no step "${name}" (its steps: ${summary.flow.steps.map((s) => s.name).join(', ')})`;
  switch (t.metric) {
    case 'connect_p99':
    case 'dropped':
      return 'cannot be checked per step';
    case 'errors': {
      if (t.unit === 'count') return step.errors.total;
      const attempts = step.count + step.errors.total - answeredErrors(step.errors.byKind);
      return attempts > 0 ? step.errors.total / attempts : 'the step was never attempted';
    }
    case 'rps':
      return step.perSec;
    case 'checks': {
      const passed = step.checks.reduce((a, c) => a + c.passed, 0);
      const total = passed + step.checks.reduce((a, c) => a + c.failed, 0);
      return total > 0 ? passed / total : step.checks.length === 0 ? 'the step has no checks' : 'none of the step’s checks ran';
    }
    default:
      return step.latencyUs && step.latencyUs.count > 0 ? step.latencyUs[t.metric] : 'nothing completed in the step';
  }
}

/** A stage's figure for a threshold that names it, or why there is none. */
function measureStage(t: Threshold, stage: number, summary: RunSummary): number | string {
  const figures = summary.stages?.[stage - 1];
  if (!figures) return summary.stages ? `the run has ${summary.stages.length} stages, no stage ${stage}` : 'the run has no stages';
  switch (t.metric) {
    case 'connect_p99':
    case 'dropped':
    case 'checks':
      return 'cannot be checked per stage';
    case 'errors': {
      if (t.unit === 'count') return figures.errors;
      // As for the whole run: an unexpected status is a completion and an error, counted once.
      const attempts = figures.throughput.total + figures.errors - (figures.statusErrors ?? 0);
      return attempts > 0 ? figures.errors / attempts : 'nothing was attempted in the stage';
    }
    case 'rps':
      return figures.throughput.perSec;
    default:
      return figures.latencyUs && figures.latencyUs.count > 0 ? figures.latencyUs[t.metric] : 'nothing completed in the stage';
  }
}

/** The run's figure for a threshold, or why there is none. */
function measure(t: Threshold, summary: RunSummary): number | string {
  switch (t.metric) {
    case 'connect_p99': {
      if (summary.protocol !== 'ws') return 'applies to WebSocket runs only';
      const connect = summary.ws?.connectUs;
      return connect && connect.count > 0 ? connect.p99 : 'no WebSocket handshake completed';
    }
    case 'errors': {
      if (t.unit === 'count') return summary.errors.total;
      // Every request ends in a response or an error; a response with an unexpected status is
      // both (counted in throughput and as a 'status' error), so it is subtracted once.
      // A flow's failed checks and extractions came with their answers too.
      const answered = summary.protocol === 'flow' ? answeredErrors(summary.errors.byKind) : (summary.errors.byKind.status ?? 0);
      const attempts = summary.throughput.total + summary.errors.total - answered;
      return attempts > 0 ? summary.errors.total / attempts : 'nothing was attempted';
    }
    case 'checks': {
      if (!summary.flow) return 'applies to flows only (their checks)';
      const { share } = summary.flow.checks;
      return share ?? 'no check ran';
    }
    case 'dropped': {
      // Scheduled sends that never went out (k6's dropped_iterations): only the open model has
      // a schedule. A closed-model run fails the gate rather than passing it unchecked.
      const schedule = summary.schedule;
      if (!schedule) return 'applies to runs with a rate (open model) only';
      if (t.unit === 'count') return schedule.missed;
      return schedule.due > 0 ? schedule.missed / schedule.due : 'nothing was scheduled';
    }
    case 'rps':
      // The steady rate (after warm-up) is the figure people mean by "requests per second".
      return summary.throughput.steadyPerSec ?? summary.throughput.perSec;
    default:
      // With no completion the summary's latencies are zeros, which would pass any "<" limit.
      return summary.latencyUs.count > 0 ? summary.latencyUs[t.metric] : 'nothing completed, no latency to measure';
  }
}

function satisfies(actual: number, op: ThresholdOperator, limit: number): boolean {
  // Equal within rounding (1 error in 100 requests against "1%") counts as equal.
  const equal = Math.abs(actual - limit) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(limit));
  switch (op) {
    case '<':
      return actual < limit && !equal;
    case '<=':
      return actual <= limit || equal;
    case '>':
      return actual > limit && !equal;
    case '>=':
      return actual >= limit || equal;
  }
}

function formatLimit(value: number, unit: ThresholdUnit): string {
  switch (unit) {
    case 'us':
      return formatUs(value);
    case 'share':
      return `${Number((value * 100).toPrecision(3))}%`;
    case 'count':
      return formatCount(value);
    case 'per-second':
      return `${formatCount(value, value < 100 ? 1 : 0)}/s`;
  }
}

function example(metric: ThresholdMetric | undefined): string {
  if (metric === 'errors' || metric === 'dropped') return '1%';
  if (metric === 'checks') return '99%';
  if (metric === 'rps') return '5000';
  return '250ms';
}

/** The token starting at `pos`, for messages. */
function token(s: string, pos: number): string {
  return /^\S+/.exec(s.slice(pos))?.[0] ?? s.slice(pos);
}
