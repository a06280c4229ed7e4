// A flow run's figures (summary.flow) from its merged per-second samples and the scenario's
// steps: per step its count, rate, latency from the merged per-second histograms (exact: an
// HdrHistogram merge loses nothing), errors by kind, status codes and each check's counts; the
// iterations with their duration histogram; the run's checks share; the data rows used.
//
// Built from the samples alone, so the engine's end of run, the store's rebuild of an
// interrupted run and an imported run all give the same figures for the same seconds.
import type { Check, FlowStep } from '../flowSteps.ts';
import type { ErrorKind, FlowFigures, IterationCounts, RunSample, StepFigures } from '../runResult.ts';
import { isOpenModel, type FlowScenario } from '../scenario.ts';
import { formatUs } from '../units.ts';
import { checkLabel } from '../flowTrace.ts';
import { createHistogram, decodeForMerge, encodeHistogram, summarizeHistogram, type Histogram } from './histogramCodec.ts';

type Phase = StepFigures['phase'];
const PHASES: Phase[] = ['setup', 'steps', 'teardown'];

/** A check as people read it: "status 2xx", "$.token exists", "latency ≤ 200 ms" (one naming, shared with Try once's trace). */
export const checkName = checkLabel;

/**
 * What a step's latency measures, in words (docs/FLOWS.md, "What each step's latency includes").
 * `firstOpen`: the first iteration step of an open-model flow, timed from the iteration's
 * scheduled start so that a stalled target still shows in the tail.
 */
export function stepLatencyMeaning(step: FlowStep, firstOpen: boolean): string {
  const fromScheduled = firstOpen ? ' (first step, open model: from the iteration’s scheduled start)' : '';
  switch (step.type) {
    case 'http':
      return firstOpen
        ? 'HTTP request from the iteration’s scheduled start (open model: waiting for a free virtual user counts) to its complete response'
        : 'HTTP request from writing the request to its complete response';
    case 'ws-connect':
      return `WebSocket handshake: connecting to the upgrade’s answer${fromScheduled}`;
    case 'ws-send':
      if (step.expect === undefined) return `WebSocket send: handing the message to the socket (no answer expected)${fromScheduled}`;
      return 'path' in step.expect.match
        ? `WebSocket exchange: each send to the answer whose ${step.expect.match.path} matches it${fromScheduled}`
        : `WebSocket exchange: each send to the answer matching /${step.expect.match.regex}/${fromScheduled}`;
    case 'ws-await':
      return step.lagPath !== undefined
        ? `WebSocket push lag: receipt minus the message’s timestamp at ${step.lagPath} (epoch ms)`
        : `WebSocket await: from the step’s start to each awaited message${fromScheduled}`;
    case 'ws-close':
      return `WebSocket close: close frame sent to the peer’s close${fromScheduled}`;
  }
}

/** The steps of a flow in the order they run, with their phase. */
export function flowStepsInOrder(scenario: Pick<FlowScenario, 'setup' | 'steps' | 'teardown'>): Array<{ step: FlowStep; phase: Phase }> {
  return PHASES.flatMap((phase) => scenario[phase].map((step) => ({ step, phase })));
}

interface StepTotals {
  count: number;
  errors: number;
  byKind: Partial<Record<ErrorKind, number>>;
  statusCodes: Record<string, number>;
  passed: number;
  failed: number;
  perCheck: Array<{ passed: number; failed: number }>;
  /** Whether any second carried per-check counts (runs that did not keep them give totals only). */
  hadPerCheck: boolean;
  outOfOrder: number;
  unmatched: number;
  latency: Histogram;
}

export interface FlowFiguresInput {
  scenario: FlowScenario;
  samples: readonly RunSample[];
  /** The run's duration (s): each step's perSec is its count over it. */
  durationSec: number;
  /** SHA-256 of the data rows when the scenario does not carry one (computed by the caller, which has a hash). */
  dataSha256?: string;
}

