// The per-stage table of a run with a load profile, for the terminal.
import type { StageFigures } from '../../../shared/runResult.ts';
import { stageRowsText, type StageRowText } from '../../../shared/stageRows.ts';
import { formatTable, type Column } from './table.ts';

export function stageTable(stages: readonly StageFigures[]): string {
  const right = (header: string, key: keyof StageRowText): Column<StageRowText> => ({ header, value: (r) => String(r[key]), align: 'right' });
  const left = (header: string, key: keyof StageRowText): Column<StageRowText> => ({ header, value: (r) => String(r[key]) });
  return formatTable(stageRowsText(stages), [
    right('STAGE', 'stage'),
    left('SECONDS', 'seconds'),
    left('PLANNED', 'planned'),
    left('ACHIEVED', 'achieved'),
    right('THROUGHPUT', 'throughput'),
    right('P50', 'p50'),
    right('P99', 'p99'),
    right('P99.9', 'p999'),
    right('ERRORS', 'errors'),
    left('NOTE', 'note'),
  ]);
}
