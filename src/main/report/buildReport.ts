// A report from the run history: one run, several runs compared with the first, or the two
// sides of an A/B group. Shared by `barrage report` and the app's `runs.report`.
import { compareStoredGroups, compareStoredRuns } from '../../shared/comparison.ts';
import { groupRuns } from '../../shared/groupRuns.ts';
import type { StoredRun } from '../../shared/history.ts';
import type { CompareOptions } from '../../shared/stats/index.ts';
import { appVersion } from '../appVersion.ts';
import type { RunStore } from '../store/runStore.ts';
import { comparisonReportHtml, groupReportHtml, reportFileName, runReportHtml } from './htmlReport.ts';

export interface BuiltReport {
  fileName: string;
  mimeType: 'text/html';
  content: string;
}

/** A report asked for something the history does not hold. */
export class ReportNotFound extends Error {
  override name = 'ReportNotFound';
}

export type ReportSubject = { ids: readonly number[] } | { groupId: string };

export function buildReport(store: RunStore, subject: ReportSubject, compare?: CompareOptions): BuiltReport {
  const options = { barrageVersion: appVersion() };
  if ('groupId' in subject) {
    const listed = store.listRuns({ groupId: subject.groupId, limit: 10_000 }).runs;
    if (listed.length === 0) throw new ReportNotFound(`no runs in group "${subject.groupId}"`);
    const runs = listed.map((r) => store.getRun(r.id)).filter((r): r is StoredRun => r !== undefined);
    const { a, b, leftOut } = groupRuns(runs);
    if (a.length === 0 || b.length === 0) throw new ReportNotFound(`group "${subject.groupId}" has no completed runs tagged ab:A and ab:B`);
    const comparison = compareStoredGroups(a, b, compare, subject.groupId);
    return { fileName: reportFileName('ab', [subject.groupId]), mimeType: 'text/html', content: groupReportHtml(a, b, comparison, options, leftOut) };
  }
  const ids = [...new Set(subject.ids)];
  const runs = ids.map((id) => store.getRun(id));
  const missing = ids.filter((_, i) => runs[i] === undefined);
  if (missing.length > 0) throw new ReportNotFound(`no ${missing.length === 1 ? 'run' : 'runs'} ${missing.join(', ')}`);
  const found = runs as StoredRun[];
  if (found.length === 1) {
    return { fileName: reportFileName('run', ids), mimeType: 'text/html', content: runReportHtml(found[0], options) };
  }
  const comparison = compareStoredRuns(found, compare);
  return { fileName: reportFileName('compare', ids), mimeType: 'text/html', content: comparisonReportHtml(found, comparison, options) };
}
