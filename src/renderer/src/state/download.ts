// Offers exported runs as a file download. The main process returns the file's content
// (runs.export); a Blob URL and an <a download> hand it to the browser's (or Electron's) own
// download handling, so no view needs file-system access.
import { barrage } from '../api/barrage.ts';
import { notices } from './notices.svelte.ts';

export function downloadFile(file: { fileName: string; mimeType: string; content: string }): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: the download reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function exportRuns(ids: number[], format: 'json' | 'csv'): Promise<void> {
  try {
    const file = await barrage.runs.export({ ids, format });
    downloadFile(file);
    notices.info(`Exported ${file.fileName}`);
  } catch (err) {
    notices.error('Export failed', err);
  }
}

/**
 * A self-contained HTML report (charts inlined, no external requests): one run, a comparison
 * (the first id is the baseline), or an A/B group.
 */
export async function exportReport(what: { ids: number[] } | { groupId: string }): Promise<void> {
  try {
    const file = await barrage.runs.report(what);
    downloadFile(file);
    notices.info(`Exported ${file.fileName}`);
  } catch (err) {
    notices.error('Report export failed', err);
  }
}
