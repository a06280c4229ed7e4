// A flow run's per-step table as text cells (step, count, req/s, p50 / p99 / p99.9, errors,
// checks) and its iteration line: the same words in the terminal, the HTML report and the
// Markdown summary.
import type { FlowFigures, StepFigures } from './runResult.ts';
import { formatCount, formatUs } from './units.ts';

export const STEP_COLUMNS = ['Step', 'Count', 'Req/s', 'p50', 'p99', 'p99.9', 'Errors', 'Checks'] as const;
/** The column a flow with a ws-send step matching answers adds (hasWsAnswers). */
export const WS_ANSWERS_COLUMN = 'Out of order / unmatched';

export interface StepRowText {
  step: string;
  count: string;
  perSec: string;
  p50: string;
  p99: string;
  p999: string;
  errors: string;
  checks: string;
  /** ws-send steps with expect: "37 / 2" (answers out of order / unmatched messages); "–" for other steps. */
  wsAnswers: string;
  /** True when the step had errors or failed checks (shown as a problem). */
  failing: boolean;
}

/** "setup: login" for setup and teardown steps; an iteration step by its name alone. */
export function stepLabel(step: Pick<StepFigures, 'name' | 'phase'>): string {
  return step.phase === 'steps' ? step.name : `${step.phase}: ${step.name}`;
}

export function stepRowsText(flow: FlowFigures): StepRowText[] {
  return flow.steps.map((s) => {
    const passed = s.checks.reduce((a, c) => a + c.passed, 0);
    const failed = s.checks.reduce((a, c) => a + c.failed, 0);
    const kinds = Object.entries(s.errors.byKind)
      .filter(([, n]) => (n ?? 0) > 0)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .map(([k, n]) => `${k} ${formatCount(n ?? 0)}`);
    return {
      step: stepLabel(s),
      count: formatCount(s.count),
      perSec: formatCount(s.perSec, 1),
      p50: formatUs(s.latencyUs?.p50),
      p99: formatUs(s.latencyUs?.p99),
      p999: formatUs(s.latencyUs?.p999),
      errors: s.errors.total === 0 ? '0' : `${formatCount(s.errors.total)} (${kinds.join(', ')})`,
      checks: passed + failed === 0 ? (s.checks.length === 0 ? '–' : 'none ran') : failed === 0 ? `${formatCount(passed)} passed` : `${formatCount(failed)} of ${formatCount(passed + failed)} failed`,
      wsAnswers: s.ws ? `${formatCount(s.ws.outOfOrder)} / ${formatCount(s.ws.unmatched)}` : '–',
      failing: s.errors.total > 0 || failed > 0,
    };
  });
}

/** Whether the flow has a ws-send step matching answers: its tables add the WS_ANSWERS_COLUMN. */
export function hasWsAnswers(flow: FlowFigures): boolean {
  return flow.steps.some((s) => s.ws !== undefined);
}

/** "Iterations 150 started, 148 completed, 2 abandoned; duration p50 4.0 ms, p99 9.1 ms". */
export function iterationLine(flow: FlowFigures): string {
  const it = flow.iterations;
  const duration = it.durationUs && it.durationUs.count > 0 ? `; duration p50 ${formatUs(it.durationUs.p50)}, p99 ${formatUs(it.durationUs.p99)}, max ${formatUs(it.durationUs.max)}` : '';
  return `${formatCount(it.started)} started, ${formatCount(it.completed)} completed, ${formatCount(it.abandoned)} abandoned${duration}`;
}

/** "97.2% passed (350 of 360)", or null when no check ran. */
export function checksLine(flow: FlowFigures): string | null {
  const { passed, failed, share } = flow.checks;
  if (share === null) return null;
  return `${Number((share * 100).toFixed(share < 1 && share > 0.999 ? 2 : 1))}% passed (${formatCount(passed)} of ${formatCount(passed + failed)})`;
}

/** The checks that failed at least once, "list items: status 2xx failed 3 of 145", for a short list under the table. */
export function failedChecks(flow: FlowFigures): string[] {
  return flow.steps.flatMap((s) => s.checks.filter((c) => c.failed > 0).map((c) => `${stepLabel(s)}: ${c.name} failed ${formatCount(c.failed)} of ${formatCount(c.passed + c.failed)}`));
}
