// What the History view is showing (filters, sort, page) and which runs are selected. Kept
// outside the view so that opening a report and coming back finds the same page and selection.
import type { RunRow } from '../../../shared/contract.ts';
import type { RunStatus } from '../../../shared/runResult.ts';

export type RunSort = 'newest' | 'oldest' | 'throughput' | 'p50' | 'p99' | 'errors' | 'duration';

export interface HistoryFilters {
  text: string;
  scenario: string;
  protocol: '' | 'http' | 'ws';
  status: '' | RunStatus;
  tag: string;
  /** Thresholds (SLOs): 'yes' all passed, 'no' one failed; '' any (runs without thresholds too). */
  passed: '' | 'yes' | 'no';
}

class HistoryState {
  filters = $state<HistoryFilters>({ text: '', scenario: '', protocol: '', status: '', tag: '', passed: '' });
  sort = $state<RunSort>('newest');
  reverse = $state(false);
  limit = $state(100);
  offset = $state(0);
  /** Selected runs, across pages and filters; the row is kept to show what was selected. */
  selected = $state<Map<number, Pick<RunRow, 'id' | 'scenarioName' | 'protocol' | 'startedAt'>>>(new Map());

  toggle(row: RunRow): void {
    const next = new Map(this.selected);
    if (next.has(row.id)) next.delete(row.id);
    else next.set(row.id, { id: row.id, scenarioName: row.scenarioName, protocol: row.protocol, startedAt: row.startedAt });
    this.selected = next;
  }

  clearSelection(): void {
    this.selected = new Map();
  }

  /** Selected ids, oldest first: the first is the comparison's reference run. */
  get selectedIds(): number[] {
    return [...this.selected.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map((r) => r.id);
  }
}

export const historyState = new HistoryState();
