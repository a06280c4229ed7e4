// The per-step table of a flow run, for the terminal (docs/FLOWS.md).
import type { FlowFigures } from '../../../shared/runResult.ts';
import { checksLine, failedChecks, hasWsAnswers, iterationLine, stepRowsText, type StepRowText } from '../../../shared/flowStepRows.ts';
import { formatTable, type Column } from './table.ts';

export function stepTable(flow: FlowFigures): string {
  const right = (header: string, key: keyof StepRowText): Column<StepRowText> => ({ header, value: (r) => String(r[key]), align: 'right' });
  const left = (header: string, key: keyof StepRowText, max?: number): Column<StepRowText> => ({ header, value: (r) => String(r[key]), max });
  const table = formatTable(stepRowsText(flow), [
    left('STEP', 'step', 40),
    right('COUNT', 'count'),
    right('REQ/S', 'perSec'),
    right('P50', 'p50'),
    right('P99', 'p99'),
    right('P99.9', 'p999'),
    left('ERRORS', 'errors'),
    left('CHECKS', 'checks'),
    // ws-send steps matching answers: out of order / unmatched (docs/FLOWS.md).
    ...(hasWsAnswers(flow) ? [right('OUT OF ORDER / UNMATCHED', 'wsAnswers')] : []),
  ]);
  const lines = [`Iterations  ${iterationLine(flow)}`];
  const checks = checksLine(flow);
  if (checks) lines.push(`Checks      ${checks}`);
  for (const f of failedChecks(flow)) lines.push(`  FAILED    ${f}`);
  if (flow.data) lines.push(`Data        ${flow.data.rows.toLocaleString('en-US')} rows (${flow.data.assign}), sha256 ${flow.data.sha256.slice(0, 12)}…`);
  return `${table}${lines.join('\n')}\n`;
}