export function flowFigures(input: FlowFiguresInput): FlowFigures {
  const { scenario, samples, durationSec } = input;
  const ordered = flowStepsInOrder(scenario);
  const totals = new Map<string, StepTotals>();
  for (const { step } of ordered) {
    totals.set(step.name, {
      count: 0,
      errors: 0,
      byKind: {},
      statusCodes: {},
      passed: 0,
      failed: 0,
      perCheck: checksOf(step).map(() => ({ passed: 0, failed: 0 })),
      hadPerCheck: false,
      outOfOrder: 0,
      unmatched: 0,
      latency: createHistogram(),
    });
  }
  const iterations: IterationCounts = { started: 0, completed: 0, abandoned: 0 };
  const iterationLatency = createHistogram();
  for (const s of samples) {
    for (const sec of s.steps ?? []) {
      // A second of a step the scenario does not name (a renamed step in an edited copy) is left
      // out rather than shown under a name the scenario cannot explain.
      const t = totals.get(sec.step);
      if (t === undefined) continue;
      t.count += sec.count;
      t.errors += sec.errors;
      for (const [kind, n] of Object.entries(sec.errorsByKind ?? {}) as Array<[ErrorKind, number | undefined]>) {
        if (n) t.byKind[kind] = (t.byKind[kind] ?? 0) + n;
      }
      for (const [code, n] of Object.entries(sec.statusCodes ?? {})) t.statusCodes[code] = (t.statusCodes[code] ?? 0) + n;
      t.passed += sec.checks.passed;
      t.failed += sec.checks.failed;
      t.outOfOrder += sec.outOfOrder ?? 0;
      t.unmatched += sec.unmatched ?? 0;
      if (sec.checkCounts !== undefined) {
        t.hadPerCheck = true;
        sec.checkCounts.forEach((c, i) => {
          const into = t.perCheck[i];
          if (into === undefined) return;
          into.passed += c.passed;
          into.failed += c.failed;
        });
      }
      const h = decodeForMerge(sec.histogram);
      if (h) t.latency.add(h);
    }
    if (s.iterations) {
      iterations.started += s.iterations.started;
      iterations.completed += s.iterations.completed;
      iterations.abandoned += s.iterations.abandoned;
    }
    const ih = decodeForMerge(s.iterationHistogram);
    if (ih) iterationLatency.add(ih);
  }

  const open = isOpenModel(scenario);
  const firstIterationStep = scenario.steps[0]?.name;
  const steps: StepFigures[] = ordered.map(({ step, phase }) => {
    const t = totals.get(step.name)!;
    const checks = checksOf(step).map((check, i) => {
      const counts = t.hadPerCheck
        ? t.perCheck[i]
        : // Without per-check counts only a single check's counts are known for sure.
          checksOf(step).length === 1
          ? { passed: t.passed, failed: t.failed }
          : { passed: 0, failed: 0 };
      return { name: checkName(check), passed: counts.passed, failed: counts.failed };
    });
    const figures: StepFigures = {
      name: step.name,
      type: step.type,
      phase,
      count: t.count,
      perSec: durationSec > 0 ? round1(t.count / durationSec) : 0,
      latencyMeaning: stepLatencyMeaning(step, open && phase === 'steps' && step.name === firstIterationStep),
      latencyUs: t.latency.totalCount > 0 ? summarizeHistogram(t.latency) : null,
      errors: { total: t.errors, byKind: t.byKind },
      statusCodes: t.statusCodes,
      checks,
    };
    if (step.type === 'ws-send' && step.expect !== undefined) figures.ws = { outOfOrder: t.outOfOrder, unmatched: t.unmatched };
    if (t.latency.totalCount > 0) figures.histogram = encodeHistogram(t.latency);
    return figures;
  });

  const passed = [...totals.values()].reduce((a, t) => a + t.passed, 0);
  const failed = [...totals.values()].reduce((a, t) => a + t.failed, 0);
  const flow: FlowFigures = {
    steps,
    iterations: { ...iterations, durationUs: iterationLatency.totalCount > 0 ? summarizeHistogram(iterationLatency) : null },
    checks: { passed, failed, share: passed + failed > 0 ? passed / (passed + failed) : null },
  };
  const data = scenario.data;
  const sha256 = data?.sha256 ?? input.dataSha256;
  if (data?.rows !== undefined && sha256 !== undefined) flow.data = { rows: data.rows.length, sha256, assign: data.assign };
  return flow;
}

function checksOf(step: FlowStep): Check[] {
  return 'checks' in step ? step.checks : [];
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
