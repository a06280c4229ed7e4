// The SQL of the history list: filters, sorts, and rows turned into list items.
import type { RunStatus, RunSummary } from '../../shared/runResult.ts';
import type { RunFilter, RunListItem, RunSort } from '../../shared/history.ts';
import { parseJsonOrUndefined, summaryProblem } from './storedRunCheck.ts';

/** A row of the runs table as better-sqlite3 returns it. */
export interface RunRow {
  id: number;
  scenario_id: number | null;
  scenario_name: string | null;
  protocol: string;
  target_host: string;
  url: string;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  config: string;
  summary: string | null;
  throughput_per_sec: number | null;
  p50_us: number | null;
  p99_us: number | null;
  errors_total: number | null;
  duration_sec: number | null;
  histogram: string;
  notes: string;
  environment: string;
  writer_pid: number | null;
  writer_token: string | null;
  group_id: string | null;
  thresholds_passed: number | null;
}

export const LIST_COLUMNS =
  'id, scenario_id, scenario_name, group_id, protocol, url, target_host, status, started_at, ended_at, duration_sec, throughput_per_sec, p50_us, p99_us, errors_total, thresholds_passed, notes, summary';

/** ORDER BY per sort, best first; NULLS LAST keeps running runs (no figures yet) at the end. */
export const SORTS: Record<RunSort, { column: string; desc: boolean }> = {
  newest: { column: 'started_at', desc: true },
  oldest: { column: 'started_at', desc: false },
  throughput: { column: 'throughput_per_sec', desc: true },
  p50: { column: 'p50_us', desc: false },
  p99: { column: 'p99_us', desc: false },
  errors: { column: 'errors_total', desc: false },
  duration: { column: 'duration_sec', desc: true },
};
export function listItem(r: RunRow, tags: string[]): RunListItem {
  return {
    id: r.id,
    scenarioId: r.scenario_id,
    scenarioName: r.scenario_name,
    groupId: r.group_id,
    protocol: r.protocol as RunListItem['protocol'],
    url: r.url,
    targetHost: r.target_host,
    status: r.status,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationSec: r.duration_sec,
    throughputPerSec: r.throughput_per_sec,
    p50Us: r.p50_us,
    p99Us: r.p99_us,
    errorsTotal: r.errors_total,
    thresholdsPassed: r.thresholds_passed === null ? null : r.thresholds_passed === 1,
    tags,
    notes: r.notes,
    // A damaged summary lists as none (the key figures come from their own columns).
    summary: listedSummary(r.summary),
  };
}

export function whereClause(f: RunFilter): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (typeof f.scenario === 'number') {
    parts.push('scenario_id = ?');
    params.push(f.scenario);
  } else if (f.scenario !== undefined) {
    // The run's own snapshot of the name, or the scenario it belongs to under its current name
    // (it may have been renamed since).
    parts.push('(scenario_name = ? OR scenario_id IN (SELECT id FROM scenarios WHERE name = ?))');
    params.push(f.scenario, f.scenario);
  }
  if (f.tag !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM run_tags WHERE run_tags.run_id = runs.id AND tag = ?)');
    params.push(f.tag.trim());
  }
  if (f.protocol !== undefined) {
    parts.push('protocol = ?');
    params.push(f.protocol);
  }
  if (f.status !== undefined) {
    parts.push('status = ?');
    params.push(f.status);
  }
  if (f.groupId !== undefined) {
    parts.push('group_id = ?');
    params.push(f.groupId);
  }
  if (f.passed !== undefined) {
    parts.push('thresholds_passed = ?');
    params.push(f.passed ? 1 : 0);
  }
  if (f.text !== undefined && f.text.trim() !== '') {
    const like = `%${f.text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(
      "(scenario_name LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\' OR target_host LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\')",
    );
    params.push(like, like, like, like);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}


function listedSummary(text: string | null): RunSummary | null {
  if (!text) return null;
  const parsed = parseJsonOrUndefined(text);
  return summaryProblem(parsed) === null ? (parsed as RunSummary) : null;
}
